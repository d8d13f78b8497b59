/// A JSON value as the protocol sees it: objects compare by content (key order does not matter),
/// numbers compare by their decimal value (the spelling `1`, `1.0` and `1e0` does not matter).
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept exactly as written.
    case number(JSONNumber)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; duplicate keys are rejected by the parser.
    case object([String: JSONValue])
}

/// A JSON number kept as its literal text, compared by exact decimal value.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number as written in the JSON text.
    public let literal: String
    /// The number's exact decimal value in a canonical spelling, used for equality.
    public let canonical: String

    /// Wraps a literal that is already known to match the JSON number grammar.
    public init(literal: String) {
        self.literal = literal
        self.canonical = JSONNumber.canonicalize(literal)
    }

    /// The number as a `Double` (may round).
    public var doubleValue: Double { Double(literal) ?? .nan }

    /// The number as an `Int64` when its exact value is an integer in range, else nil.
    public var int64Value: Int64? {
        if let exact = Int64(literal) { return exact }
        let d = doubleValue
        guard d.isFinite, d.rounded() == d, abs(d) < 9.0e15 else { return nil }
        // Only accept when the canonical form says it is an integer (no fractional digits).
        return canonical.contains(".") || canonical.contains("e-") ? nil : Int64(d)
    }

    public var description: String { literal }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool { lhs.canonical == rhs.canonical }
    public func hash(into hasher: inout Hasher) { hasher.combine(canonical) }

    /// Canonical spelling of a JSON number literal: sign, significant digits without leading or
    /// trailing zeros, and a decimal exponent: `-12.50e1` becomes `-125e0`, `0.0` becomes `0`.
    public static func canonicalize(_ literal: String) -> String {
        var negative = false
        var digits: [UInt8] = []
        var pointShift = 0
        var exponent = 0
        var bytes = Array(literal.utf8)[...]
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        var seenPoint = false
        while let b = bytes.first, b != UInt8(ascii: "e"), b != UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if b == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(b)
            if seenPoint { pointShift -= 1 }
        }
        if !bytes.isEmpty {
            bytes = bytes.dropFirst()
            var expNegative = false
            if bytes.first == UInt8(ascii: "+") {
                bytes = bytes.dropFirst()
            } else if bytes.first == UInt8(ascii: "-") {
                expNegative = true
                bytes = bytes.dropFirst()
            }
            var e = 0
            for b in bytes {
                e = min(e &* 10 &+ Int(b &- UInt8(ascii: "0")), 1_000_000_000)
            }
            exponent = expNegative ? -e : e
        }
        while digits.first == UInt8(ascii: "0") { digits.removeFirst() }
        if digits.isEmpty { return "0" }
        while digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            pointShift += 1
        }
        let e = exponent + pointShift
        return (negative ? "-" : "") + String(decoding: digits, as: UTF8.self) + "e" + String(e)
    }
}

extension JSONValue {
    /// The value at `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string when this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

extension JSONValue: Codable {
    /// Decodes any JSON value through a `Decoder` (numbers become their shortest spelling).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .number(JSONNumber(literal: String(i)))
        } else if let d = try? c.decode(Double.self) {
            self = .number(JSONNumber(literal: "\(d)"))
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value; integers stay integers.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if let i = Int64(n.literal) { try c.encode(i) } else { try c.encode(n.doubleValue) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

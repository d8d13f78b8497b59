/// Writes JSON text without white space. Its string escaping is the package's only one: replies,
/// canonical content, simulator messages and error messages all quote through it.
///
/// Numbers are written by ``NumberStyle``: by default as a `Codable` reader gets them back.
package struct JSONWriter: Sendable {
    package enum NumberStyle: Sendable {
        /// An integer when the value is an integer within `Int64`, else the shortest text of its
        /// `Double`; a number beyond `Double`'s range has no such text and is an error.
        case decoded
        /// The exact ``JSONNumber/canonical`` spelling.
        case canonical
        /// The literal as written or built.
        case literal
    }

    /// The text written so far, UTF-8.
    package var bytes: [UInt8]
    /// Whether object members are written sorted by the UTF-8 bytes of their keys
    /// (``JSONObject/sortedByKey()``), rather than in their order.
    package var sortedKeys: Bool
    package var numbers: NumberStyle
    /// Whether `,` and `:` are followed by a space: a second spelling of the same text, as pumpsim
    /// resends a message the way a re-serialising gateway would.
    package var spacedSeparators = false

    package init(sortedKeys: Bool = false, numbers: NumberStyle = .decoded, capacity: Int = 256) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
        self.sortedKeys = sortedKeys
        self.numbers = numbers
    }

    /// The compact text of `value` (see the type's number rules).
    package static func bytes(_ value: JSONValue, sortedKeys: Bool = false) throws(JSONWriteError) -> [UInt8] {
        var w = JSONWriter(sortedKeys: sortedKeys)
        try w.write(value)
        return w.bytes
    }

    /// The value's one canonical text: members sorted by the UTF-8 bytes of their keys, numbers
    /// in their ``JSONNumber/canonical`` spelling, no white space. Equal values (``JSONValue/==``)
    /// give equal bytes and different values different bytes, so "the same content" can be
    /// compared, hashed and stored as one blob; the text parses back to an equal value.
    package static func canonical(_ value: JSONValue) -> [UInt8] {
        var w = JSONWriter(sortedKeys: true, numbers: .canonical)
        do throws(JSONWriteError) { try w.write(value) } catch {
            preconditionFailure("canonical numbers always have text")
        }
        return w.bytes
    }

    /// Appends `value`.
    package mutating func write(_ value: JSONValue) throws(JSONWriteError) {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let b): bytes.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case .number(let n): try write(n)
        case .string(let s): JSONWriter.appendString(s, to: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { comma() }
                try write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            let members = object.members
            if sortedKeys {
                for (n, i) in JSONObject.keyOrder(members).enumerated() { try write(members[i], first: n == 0) }
            } else {
                for (n, member) in members.enumerated() { try write(member, first: n == 0) }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func write(_ member: JSONObject.Member, first: Bool) throws(JSONWriteError) {
        if !first { comma() }
        JSONWriter.appendString(member.key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        if spacedSeparators { bytes.append(UInt8(ascii: " ")) }
        try write(member.value)
    }

    private mutating func comma() {
        bytes.append(UInt8(ascii: ","))
        if spacedSeparators { bytes.append(UInt8(ascii: " ")) }
    }

    /// Appends text that is already JSON in its place.
    package mutating func appendRaw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func write(_ n: JSONNumber) throws(JSONWriteError) {
        if numbers == .canonical {
            bytes.append(contentsOf: n.canonical.utf8)
        } else if numbers == .literal {
            bytes.append(contentsOf: n.literal.utf8)
        } else if let i = n.int64Value {
            bytes.append(contentsOf: String(i).utf8)
        } else {
            let d = n.doubleValue
            guard d.isFinite else { throw .numberOutOfRange(n.literal) }
            bytes.append(contentsOf: "\(d)".utf8)
        }
    }

    /// Appends `s` as a JSON string literal, quotes included.
    ///
    /// `"` and `\` become `\"` and `\\`; the control characters U+0000–U+001F become `\b`, `\f`,
    /// `\n`, `\r`, `\t` or `\u00XX` (lower-case hex); everything else, `/`, DEL and all non-ASCII
    /// characters included, is copied as UTF-8.
    package static func appendString(_ s: String, to buffer: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendString(utf8: $0, to: &buffer) }
    }

    /// Appends the UTF-8 text `bytes` as a JSON string literal, quotes included, with the escapes
    /// of `appendString(_:to:)` (the bytes are copied as they are otherwise: valid UTF-8 in, valid out).
    package static func appendString(utf8 bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
            if runStart < i { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            runStart = i + 1
            buffer.append(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case 0x08: buffer.append(UInt8(ascii: "b"))
            case 0x0C: buffer.append(UInt8(ascii: "f"))
            case 0x0A: buffer.append(UInt8(ascii: "n"))
            case 0x0D: buffer.append(UInt8(ascii: "r"))
            case 0x09: buffer.append(UInt8(ascii: "t"))
            default:
                let low = b & 0x0F
                buffer.append(contentsOf: "u00".utf8)
                buffer.append(UInt8(ascii: "0") + (b >> 4))
                buffer.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
            }
        }
        if runStart < bytes.count {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// `s` as a JSON string literal (see ``appendString(_:to:)``), for messages.
    package static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Why a value has no compact JSON text.
package enum JSONWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A number beyond `Double`'s range (a stored literal such as `1e400`), or a `Double` that is
    /// infinite or NaN: JSON readers have no value for it. The associated text is the number.
    case numberOutOfRange(String)

    package var description: String {
        switch self {
        case .numberOutOfRange(let text): "\(text) is not a number JSON readers can represent"
        }
    }
}

import PumpJSON
import PumpTelemetry

/// Encodes `Encodable` values to JSON text with every object's keys in the order its `encode(to:)`
/// wrote them, so `pumpctl --json` prints the documents of `cli.md` in the spec's key order.
///
/// Foundation's `JSONEncoder` on Linux writes keys in hash order (different on every run) unless
/// told to sort them, which would lose the spec's order. Objects inside a `JSONValue` (a stored
/// message, a latest status) have no order of their own; they are written with sorted keys so the
/// output is the same on every run. Slashes are not escaped; non-ASCII characters are written as
/// UTF-8; integral numbers are written without a fraction (`60`, not `60.0`).
public struct OrderedJSONEncoder: Sendable {
    /// Whether to indent (two spaces, `"key": value`, one member per line) or write one line.
    public var prettyPrinted: Bool

    /// Creates an encoder; compact by default.
    public init(prettyPrinted: Bool = false) {
        self.prettyPrinted = prettyPrinted
    }

    /// The JSON text of `value` (no trailing newline).
    public func encode<T: Encodable>(_ value: T) throws(EncodingError) -> String {
        let node: JSONNode
        do {
            node = try JSONNode.make(for: value, codingPath: [])
        } catch let error as EncodingError {
            throw error
        } catch {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: [], debugDescription: "\(error)", underlyingError: error))
        }
        var out = ""
        node.write(into: &out, pretty: prettyPrinted, indent: 0)
        return out
    }
}

/// A JSON value under construction: literals are final text, containers are shared boxes that the
/// encoding containers fill in, and `pending` is a sub-encoder resolved when written.
enum JSONNode {
    case literal(String)
    case object(ObjectBox)
    case array(ArrayBox)
    case pending(NodeEncoder)

    /// The node for one value, with the `JSONValue` special case (sorted object keys).
    static func make<T: Encodable>(for value: T, codingPath: [any CodingKey]) throws -> JSONNode {
        if let json = value as? JSONValue { return make(json: json) }
        let encoder = NodeEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        return encoder.node ?? .object(ObjectBox())
    }

    /// A `JSONValue`, objects with their keys sorted.
    static func make(json: JSONValue) -> JSONNode {
        switch json {
        case .null: return .literal("null")
        case .bool(let b): return .literal(b ? "true" : "false")
        case .number(let n): return .literal(n.literal)
        case .string(let s): return .literal(quoted(s))
        case .array(let items): return .array(ArrayBox(items.map { make(json: $0) }))
        case .object(let members):
            let box = ObjectBox()
            for (key, member) in members.sortedByKey() { box.set(key, make(json: member)) }
            return .object(box)
        }
    }

    /// A JSON number for a `Double`; integral values within 2^53 are written without a fraction.
    static func number(_ value: Double, codingPath: [any CodingKey]) throws -> JSONNode {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: codingPath, debugDescription: "\(value) is not a JSON number"))
        }
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 {
            return .literal(String(Int64(value)))
        }
        return .literal("\(value)")
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, nothing else.
    static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Appends the JSON text of this node.
    func write(into out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .literal(let text):
            out += text
        case .pending(let encoder):
            (encoder.node ?? .object(ObjectBox())).write(into: &out, pretty: pretty, indent: indent)
        case .array(let box):
            writeContainer(
                box.items.map { (nil, $0) }, open: "[", close: "]", into: &out, pretty: pretty, indent: indent)
        case .object(let box):
            writeContainer(
                box.members.map { ($0.key, $0.node) }, open: "{", close: "}", into: &out, pretty: pretty,
                indent: indent)
        }
    }

    private func writeContainer(
        _ entries: [(String?, JSONNode)], open: String, close: String, into out: inout String, pretty: Bool,
        indent: Int
    ) {
        out += open
        guard !entries.isEmpty else {
            out += close
            return
        }
        let inner = String(repeating: " ", count: (indent + 1) * 2)
        for (index, (key, node)) in entries.enumerated() {
            if index > 0 { out += "," }
            if pretty { out += "\n" + inner }
            if let key { out += JSONNode.quoted(key) + (pretty ? ": " : ":") }
            node.write(into: &out, pretty: pretty, indent: indent + 1)
        }
        if pretty { out += "\n" + String(repeating: " ", count: indent * 2) }
        out += close
    }
}

/// An object's members in the order they were encoded; a key written twice keeps its first place.
final class ObjectBox {
    private(set) var members: [(key: String, node: JSONNode)] = []

    func set(_ key: String, _ node: JSONNode) {
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].node = node
        } else {
            members.append((key, node))
        }
    }
}

/// An array's items in order.
final class ArrayBox {
    var items: [JSONNode]
    init(_ items: [JSONNode] = []) { self.items = items }
}

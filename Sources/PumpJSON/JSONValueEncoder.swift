/// Turns an `Encodable` value into a ``JSONValue`` whose object members come in the order of the
/// `encode(to:)` calls, so a synthesized `Codable` struct's keys come out in the order its
/// properties are declared. That order is what makes a document's declaration its one definition;
/// Foundation's `JSONEncoder` on Linux does not keep it.
///
/// Optionals: synthesized conformances call `encodeIfPresent`, and a `nil` is written as `null`:
/// documents show every key. A `JSONValue` is taken as it is, numbers as written. A `Double` that
/// is an integer below 2^53 is written as that integer, any other as its shortest text; infinity
/// and NaN are an `EncodingError`. A key encoded twice keeps its first place and its last value.
package struct JSONValueEncoder: Sendable {
    package init() {}

    package func encode(_ value: some Encodable) throws -> JSONValue {
        try Node.json(for: value, codingPath: [])
    }
}

/// A container's contents while `encode(to:)` runs. Scalars are stored as values straight away;
/// only nested containers get a node of their own.
private final class Node {
    enum Slot {
        case value(JSONValue)
        case node(Node)

        var json: JSONValue {
            switch self {
            case .value(let v): v
            case .node(let n): n.json
            }
        }
    }

    enum Kind { case unset, single, object, array }

    var kind = Kind.unset
    var keys: [String] = []
    var slots: [Slot] = []

    var json: JSONValue {
        switch kind {
        case .unset: .object(JSONObject())  // a type that encoded nothing, as JSONEncoder writes it
        case .single: slots.first?.json ?? .null
        case .array: .array(slots.map(\.json))
        case .object:
            .object(JSONObject(keys.indices.map { (key: keys[$0], value: slots[$0].json) }))
        }
    }

    /// The value of a nested `Encodable`: scalars and `JSONValue`s directly, anything else by
    /// running its `encode(to:)` into a fresh node.
    static func json(for value: some Encodable, codingPath: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        switch value {
        case let json as JSONValue: return json
        case let s as String: return .string(s)
        case let b as Bool: return .bool(b)
        case let i as Int: return .number(JSONNumber(Int64(i)))
        case let d as Double: return .number(try number(d, codingPath()))
        case let f as Float: return .number(try number(Double(f), codingPath()))
        default:
            let node = Node()
            try value.encode(to: NodeEncoder(node: node, codingPath: codingPath()))
            return node.json
        }
    }

    static func number(_ d: Double, _ codingPath: [any CodingKey]) throws -> JSONNumber {
        guard d.isFinite else {
            throw EncodingError.invalidValue(
                d, .init(codingPath: codingPath, debugDescription: "\(d) is not a JSON number"))
        }
        if d.rounded() == d, abs(d) < 9_007_199_254_740_992 { return JSONNumber(Int64(d)) }
        return JSONNumber(literal: "\(d)")
    }

    func set(_ key: String, _ slot: Slot) {
        if let i = keys.firstIndex(of: key) {
            slots[i] = slot
        } else {
            keys.append(key)
            slots.append(slot)
        }
    }

    func nested(_ key: String) -> Node {
        let node = Node()
        set(key, .node(node))
        return node
    }

    func appended() -> Node {
        let node = Node()
        slots.append(.node(node))
        return node
    }
}

private struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.kind != .object {
            node.kind = .object
            node.keys.reserveCapacity(8)
            node.slots.reserveCapacity(8)
        }
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.kind = .array
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        node.kind = .single
        return SingleNodeContainer(node: node, codingPath: codingPath)
    }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    private func put(_ value: JSONValue, _ key: Key) { node.set(key.stringValue, .value(value)) }

    // The common scalars are stored without the generic path's dynamic casts: a list reply
    // encodes every row's members through here.
    mutating func encodeNil(forKey key: Key) { put(.null, key) }
    mutating func encode(_ value: String, forKey key: Key) { put(.string(value), key) }
    mutating func encode(_ value: Bool, forKey key: Key) { put(.bool(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) { put(.number(JSONNumber(Int64(value))), key) }
    mutating func encode(_ value: Int64, forKey key: Key) { put(.number(JSONNumber(value)), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        put(.number(try Node.number(value, codingPath + [key])), key)
    }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        put(try Node.json(for: value, codingPath: codingPath + [key]), key)
    }

    /// Every `encodeIfPresent` overload comes here: `nil` is written as `null`.
    mutating func present(_ value: (some Encodable)?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else { encodeNil(forKey: key) }
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) {
        if let value { encode(value, forKey: key) } else { encodeNil(forKey: key) }
    }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) {
        if let value { encode(value, forKey: key) } else { encodeNil(forKey: key) }
    }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { encodeNil(forKey: key) }
    }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try present(value, key) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.nested(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.nested(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(node: node.nested("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(node: node.nested(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.slots.count }

    mutating func encodeNil() { node.slots.append(.value(.null)) }

    mutating func encode(_ value: some Encodable) throws {
        node.slots.append(.value(try Node.json(for: value, codingPath: codingPath)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.appended(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.appended(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.appended(), codingPath: codingPath) }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    private func put(_ value: JSONValue) { node.slots = [.value(value)] }
    private func integer(_ value: Int64) { put(.number(JSONNumber(value))) }

    mutating func encodeNil() { put(.null) }
    mutating func encode(_ value: Bool) { put(.bool(value)) }
    mutating func encode(_ value: String) { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(.number(try Node.number(value, codingPath))) }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) { integer(Int64(value)) }
    mutating func encode(_ value: Int8) { integer(Int64(value)) }
    mutating func encode(_ value: Int16) { integer(Int64(value)) }
    mutating func encode(_ value: Int32) { integer(Int64(value)) }
    mutating func encode(_ value: Int64) { integer(value) }
    mutating func encode(_ value: UInt) { put(.number(JSONNumber(literal: String(value)))) }
    mutating func encode(_ value: UInt8) { integer(Int64(value)) }
    mutating func encode(_ value: UInt16) { integer(Int64(value)) }
    mutating func encode(_ value: UInt32) { integer(Int64(value)) }
    mutating func encode(_ value: UInt64) { put(.number(JSONNumber(literal: String(value)))) }
    mutating func encode(_ value: some Encodable) throws { put(try Node.json(for: value, codingPath: codingPath)) }
}

/// Turns an `Encodable` value into a ``JSONValue`` whose object members come in the order of the
/// `encode(to:)` calls, so a synthesized `Codable` struct's keys come out in the order its
/// properties are declared. That order is what makes a document's declaration its one definition;
/// Foundation's `JSONEncoder` on Linux does not keep it.
///
/// Optionals: synthesized conformances call `encodeIfPresent`, and a `nil` is written as `null`:
/// documents show every key. A `JSONValue` is taken as it is, numbers as written. A `Double` that is an integer below 2^53 is written as that integer,
/// any other as its shortest text; infinity and NaN are an `EncodingError`.
package struct JSONValueEncoder: Sendable {
    package init() {}

    package func encode(_ value: some Encodable) throws -> JSONValue {
        let root = Node()
        try root.store(value, codingPath: [])
        return root.value
    }
}

/// One value under construction; containers fill it in as `encode(to:)` runs.
private final class Node {
    enum Content {
        case empty
        case value(JSONValue)
        case object([(key: String, node: Node)])
        case array([Node])
    }
    var content = Content.empty

    var value: JSONValue {
        switch content {
        case .empty: .object(JSONObject())  // a type that encoded nothing, as JSONEncoder writes it
        case .value(let v): v
        case .object(let members): .object(JSONObject(members.map { (key: $0.key, value: $0.node.value) }))
        case .array(let nodes): .array(nodes.map(\.value))
        }
    }

    func store(_ value: some Encodable, codingPath: [any CodingKey]) throws {
        switch value {
        case let json as JSONValue: content = .value(json)
        case let s as String: content = .value(.string(s))
        case let b as Bool: content = .value(.bool(b))
        case let i as Int: content = .value(.number(JSONNumber(Int64(i))))
        case let d as Double: content = .value(.number(try Node.number(d, codingPath)))
        case let f as Float: content = .value(.number(try Node.number(Double(f), codingPath)))
        default: try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
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

    /// The node of member `key`, made (or emptied) for a new value; the member keeps its place.
    func member(_ key: String) -> Node {
        guard case .object(var members) = content else { preconditionFailure("not an object") }
        let node = Node()
        if let i = members.firstIndex(where: { $0.key == key }) {
            members[i].node = node
        } else {
            members.append((key, node))
        }
        content = .object(members)
        return node
    }

    func element() -> Node {
        guard case .array(var nodes) = content else { preconditionFailure("not an array") }
        let node = Node()
        nodes.append(node)
        content = .array(nodes)
        return node
    }

    var count: Int {
        if case .array(let nodes) = content { return nodes.count }
        return 0
    }
}

private struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([]) }
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNodeContainer(node: node, codingPath: codingPath)
    }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) { node.member(key.stringValue).content = .value(.null) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        try node.member(key.stringValue).store(value, codingPath: codingPath + [key])
    }

    /// Every `encodeIfPresent` overload comes here: `nil` is written as `null`.
    mutating func present(_ value: (some Encodable)?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else { encodeNil(forKey: key) }
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try present(value, key) }
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
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
            .container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(node: node.member("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    mutating func encodeNil() { node.element().content = .value(.null) }

    mutating func encode(_ value: some Encodable) throws {
        try node.element().store(value, codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        NodeEncoder(node: node.element(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.element(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.element(), codingPath: codingPath) }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() { node.content = .value(.null) }
    mutating func encode(_ value: Bool) { node.content = .value(.bool(value)) }
    mutating func encode(_ value: String) { node.content = .value(.string(value)) }
    mutating func encode(_ value: Double) throws { node.content = .value(.number(try Node.number(value, codingPath))) }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) { integer(Int64(value)) }
    mutating func encode(_ value: Int8) { integer(Int64(value)) }
    mutating func encode(_ value: Int16) { integer(Int64(value)) }
    mutating func encode(_ value: Int32) { integer(Int64(value)) }
    mutating func encode(_ value: Int64) { integer(value) }
    mutating func encode(_ value: UInt) { node.content = .value(.number(JSONNumber(literal: String(value)))) }
    mutating func encode(_ value: UInt8) { integer(Int64(value)) }
    mutating func encode(_ value: UInt16) { integer(Int64(value)) }
    mutating func encode(_ value: UInt32) { integer(Int64(value)) }
    mutating func encode(_ value: UInt64) { node.content = .value(.number(JSONNumber(literal: String(value)))) }
    mutating func encode(_ value: some Encodable) throws { try node.store(value, codingPath: codingPath) }

    private func integer(_ value: Int64) { node.content = .value(.number(JSONNumber(value))) }
}

/// An optional member that is left out of its object when nil, where every other nil member is
/// written as `null`: keys added to a document after its first shape (older readers never see
/// them) and a request's unused fields. With it a synthesized `Codable` stays the document's one
/// definition; the container overloads below are what synthesized code calls for it, with any
/// encoder or decoder.
@propertyWrapper
package struct OmittedWhenNil<Value: Codable & Sendable>: Codable, Sendable {
    package var wrappedValue: Value?

    package init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws { wrappedValue = try Value?(from: decoder) }

    package func encode(to encoder: any Encoder) throws { try wrappedValue.encode(to: encoder) }
}

extension OmittedWhenNil: Equatable where Value: Equatable {}
extension OmittedWhenNil: Hashable where Value: Hashable {}

extension KeyedEncodingContainer {
    package mutating func encode<Value>(_ member: OmittedWhenNil<Value>, forKey key: Key) throws {
        if let value = member.wrappedValue { try encode(value, forKey: key) }
    }
}

extension KeyedDecodingContainer {
    package func decode<Value>(_: OmittedWhenNil<Value>.Type, forKey key: Key) throws -> OmittedWhenNil<Value> {
        OmittedWhenNil(wrappedValue: try decodeIfPresent(Value.self, forKey: key))
    }
}

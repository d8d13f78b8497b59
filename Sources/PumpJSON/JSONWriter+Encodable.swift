extension JSONWriter {
    /// Appends the text of `value`, written as its `encode(to:)` calls arrive (no tree in between).
    ///
    /// Members come in the order of the calls, so a synthesized `Codable` struct's keys come in
    /// declaration order: its declaration is the document's one definition (Foundation's
    /// `JSONEncoder` on Linux does not keep the order). A `nil` optional is written as `null`, a
    /// ``JSONValue`` as itself (``write(_:)``), a `Double` that is an integer below 2^53 as that
    /// integer, any other as its shortest text; a type that encodes nothing is `{}`. Errors: an
    /// infinite or NaN `Double`, containers used out of order (one used after its parent moved on,
    /// two values in a single value container). A key encoded twice is written twice.
    package mutating func encode(_ value: some Encodable) throws {
        let stream = EncodingStream(writer: self)
        bytes = []  // the stream holds the only reference: appending does not copy
        defer { self = stream.writer }
        try stream.value(value, [])
        if let failure = stream.failure { throw failure }
    }

    /// The compact text of `value` (``encode(_:)``).
    package static func bytes(of value: some Encodable) throws -> [UInt8] {
        var writer = JSONWriter()
        try writer.encode(value)
        return writer.bytes
    }
}

/// The writer and the containers open while one value is encoded.
private final class EncodingStream {
    // Only this file's code reaches the stream, one call at a time: the runtime's exclusivity
    // checks on every append measured a tenth of a list reply.
    @exclusivity(unchecked) var writer: JSONWriter
    /// The open containers, outermost first: the closing byte (0 for a single value), the id of
    /// the encoder that opened it, how many values it holds.
    @exclusivity(unchecked) var open: [(closer: UInt8, id: Int, count: Int)] = []
    var lastID = 0
    /// A misuse found where the protocol gives no way to throw, thrown when the value is done.
    var failure: (any Error)?

    init(writer: JSONWriter) { self.writer = writer }

    /// Writes a nested value: a `JSONValue` as itself, anything else through its `encode(to:)` with
    /// an encoder of its own, closing what that left open.
    func value<T: Encodable>(_ v: T, _ path: @autoclosure () -> [any CodingKey]) throws {
        switch v {
        case let json as JSONValue: try writer.write(json)
        case let s as String: string(s)
        default:
            let encoder = encoder(open.count, path())
            try v.encode(to: encoder)
            if encoder.isOpen { close(downTo: encoder.level) } else { writer.appendRaw("{}") }
        }
    }

    /// Writes what a single value container was given: the generic path of every scalar.
    func scalar<T: Encodable>(_ v: T, _ path: @autoclosure () -> [any CodingKey]) throws {
        switch v {
        case let b as Bool: writer.appendRaw(b ? "true" : "false")
        case let d as Double: try double(d, path())
        case let f as Float: try double(Double(f), path())
        case let i as any BinaryInteger: try integer(i)
        default: try value(v, path())
        }
    }

    /// A string, or `null`: the concrete path synthesized code takes for most members.
    func string(_ s: String?) {
        if let s { JSONWriter.appendString(s, to: &writer.bytes) } else { writer.appendRaw("null") }
    }

    func integer(_ i: some BinaryInteger) throws {
        guard Int64(exactly: i) != nil else { return try writer.write(.number(JSONNumber(literal: "\(i)"))) }
        writer.bytes.append(contentsOf: String(i).utf8)
    }

    func double(_ d: Double, _ path: @autoclosure () -> [any CodingKey]) throws {
        guard d.isFinite else {
            let context = EncodingError.Context(codingPath: path(), debugDescription: "\(d) is not a JSON number")
            throw EncodingError.invalidValue(d, context)
        }
        if d.rounded() == d, abs(d) < 9_007_199_254_740_992 { return try integer(Int64(d)) }
        try writer.write(.number(JSONNumber(literal: "\(d)")))
    }

    func encoder(_ level: Int, _ path: [any CodingKey]) -> StreamEncoder {
        lastID += 1
        return StreamEncoder(stream: self, level: level, id: lastID, codingPath: path)
    }

    /// Opens the container of `encoder` (`opener` 0 for a single value), or finds it open.
    func open(_ encoder: StreamEncoder, _ opener: UInt8, _ closer: UInt8) {
        if encoder.isOpen, open[encoder.level].closer == closer { return }
        guard encoder.level == open.count else {
            failure = misuse("a container opened out of order")
            return
        }
        open.append((closer, encoder.id, 0))
        if opener != 0 { writer.bytes.append(opener) }
    }

    /// Closes the containers at `level` and deeper, innermost first.
    func close(downTo level: Int) {
        while open.count > level {
            let c = open.removeLast()
            if c.closer != 0 { writer.bytes.append(c.closer) } else if c.count == 0 { writer.appendRaw("null") }
        }
    }

    /// Starts the next value in the container of `encoder`: closes those still open inside it,
    /// then writes a comma after a value.
    @discardableResult @inline(__always)
    func begin(_ encoder: StreamEncoder) throws -> EncodingStream {
        guard encoder.isOpen else { throw misuse("a container used after its parent moved on") }
        close(downTo: encoder.level + 1)
        if open[encoder.level].count > 0 {
            guard open[encoder.level].closer != 0 else { throw misuse("a second value in a single value container") }
            writer.appendRaw(",")
        }
        open[encoder.level].count += 1
        return self
    }

    /// Starts the next member of the object of `encoder`: `"key":`.
    @inline(__always)
    func member(_ key: String, _ encoder: StreamEncoder) throws -> EncodingStream {
        try begin(encoder)
        JSONWriter.appendString(key, to: &writer.bytes)
        writer.appendRaw(":")
        return self
    }

    func misuse(_ what: String) -> EncodingError {
        .invalidValue(what, .init(codingPath: [], debugDescription: "\(what) while encoding to JSON"))
    }
}

/// An encoder and, once it is asked for one, its unkeyed or single value container.
private struct StreamEncoder: Encoder, UnkeyedEncodingContainer, SingleValueEncodingContainer {
    let stream: EncodingStream
    let level: Int
    let id: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var isOpen: Bool { level < stream.open.count && stream.open[level].id == id }
    var count: Int { isOpen ? stream.open[level].count : 0 }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        stream.open(self, UInt8(ascii: "{"), UInt8(ascii: "}"))
        return KeyedEncodingContainer(KeyedStreamContainer(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        stream.open(self, UInt8(ascii: "["), UInt8(ascii: "]"))
        return self
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        stream.open(self, 0, 0)
        return self
    }

    mutating func encodeNil() throws { try stream.begin(self).writer.appendRaw("null") }
    mutating func encode(_ value: String) throws { try stream.begin(self).string(value) }
    /// Every other type, `Bool` and the numbers included.
    mutating func encode(_ value: some Encodable) throws { try stream.begin(self).scalar(value, codingPath) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        nested(codingPath) { try stream.begin(self) }.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        nested(codingPath) { try stream.begin(self) }.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { nested(codingPath) { try stream.begin(self) } }

    /// The encoder of a value in this one's container, once `start` wrote its key or comma.
    func nested(_ path: [any CodingKey], after start: () throws -> EncodingStream) -> StreamEncoder {
        do { _ = try start() } catch { stream.failure = error }
        return stream.encoder(level + 1, path)
    }
}

private struct KeyedStreamContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: StreamEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    @inline(__always)
    private func member(_ key: Key) throws -> EncodingStream { try encoder.stream.member(key.stringValue, encoder) }

    // Synthesized code calls the concrete overloads directly: no casts on a document's hot path.
    mutating func encodeNil(forKey key: Key) throws { try member(key).writer.appendRaw("null") }
    mutating func encode(_ value: String, forKey key: Key) throws { try member(key).string(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try member(key).integer(value) }
    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        try member(key).scalar(value, codingPath + [key])
    }

    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try member(key).string(value) }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value, key) }
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
    mutating func encodeIfPresent(_ value: (some Encodable)?, forKey key: Key) throws { try present(value, key) }

    /// Every `encodeIfPresent` comes here: `nil` is written as `null`.
    private func present<T: Encodable>(_ value: T?, _ key: Key) throws {
        guard let value else { return try member(key).writer.appendRaw("null") }
        try member(key).scalar(value, codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        encoder.nested(codingPath + [key]) { try member(key) }.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.nested(codingPath + [key]) { try member(key) }.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        encoder.nested(codingPath) { try encoder.stream.member("super", encoder) }
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.nested(codingPath + [key]) { try member(key) }
    }
}

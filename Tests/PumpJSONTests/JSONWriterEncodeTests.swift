import PumpJSON
import Testing

@Suite("Encodable streamed into JSONWriter")
struct JSONWriterEncodeTests {
    func text(_ value: some Encodable) throws -> String {
        var writer = JSONWriter()
        try writer.encode(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes with nested containers, the way a hand-written `encode(to:)` may: a nested object
    /// left open while its parent goes on, an array of arrays, an enum in a single value.
    struct Hand: Encodable {
        enum Keys: String, CodingKey { case a, b, c, d }
        enum Word: String, Encodable { case yes }

        func encode(to encoder: any Encoder) throws {
            var top = encoder.container(keyedBy: Keys.self)
            var inner = top.nestedContainer(keyedBy: Keys.self, forKey: .a)
            try inner.encode(1, forKey: .a)
            try inner.encode(Int8(-2), forKey: .b)
            var rows = top.nestedUnkeyedContainer(forKey: .b)
            var row = rows.nestedUnkeyedContainer()
            try row.encode(UInt64.max)
            try row.encodeNil()
            _ = rows.nestedUnkeyedContainer()
            try top.encode(Word.yes, forKey: .c)
            try top.encodeIfPresent(nil as Int?, forKey: .d)
        }
    }

    @Test("nested containers close when their parent moves on; keys in call order")
    func nestedContainers() throws {
        #expect(try text(Hand()) == #"{"a":{"a":1,"b":-2},"b":[[1.8446744073709552e+19,null],[]],"c":"yes","d":null}"#)
    }

    @Test("the stream writes what the tree encoder wrote, element after element into one buffer")
    func appendsToWhatIsThere() throws {
        var writer = JSONWriter()
        writer.appendRaw("[")
        try writer.encode(["x": JSONValue.number(JSONNumber(literal: "1.50"))])
        writer.appendRaw(",")
        try writer.encode([Optional<Bool>.none, true])
        writer.appendRaw("]")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"[{"x":1.5},[null,true]]"#)
    }

    struct Twice: Encodable {
        func encode(to encoder: any Encoder) throws {
            var single = encoder.singleValueContainer()
            try single.encode(1)
            try single.encode(2)
        }
    }

    struct Stale: Encodable {
        enum Keys: String, CodingKey { case a, b }
        func encode(to encoder: any Encoder) throws {
            var top = encoder.container(keyedBy: Keys.self)
            var first = top.nestedUnkeyedContainer(forKey: .a)
            _ = top.nestedUnkeyedContainer(forKey: .b)
            try first.encode(1)
        }
    }

    @Test("containers used out of order are an error, not misplaced text")
    func outOfOrder() throws {
        #expect(throws: EncodingError.self) { try text(Twice()) }
        #expect(throws: EncodingError.self) { try text(Stale()) }
    }

    @Test("a single value container given nothing is null; an empty type is {}")
    func emptyValues() throws {
        struct Nothing: Encodable {
            func encode(to encoder: any Encoder) throws { _ = encoder.singleValueContainer() }
        }
        struct Empty: Encodable {}
        #expect(try text([Nothing()]) == "[null]")
        #expect(try text(Empty()) == "{}")
    }
}

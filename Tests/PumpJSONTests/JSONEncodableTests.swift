import Foundation
import PumpJSON
import Testing

@Suite("Encodable to JSON text")
struct JSONEncodableTests {
    struct Inner: Codable, Equatable {
        var zeta: Bool?
        var alpha: [Int]
    }

    struct Document: Codable, Equatable {
        var serial: String
        var model: String?
        var count: Int
        var ratio: Double
        var whole: Double
        var inner: Inner
        var items: [Inner]
        var stored: JSONValue?
        var lastSeen: String?

        enum CodingKeys: String, CodingKey {
            case serial, model, count, ratio, whole, inner, items, stored
            case lastSeen = "last_seen"
        }
    }

    static let document = Document(
        serial: "SM2-1", model: nil, count: 3, ratio: 2.5, whole: 60, inner: Inner(zeta: nil, alpha: [1, 2]),
        items: [Inner(zeta: true, alpha: [])], stored: ["v": .number(JSONNumber(literal: "1.0")), "a": "x"],
        lastSeen: nil)

    func text(_ value: some Encodable) throws -> String {
        String(decoding: try JSONWriter.bytes(of: value), as: UTF8.self)
    }

    @Test("keys come in declaration order, renamed by CodingKeys, nil optionals as null")
    func declarationOrder() throws {
        #expect(
            try text(Self.document)
                == #"{"serial":"SM2-1","model":null,"count":3,"ratio":2.5,"whole":60,"inner":{"zeta":null,"alpha":[1,2]},"#
                + #""items":[{"zeta":true,"alpha":[]}],"stored":{"v":1,"a":"x"},"last_seen":null}"#)
    }

    @Test("a JSONValue stays itself, number spellings included")
    func jsonValueStaysItself() throws {
        let value: JSONValue = ["b": .number(JSONNumber(literal: "1.50")), "a": [.null, "s"]]
        var writer = JSONWriter(numbers: .literal)
        try writer.encode(value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"b":1.50,"a":[null,"s"]}"#)
        let encoded = try JSONParser.parse(writer.bytes)
        #expect(encoded == value)
        #expect(encoded["b"]?.numberValue?.literal == "1.50")
        #expect(encoded.objectValue?.map(\.key) == ["b", "a"])
    }

    @Test("what the encoder writes, Foundation's decoder reads back")
    func roundTrip() throws {
        let bytes = try JSONWriter.bytes(of: Self.document)
        #expect(try JSONDecoder().decode(Document.self, from: Data(bytes)) == Self.document)
    }

    @Test("doubles: integral ones below 2^53 as integers, others as their shortest text; no infinity")
    func doubles() throws {
        #expect(try text([60.0, 2.5, 0.1, -0.0, 1e300]) == "[60,2.5,0.1,0,1e+300]")
        #expect(throws: EncodingError.self) { try JSONWriter.bytes(of: [Double.infinity]) }
        #expect(throws: EncodingError.self) { try JSONWriter.bytes(of: ["x": Double.nan]) }
    }

    @Test("enums with raw values, dictionaries and empty types")
    func otherShapes() throws {
        enum Word: String, Codable { case a = "alpha" }
        struct Empty: Codable {}
        #expect(try text([Word.a]) == #"["alpha"]"#)
        #expect(try text(Empty()) == "{}")
        // Beyond Int64, an integer is written as its Double, as every other such number.
        #expect(try text(["only": UInt64.max]) == #"{"only":1.8446744073709552e+19}"#)
    }
}

import Foundation
import PumpJSON
import Testing

@Suite("JSON values")
struct JSONValueTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test("objects keep the order written and compare regardless of it")
    func objectOrder() throws {
        let a = try parse(#"{"b":1,"a":{"y":2,"x":3}}"#)
        let b = try parse(#"{"a":{"x":3.0,"y":2},"b":1e0}"#)
        #expect(a.objectValue?.map(\.key) == ["b", "a"])
        #expect(b.objectValue?.map(\.key) == ["a", "b"])
        #expect(a == b)
    }

    @Test(
        "different content is different",
        arguments: [
            (#"{"a":1}"#, #"{"a":2}"#), (#"{"a":1}"#, #"{"b":1}"#), (#"{"a":1}"#, #"{"a":1,"b":1}"#),
            ("[1,2]", "[2,1]"), ("1", #""1""#), ("null", "false"), (#""é""#, #""e\u0301""#),
            ("0.1", "0.10000000000000001"),
        ])
    func differences(a: String, b: String) throws {
        #expect(try parse(a) != parse(b))
    }

    @Test("a key is found scalar for scalar; setting replaces in place, nil removes")
    func objectMembers() throws {
        var object = try #require(try parse(#"{"v":1,"id":"x","é":true}"#).objectValue)
        #expect(object["id"] == "x")
        #expect(object["e\u{301}"] == nil)
        object["v"] = 2
        object["new"] = .null
        object["id"] = nil
        #expect(object.map(\.key) == ["v", "é", "new"])
        #expect(object["v"] == 2)
        #expect(object.sortedByKey().map(\.key) == ["new", "v", "é"])
    }

    @Test("Foundation's coders read and write it, integers staying integers")
    func codable() throws {
        let value: JSONValue = ["n": 3, "f": 2.5, "s": "x", "a": [true, .null], "o": ["k": [:]]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONParser.parse(Array(data)) == value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }
}

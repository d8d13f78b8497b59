import PumpJSON
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    func text(_ value: JSONValue, sortedKeys: Bool = false) throws -> String {
        String(decoding: try JSONWriter.bytes(value, sortedKeys: sortedKeys), as: UTF8.self)
    }

    @Test(
        "strings escape quotes, backslashes and control characters, and nothing else",
        arguments: [
            ("\"", #""\"""#), ("\\", #""\\""#), ("\n", #""\n""#), ("\r", #""\r""#), ("\t", #""\t""#),
            ("\u{08}", #""\b""#), ("\u{0C}", #""\f""#), ("\u{00}", #""\u0000""#), ("\u{1F}", #""\u001f""#),
            ("\u{0B}", #""\u000b""#), ("/", #""/""#), ("\u{7F}", "\"\u{7F}\""), ("é€😀", "\"é€😀\""),
            ("\u{2028}", "\"\u{2028}\""), ("plain text", #""plain text""#),
        ])
    func escaping(raw: String, written: String) {
        #expect(JSONWriter.quoted(raw) == written)
    }

    @Test("members keep their order unless sorted")
    func memberOrder() throws {
        let value: JSONValue = ["b": 1, "a": ["z": true, "é": false, "Z": .null], "_": []]
        #expect(try text(value) == #"{"b":1,"a":{"z":true,"é":false,"Z":null},"_":[]}"#)
        #expect(try text(value, sortedKeys: true) == #"{"_":[],"a":{"Z":null,"z":true,"é":false},"b":1}"#)
    }

    @Test(
        "numbers: an integer within Int64 as an integer, else the shortest Double text",
        arguments: [
            ("1", "1"), ("1.0", "1"), ("-0", "0"), ("1e2", "100"), ("12.50", "12.5"), ("0.1", "0.1"),
            ("9223372036854775807", "9223372036854775807"), ("9223372036854775808", "9.223372036854776e+18"),
            ("1e-7", "1e-07"), ("3.05", "3.05"),
        ])
    func numbers(literal: String, written: String) throws {
        #expect(try text(.number(JSONNumber(literal: literal))) == written)
    }

    @Test("a number beyond Double's range has no compact text; literal and canonical styles keep it")
    func outOfRange() throws {
        let huge = JSONValue.number(JSONNumber(literal: "1e400"))
        #expect(throws: JSONWriteError.numberOutOfRange("1e400")) { try JSONWriter.bytes(huge) }
        #expect(JSONWriter.canonical(huge) == Array("1e+400".utf8))
        var literal = JSONWriter(numbers: .literal)
        try literal.write(["n": .number(JSONNumber(literal: "12.50")), "m": huge])
        #expect(String(decoding: literal.bytes, as: UTF8.self) == #"{"n":12.50,"m":1e400}"#)
    }

    @Test("spaced separators are a second spelling of the same value")
    func spaced() throws {
        let value: JSONValue = ["a": [1, 2], "b": ["c": "d"]]
        var w = JSONWriter()
        w.spacedSeparators = true
        try w.write(value)
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"a": [1, 2], "b": {"c": "d"}}"#)
        #expect(try JSONParser.parse(w.bytes) == value)
    }
}

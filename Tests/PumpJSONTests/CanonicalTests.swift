import Testing

@testable import PumpJSON

@Suite("Canonical content")
struct CanonicalContentTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    func canonical(_ text: String) throws -> String {
        String(decoding: JSONWriter.canonical(try parse(text)), as: UTF8.self)
    }

    @Test(
        "number spellings of one value share one canonical spelling",
        arguments: [
            ("1", "1"), ("1.0", "1"), ("1e0", "1"), ("10e-1", "1"), ("0.1E1", "1"), ("1.000e+0", "1"),
            ("0", "0"), ("-0", "0"), ("0.0", "0"), ("-0.0e5", "0"), ("0e-9", "0"),
            ("100", "100"), ("1e2", "100"), ("12.50e1", "125"), ("-12.50e1", "-125"),
            ("12.5", "12.5"), ("125e-1", "12.5"), ("0.05", "0.05"), ("5e-2", "0.05"),
            ("0.000001", "0.000001"), ("0.0000001", "1e-7"), ("1e-7", "1e-7"), ("123e-10", "1.23e-8"),
            ("1e20", "100000000000000000000"), ("1e21", "1e+21"), ("123e20", "1.23e+22"),
            ("100000000000000000000000", "1e+23"), ("-1.5e300", "-1.5e+300"),
            ("0.1", "0.1"), ("0.10000000000000001", "0.10000000000000001"),
            ("3.05", "3.05"), ("41", "41"), ("-7", "-7"),
        ])
    func numberCanonical(literal: String, expected: String) throws {
        let number = try #require(try parse(literal).numberValue)
        #expect(number.canonical == expected)
        #expect(JSONNumber.canonicalize(literal) == expected)
        #expect(JSONNumber(literal: literal).canonical == expected)
        // The canonical spelling is itself valid JSON and canonical.
        #expect(try parse(expected).numberValue?.canonical == expected)
    }

    @Test("1, 1.0, 1e0 and 10e-1 are equal numbers")
    func numberEquality() throws {
        let values = try ["1", "1.0", "1e0", "10e-1"].map(parse)
        for value in values {
            #expect(value == values[0])
        }
        #expect(try parse("0.1") != parse("0.10000000000000001"))
        #expect(try parse("1") != parse(#""1""#))
    }

    @Test("integer and sign queries read the exact value")
    func numberQueries() {
        #expect(JSONNumber(literal: "10e-1").int64Value == 1)
        #expect(JSONNumber(literal: "1.5").int64Value == nil)
        #expect(JSONNumber(literal: "1e30").int64Value == nil)
        #expect(JSONNumber(literal: "1e30").isInteger)
        #expect(!JSONNumber(literal: "1e-7").isInteger)
        #expect(JSONNumber(literal: "-3").isInteger)
        #expect(!JSONNumber(literal: "-0").isNegative)
        #expect(JSONNumber(literal: "-1e-9").isNegative)
        #expect(JSONNumber(literal: "3.05").doubleValue == 3.05)
        #expect(JSONNumber(literal: "0.1").doubleValue == 0.1)
        #expect(JSONNumber(literal: "123456789012345678901234567890").doubleValue == 123456789012345678901234567890.0)
        #expect(JSONNumber(literal: "1e400").doubleValue == .infinity)
        #expect(JSONNumber(literal: "2.2250738585072014e-308").doubleValue == 2.2250738585072014e-308)
    }

    @Test("key order and white space do not change the content")
    func keyOrderAndWhitespace() throws {
        let a = try parse(#"{"v":1,"id":"x","battery":{"state":"MOS","volts":3.0}}"#)
        let b = try parse(" {\r\n \"battery\" : { \"volts\" : 3 , \"state\" : \"MOS\" } ,\t\"id\":\"x\", \"v\":1.0 }\r")
        #expect(a == b)
        #expect(JSONWriter.canonical(a) == JSONWriter.canonical(b))
        #expect(
            String(decoding: JSONWriter.canonical(a), as: UTF8.self)
                == #"{"battery":{"state":"MOS","volts":3},"id":"x","v":1}"#)
    }

    @Test("unknown fields, array order and types do matter")
    func differencesMatter() throws {
        let base = try parse(#"{"v":1,"id":"x"}"#)
        #expect(try base != parse(#"{"v":1,"id":"x","extra":null}"#))
        #expect(try JSONWriter.canonical(base) != JSONWriter.canonical(parse(#"{"v":1,"id":"x","extra":null}"#)))
        #expect(try parse("[1,2]") != parse("[2,1]"))
        #expect(try parse("true") != parse("1"))
        #expect(try parse(#"{"a":null}"#) != parse("{}"))
    }

    @Test("strings compare by their exact scalars, not by Unicode equivalence")
    func scalarEquality() throws {
        let precomposed = try parse(#"{"name":"caf\u00e9"}"#)
        let decomposed = try parse(#"{"name":"cafe\u0301"}"#)
        #expect(precomposed != decomposed)
        #expect(JSONWriter.canonical(precomposed) != JSONWriter.canonical(decomposed))
        // Escaped and raw spellings of the same scalars are the same content.
        #expect(try parse(#""caf\u00e9""#) == parse("\"café\""))
    }

    @Test("canonical strings use one fixed escaping")
    func stringEscaping() throws {
        #expect(
            try canonical(#""\u0022\u005c\/\u0008\f\n\r\t\u0001\u001f\u007f\u00e9\ud83d\ude00""#)
                == "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\u{7F}é😀\"")
        #expect(try canonical(#""\u0000""#) == #""\u0000""#)
        #expect(try canonical(#""\u2028""#) == "\"\u{2028}\"")
    }

    @Test("canonical bytes parse back to an equal value")
    func roundTrip() throws {
        let text = #"{"z":[{"b":2,"a":[true,false,null]},"s\n\"",-1.25e-3],"a":{},"m":[],"é":"ü"}"#
        let value = try parse(text)
        let again = try JSONParser.parse(JSONWriter.canonical(value))
        #expect(again == value)
        #expect(JSONWriter.canonical(again) == JSONWriter.canonical(value))
    }

    @Test("keys are sorted by their UTF-8 bytes")
    func keySortOrder() throws {
        #expect(try canonical(#"{"b":1,"B":2,"a":3,"é":4,"_":5,"aa":6}"#) == #"{"B":2,"_":5,"a":3,"aa":6,"b":1,"é":4}"#)
    }
}

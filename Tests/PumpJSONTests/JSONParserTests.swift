import Testing

@testable import PumpJSON

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

@Suite("Strict JSON parser")
struct JSONParserTests {
    func kind(_ bytes: [UInt8]) -> JSONParseError.Kind? {
        do throws(JSONParseError) {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch {
            return error.kind
        }
    }

    func kind(_ text: String) -> JSONParseError.Kind? { kind(Array(text.utf8)) }

    @Test("well-formed documents parse to the values they spell")
    func parsesValues() throws {
        let value = try JSONParser.parse(
            Array(#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d"}, "e": ""} "#.utf8))
        #expect(
            value == ["a": [1, .number(JSONNumber(literal: "-2500")), true, false, .null], "b": ["c": "d"], "e": ""])
        #expect(try JSONParser.parse(Array("0".utf8)) == 0)
        #expect(try JSONParser.parse(Array(#""x""#.utf8)) == "x")
        #expect(try JSONParser.parse(Array("[]".utf8)) == [])
        #expect(try JSONParser.parse(Array("{}".utf8)) == [:])
    }

    @Test("numbers keep their literal")
    func numbersKeepLiteral() throws {
        let value = try JSONParser.parse(Array("[1.50, 1E+2, -0]".utf8))
        #expect(value.arrayValue?.compactMap { $0.numberValue?.literal } == ["1.50", "1E+2", "-0"])
    }

    @Test("white space around the value, a trailing CR included, is allowed")
    func whitespace() throws {
        #expect(try JSONParser.parse(Array("\t{ \"a\" :\n1 }\r".utf8)) == ["a": 1])
    }

    @Test("escapes decode, surrogate pairs included")
    func escapes() throws {
        let value = try JSONParser.parse(Array(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00\u0000""#.utf8))
        #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\tAé€😀\u{0}"))
    }

    @Test("raw multi-byte UTF-8 in strings is accepted")
    func rawUTF8() throws {
        #expect(try JSONParser.parse(Array("\"é€😀\u{10FFFF}\"".utf8)) == "é€😀\u{10FFFF}")
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let kind: JSONParseError.Kind
        var testDescription: String { name }
        init(_ name: String, _ bytes: [UInt8], _ kind: JSONParseError.Kind) {
            self.name = name
            self.bytes = bytes
            self.kind = kind
        }
        init(_ name: String, _ text: String, _ kind: JSONParseError.Kind) {
            self.init(name, Array(text.utf8), kind)
        }
    }

    static let bad: [Bad] = [
        Bad("empty", "", .empty),
        Bad("only white space", " \r\t", .empty),
        Bad("byte order mark", [0xEF, 0xBB, 0xBF] + Array("{}".utf8), .byteOrderMark),
        Bad("NUL after the value", Array("{}".utf8) + [0], .nulByte),
        Bad("NUL before the value", [0] + Array("{}".utf8), .nulByte),
        Bad("raw NUL in a string", [0x22, 0x61, 0x00, 0x22], .controlCharacterInString),
        Bad("raw newline in a string", "\"a\nb\"", .controlCharacterInString),
        Bad("raw tab in a string", "\"a\tb\"", .controlCharacterInString),
        Bad("overlong 2-byte slash", [0x22, 0xC0, 0xAF, 0x22], .invalidUTF8),
        Bad("overlong 2-byte C1", [0x22, 0xC1, 0xBF, 0x22], .invalidUTF8),
        Bad("overlong 3-byte", [0x22, 0xE0, 0x80, 0xAF, 0x22], .invalidUTF8),
        Bad("overlong 4-byte", [0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], .invalidUTF8),
        Bad("encoded surrogate D800", [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8),
        Bad("encoded surrogate DFFF", [0x22, 0xED, 0xBF, 0xBF, 0x22], .invalidUTF8),
        Bad("above U+10FFFF", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8),
        Bad("F5 lead byte", [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], .invalidUTF8),
        Bad("lone continuation byte", [0x22, 0x80, 0x22], .invalidUTF8),
        Bad("truncated 2-byte before quote", [0x22, 0xC3, 0x22], .invalidUTF8),
        Bad("truncated 3-byte before quote", [0x22, 0xE2, 0x82, 0x22], .invalidUTF8),
        Bad("truncated 4-byte at the end", [0x22, 0xF0, 0x9F, 0x98], .invalidUTF8),
        Bad("invalid UTF-8 in a key", [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], .invalidUTF8),
        Bad("latin-1 byte outside a string", [0x7B, 0xE9, 0x7D], .unexpectedByte),
        Bad("lone high surrogate escape", #""\ud83d""#, .loneSurrogate),
        Bad("high surrogate then letter", #""\ud83dx""#, .loneSurrogate),
        Bad("two high surrogates", #""\ud83d\ud83d""#, .loneSurrogate),
        Bad("lone low surrogate escape", #""\ude00""#, .loneSurrogate),
        Bad("short unicode escape", #""\u12""#, .invalidEscape),
        Bad("bad hex in unicode escape", #""\u12G4""#, .invalidEscape),
        Bad("unknown escape", #""\x41""#, .invalidEscape),
        Bad("single quote escape", #""\'""#, .invalidEscape),
        Bad("duplicate key", #"{"a":1,"a":2}"#, .duplicateKey),
        Bad("duplicate key in a nested object", #"{"o":{"b":1,"b":1}}"#, .duplicateKey),
        Bad("duplicate key written with an escape", #"{"a":1,"\u0061":2}"#, .duplicateKey),
        Bad("leading zero", "01", .trailingContent),
        Bad("leading plus", "+1", .unexpectedByte),
        Bad("bare point", ".5", .unexpectedByte),
        Bad("trailing point", "1.", .invalidNumber),
        Bad("empty exponent", "1e", .invalidNumber),
        Bad("lone minus", "-", .invalidNumber),
        Bad("minus point", "-.5", .invalidNumber),
        Bad("exponent with 19 digits", "1e1000000000000000000", .numberOutOfRange),
        Bad("NaN", "NaN", .unexpectedByte),
        Bad("Infinity", "[Infinity]", .unexpectedByte),
        Bad("trailing comma in array", "[1,]", .unexpectedByte),
        Bad("trailing comma in object", #"{"a":1,}"#, .unexpectedByte),
        Bad("missing colon", #"{"a" 1}"#, .unexpectedByte),
        Bad("unquoted key", "{a:1}", .unexpectedByte),
        Bad("single-quoted string", "'a'", .unexpectedByte),
        Bad("two values", "{} {}", .trailingContent),
        Bad("garbage after the value", "{}x", .trailingContent),
        Bad("truncated object", #"{"a":1"#, .unexpectedEnd),
        Bad("truncated string", #""abc"#, .unexpectedEnd),
        Bad("truncated literal", "tru", .unexpectedEnd),
        Bad("misspelled literal", "nul1", .unexpectedByte),
        Bad("capitalised literal", "True", .unexpectedByte),
        Bad("vertical tab is not white space", "\u{0B}{}", .unexpectedByte),
        Bad("form feed is not white space", "{}\u{0C}", .trailingContent),
    ]

    @Test("malformed input is rejected with the right kind", arguments: bad)
    func rejects(bad: Bad) {
        #expect(kind(bad.bytes) == bad.kind)
    }

    @Test("special bytes are found at every position of a long string", arguments: 0..<24)
    func specialBytesAtEveryOffset(offset: Int) throws {
        func string(_ inserted: [UInt8]) -> [UInt8] {
            let filler = Array(repeating: UInt8(ascii: "a"), count: 24)
            return [0x22] + filler[..<offset] + inserted + filler[offset...] + [0x22]
        }
        let plain = String(repeating: "a", count: offset) + "%@" + String(repeating: "a", count: 24 - offset)
        #expect(try JSONParser.parse(string(Array("\\n".utf8))) == .string(plain.replacingOccurrences("%@", "\n")))
        #expect(try JSONParser.parse(string([0xC3, 0xA9])) == .string(plain.replacingOccurrences("%@", "é")))
        #expect(kind(string([0x0A])) == .controlCharacterInString)
        #expect(kind(string([0x00])) == .controlCharacterInString)
        #expect(kind(string([0x1F])) == .controlCharacterInString)
        #expect(kind(string([0xC0, 0x80])) == .invalidUTF8)
        #expect(kind(string([0xFF])) == .invalidUTF8)
        #expect(
            try JSONParser.parse(string([0x7F, 0x20, 0x7E])) == .string(plain.replacingOccurrences("%@", "\u{7F} ~")))
        // An unescaped quote ends the string early: what follows is trailing content.
        #expect(kind(string([0x22])) == .trailingContent)
    }

    @Test("nesting up to the limit parses; one level deeper is an error, not a crash")
    func depthLimit() {
        let limit = JSONParser.defaultMaxDepth
        let ok = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(kind(ok) == nil)
        let deep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(kind(deep) == .tooDeep)
        let objects = String(repeating: #"{"a":"#, count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        #expect(kind(objects) == .tooDeep)
        #expect(kind(String(repeating: "[", count: 1_000_000)) == .tooDeep)
        #expect(kind(String(repeating: "[", count: 128) + String(repeating: "]", count: 128)) == .tooDeep)
    }

    @Test("errors say where and what, for the operator")
    func errorDescription() {
        do throws(JSONParseError) {
            _ = try JSONParser.parse(Array(#"{"id":"a","id":"b"}"#.utf8))
            Issue.record("duplicate key accepted")
        } catch {
            #expect(error.offset == 10)
            #expect(error.description == #"duplicate object key "id" at byte 10"#)
        }
        do throws(JSONParseError) {
            _ = try JSONParser.parse([])
        } catch {
            #expect(error.description == "empty line: no JSON value")
        }
    }

    @Test("parsing from a buffer pointer and from an array agree")
    func bufferAndArray() throws {
        let bytes = Array(#"{"k":[1,"two"]}"#.utf8)
        let fromBuffer = try bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(buffer) }
        }.get()
        #expect(try fromBuffer == JSONParser.parse(bytes))
    }

    @Test("the parser reads only the bytes it is given")
    func boundedBuffer() throws {
        // A slice of a larger array: the bytes after it must not be read.
        let bytes = Array(#"{"a":1}GARBAGE"#.utf8)
        let value = try bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) -> JSONValue in
                try JSONParser.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<7]))
            }
        }.get()
        #expect(value == ["a": 1])
    }
}

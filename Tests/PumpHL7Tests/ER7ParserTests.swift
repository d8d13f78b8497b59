import PumpHL7
import Testing

@Suite struct ER7ParserTests {
    @Test func fieldsComponentsAndRepetitionsAreRead() throws {
        let message = try HL7Message.parse(Array("MSH|^~\\&|APP^X|FAC\rOBX|1|ST|a^b^c|x|v1~v2|u\r".utf8))
        let obx = try #require(message.segments(named: "OBX").first)
        #expect(message.value(obx, 3) == "a")
        #expect(message.value(obx, 3, component: 3) == "c")
        #expect(message.value(obx, 5) == "v1")
        #expect(message.repetitions(obx, 5) == ["v1", "v2"])
        #expect(message.value(obx, 9) == nil)
        #expect(message.value(message.header, 3, component: 2) == "X")
        #expect(message.value(message.header, 4) == "FAC")
        #expect(obx.index == 2)
    }

    @Test func otherEncodingCharactersAreHonoured() throws {
        let message = try HL7Message.parse(Array("MSH#*@!%#APP*X#FAC\rOBX#1#ST#a*b#x#v1@v2\r".utf8))
        let obx = try #require(message.segments(named: "OBX").first)
        #expect(message.value(message.header, 3, component: 2) == "X")
        #expect(message.value(obx, 3, component: 2) == "b")
        #expect(message.repetitions(obx, 5) == ["v1", "v2"])
        #expect(message.raw(message.header, 2) == "*@!%")
    }

    @Test(arguments: [
        ("a\\F\\b", "a|b"), ("a\\S\\b", "a^b"), ("a\\T\\b", "a&b"), ("a\\R\\b", "a~b"), ("a\\E\\b", "a\\b"),
        ("\\X4869\\", "Hi"), ("\\XC3A9\\t\\XE282AC\\", "ét€"), ("\\H\\bold\\N\\", "bold"), ("a\\Z99\\b", "a\\Z99\\b"),
        ("trailing\\", "trailing\\"), ("\\X4\\", "\\X4\\"), ("\\XZZ\\", "\\XZZ\\"),
    ])
    func escapeSequencesAreReplaced(written: String, read: String) throws {
        let message = try HL7Message.parse(Array("MSH|^~\\&|\(written)\r".utf8))
        #expect(message.value(message.header, 3) == read)
    }

    @Test func escapingThenUnescapingGivesTheTextBack() throws {
        let text = "a|b^c&d~e\\f"
        let message = try HL7Message.parse(Array("MSH|^~\\&|\(HL7Encoding.escape(text))\r".utf8))
        #expect(message.value(message.header, 3) == text)
    }

    @Test func segmentsMayEndWithNewlinesToo() throws {
        let message = try HL7Message.parse(Array("MSH|^~\\&|A\r\nPID|1\nOBX|1\r\r".utf8))
        #expect(message.segments.map(\.name) == ["MSH", "PID", "OBX"])
    }

    @Test func aMessageWithoutMSHIsRefused() {
        #expect(throws: ER7ParseError.self) { try HL7Message.parse(Array("PID|1|||x\r".utf8)) }
        do {
            _ = try HL7Message.parse(Array("PID|1\r".utf8))
        } catch {
            #expect(error.kind == .missingMSH)
        }
    }

    @Test(arguments: ["MSH|^~\\|", "MSH|^~\\A|", "MSH|^^\\&|", "MSH|^~\\ |", "MSH"])
    func wrongEncodingCharactersAreRefused(header: String) {
        do {
            _ = try HL7Message.parse(Array("\(header)APP|FAC\r".utf8))
            Issue.record("parsed \(header)")
        } catch {
            #expect(error.kind == .invalidEncodingCharacters || error.kind == .missingMSH)
        }
    }

    @Test func nonUTF8BytesAreRefusedNamingTheByte() {
        do {
            _ = try HL7Message.parse(Array("MSH|^~\\&|A".utf8) + [0xFF] + [0x0D])
            Issue.record("parsed invalid UTF-8")
        } catch {
            #expect(error.kind == .notUTF8)
            #expect(error.detail.contains("byte 11"))
        }
    }

    @Test func aBadSegmentNameIsRefused() {
        do {
            _ = try HL7Message.parse(Array("MSH|^~\\&|A\rob|1\r".utf8))
            Issue.record("parsed a bad segment name")
        } catch {
            #expect(error.kind == .invalidSegmentName)
        }
    }

    @Test(arguments: [
        ("20261128101500+0100", "2026-11-28T10:15:00+01:00"), ("202611281015-0530", "2026-11-28T10:15:00-05:30"),
        ("20261128101500.25+0000", "2026-11-28T10:15:00.25+00:00"),
    ])
    func dtmWithItsOffsetBecomesRFC3339(dtm: String, rfc3339: String) {
        #expect(HL7Time.rfc3339(fromDTM: dtm) == rfc3339)
    }

    @Test(arguments: ["20261128101500", "2026112810+0100", "20261128101500.+0100", "2026112810150A+0100", ""])
    func dtmWithoutOffsetOrMinutesIsNotTaken(dtm: String) {
        #expect(HL7Time.rfc3339(fromDTM: dtm) == nil)
    }

    @Test func anAckTimeIsUTC() {
        #expect(HL7Time.dtm(micros: 1_795_863_600_000_000) == "20261128110000+0000")
        #expect(HL7Time.dtm(micros: 0) == "19700101000000+0000")
    }

    @Test(arguments: [
        ("12.5", "12.5"), ("+5", "5"), (".5", "0.5"), ("007", "7"), ("3.", "3"), ("-0.25", "-0.25"), ("0", "0"),
    ])
    func numbersBecomeJSONLiterals(nm: String, json: String) {
        #expect(HL7Number.jsonLiteral(nm) == json)
    }

    @Test(arguments: ["", "+", ".", "1e5", "1.2.3", "12a", "٣"])
    func nonNumbersAreRefused(nm: String) {
        #expect(HL7Number.jsonLiteral(nm) == nil)
    }
}

import PumpJSON
import Testing

@testable import PumpTelemetry

@Suite("Reply lines")
struct ReplyTests {
    func text(_ reply: Reply) -> String { String(decoding: reply.line, as: UTF8.self) }

    @Test("accepted and duplicate replies carry only id and result")
    func plainReplies() {
        #expect(text(.accepted(id: "m-1")) == #"{"id":"m-1","result":"accepted"}"# + "\n")
        #expect(text(.duplicate(id: "m-1")) == #"{"id":"m-1","result":"duplicate"}"# + "\n")
    }

    @Test("a rejection without a readable id has id null, reason and detail")
    func rejectedReply() {
        let reply = Reply.rejected(Rejection(id: nil, reason: .invalidJSON, detail: "empty line: no JSON value"))
        #expect(
            text(reply)
                == #"{"id":null,"result":"rejected","reason":"invalid_json","detail":"empty line: no JSON value"}"#
                + "\n")
    }

    @Test("unavailable replies name their reason")
    func unavailableReply() {
        #expect(
            text(.unavailable(id: "m-2", reason: .storageFull))
                == #"{"id":"m-2","result":"unavailable","reason":"storage_full"}"# + "\n")
    }

    @Test("strings are escaped: quotes, backslashes, control characters; unicode passes through")
    func escaping() {
        let reply = Reply(
            id: "a\"b\\c", result: .rejected, reason: "invalid_field",
            detail: "x\u{0}\u{1}\u{1F}\n\t\r\u{8}\u{C}/é😀\u{2028}")
        let expected =
            #"{"id":"a\"b\\c","result":"rejected","reason":"invalid_field","detail":"x\u0000\u0001\u001f\n\t\r\b\f/é😀"#
            + "\u{2028}\"}\n"
        #expect(text(reply) == expected)
    }

    @Test(
        "reply lines are one line of valid JSON that reads back to the same reply",
        arguments: [
            Reply.accepted(id: "m-1"),
            Reply(id: nil, result: .rejected, reason: "frame_too_large", detail: "line of 70000 bytes"),
            Reply(id: "\n\u{0}\"", result: .rejected, reason: "invalid_field", detail: "multi\nline\r\n"),
            Reply.unavailable(id: "z", reason: .shuttingDown, detail: "stopping"),
        ])
    func roundTrip(reply: Reply) throws {
        let line = reply.line
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        _ = try JSONParser.parse(Array(line.dropLast()))
        #expect(Reply(line: line) == reply)
    }

    @Test("appending several replies to one buffer writes one line each")
    func appendsLines() {
        var buffer: [UInt8] = []
        Reply.accepted(id: "1").appendLine(to: &buffer)
        Rejection(id: "2", reason: .unknownKind, detail: "kind").reply.appendLine(to: &buffer)
        #expect(buffer.split(separator: UInt8(ascii: "\n")).count == 2)
    }

    @Test("reading a reply refuses what is not one")
    func refusesNonReplies() {
        #expect(Reply(line: Array(#"{"id":"a","result":"maybe"}"#.utf8)) == nil)
        #expect(Reply(line: Array(#"{"id":1,"result":"accepted"}"#.utf8)) == nil)
        #expect(Reply(line: Array("not json".utf8)) == nil)
        #expect(Reply(line: Array(#"{"id":"a","result":"rejected","reason":null}"#.utf8))?.reason == nil)
    }
}

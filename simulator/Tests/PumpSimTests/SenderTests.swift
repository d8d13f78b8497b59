import PumpSimKit
import PumpTelemetry
import Synchronization
import Testing

@Suite struct SenderTests {
    static func lines(_ count: Int) -> [OutgoingLine] {
        var out: [OutgoingLine] = []
        for (i, m) in Fleet(FleetConfiguration(pumps: 8, span: 60 * SimTime.day, seed: 4)).messages().prefix(count)
            .enumerated()
        {
            out.append(OutgoingLine(message: m, tag: i))
        }
        return out
    }

    static func fastSender(_ path: String, connections: Int, window: Int) -> IngestSender {
        IngestSender(
            configuration: SenderConfiguration(
                address: .unix(path: path), connections: connections, window: window,
                initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5), reconnectDeadline: .seconds(10)))
    }

    @Test func everyLineIsStoredDespiteUnavailableRepliesAndADroppedConnection() throws {
        // About one id in five is answered `unavailable` at its first attempt; the 150th line read
        // makes the server drop that connection without answering what it had read.
        let server = try FakeIngestServer(
            unavailableFirst: { id in id.hasSuffix("a") || id.hasSuffix("3") }, dropAtLine: 150)
        defer { server.stop() }
        let lines = Self.lines(400)
        var source = ArrayLineSource(lines)
        var finals: [Int: Reply] = [:]
        let report = try Self.fastSender(server.path, connections: 3, window: 16).send(&source) { line, reply in
            #expect(finals[line.tag] == nil)
            finals[line.tag] = reply
        }
        let s = server.state.withLock { $0 }
        let c = report.counts

        // Nothing lost: every line has one final answer and is stored, byte for byte.
        #expect(c.messages == 400)
        #expect(finals.count == 400)
        #expect(c.accepted + c.duplicate == 400)
        #expect(c.abandoned == 0 && c.badReplies == 0 && c.rejected == 0)
        for line in lines { #expect(s.stored[line.id ?? ""] == Array(line.bytes.dropLast())) }

        // Resends reuse the same id and the same bytes.
        let resentIDs = s.attempts.filter { $0.value.count > 1 }
        #expect(!resentIDs.isEmpty)
        for (_, attempts) in resentIDs { #expect(Set(attempts).count == 1) }

        // The counts agree with the server's.
        #expect(c.unavailable == s.replies[.unavailable, default: 0])
        #expect(c.unavailable > 40)
        #expect(c.accepted == s.replies[.accepted, default: 0])
        #expect(c.duplicate == s.replies[.duplicate, default: 0])
        #expect(c.written == c.messages + c.resent)
        #expect(c.resent >= c.unavailable + 1)
        #expect(c.droppedConnections >= 1)
        #expect(s.dropped == 1)
        #expect(report.latencyMicros.totalCount == 400)
    }

    @Test func onePumpsLinesKeepToOneConnection() {
        for serial in ["SM2-000001", "PM2-000002", "C3K-000100"] {
            let a = IngestSender.shard(serial: serial, connections: 7)
            #expect(a == IngestSender.shard(serial: serial, connections: 7))
            #expect((0..<7).contains(a))
        }
    }

    @Test func anUnreachableSocketIsAnErrorThatSaysWhatToDo() {
        let sender = IngestSender(
            configuration: SenderConfiguration(
                address: .unix(path: "/nonexistent/pumpsim-test.sock"), initialBackoff: .milliseconds(1),
                maxBackoff: .milliseconds(2), reconnectDeadline: .milliseconds(20)))
        var source = ArrayLineSource(Self.lines(3))
        #expect {
            try sender.send(&source)
        } throws: { error in
            (error as? SenderError)?.description.contains("is pumpmond running") == true
        }
    }

    @Test func repliesAreParsedLineByLine() {
        let r = Reply(line: Array(#"{"id":"a1","result":"rejected","reason":"unknown_code","detail":"X"}"#.utf8))
        #expect(r == Reply(id: "a1", result: .rejected, reason: "unknown_code", detail: "X"))
        let unread = Reply(line: Array(#"{"id":null,"result":"rejected","reason":"invalid_json"}"#.utf8))
        #expect(unread != nil && unread?.id == nil)
        #expect(Reply(line: Array("not json".utf8)) == nil)
    }

    @Test func progressIsABarOnATerminalAndLinesOtherwise() {
        let box = TextBox()
        var c = SendCounts()
        c.accepted = 5
        ProgressReporter(isTerminal: true, expected: 10, write: { box.append($0) }).report(c)
        ProgressReporter(isTerminal: false, expected: 10, write: { box.append($0) }).report(c)
        let text = box.text
        #expect(text.hasPrefix("\r[###############...............] 5/10"))
        #expect(text.contains("progress: 5/10 answered (accepted 5,"))
    }
}

final class TextBox: Sendable {
    private let storage = Mutex("")
    func append(_ s: String) { storage.withLock { $0 += s } }
    var text: String { storage.withLock { $0 } }
}

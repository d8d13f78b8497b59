import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// The protocol's promise over a real socket against a real database file.
@Suite(.serialized) struct IngestProtocolTests {
    static let rejections: [(String, String, String?)] = [
        ("not json", "invalid_json", nil),
        ("", "invalid_json", nil),
        ("[1,2]", "invalid_json", nil),
        (#"{"id":"a1","serial":"SM2-000001","kind":"status"}"#, "missing_field", "a1"),
        (#"{"v":"1","id":"a2"}"#, "invalid_field", "a2"),
        (#"{"v":2,"id":"a3"}"#, "unsupported_version", "a3"),
        (
            #"{"v":1,"id":"a4","serial":"SM2-000001","kind":"reading","at":"2026-01-01T00:00:00Z"}"#, "unknown_kind",
            "a4"
        ),
        (
            #"{"v":1,"id":"a5","serial":"SM2-000001","kind":"alert","at":"2026-01-01T00:00:00Z","code":"BOOM","severity":"info"}"#,
            "unknown_code", "a5"
        ),
        (
            #"{"v":1,"id":"a6","serial":"SM2-000001","kind":"alert","at":"2999-01-01T00:00:00Z","code":"PUMP_RESET","severity":"info"}"#,
            "timestamp_in_future", "a6"
        ),
        (#"{"v":1,"id":"a7","serial":"x","kind":"status"}"#, "invalid_field", "a7"),
    ]

    @Test func everyRejectionReasonIsAnsweredAndQuarantinedWithItsBytes() throws {
        let harness = try DaemonHarness()
        let replies = try harness.send(Self.rejections.map(\.0))
        #expect(replies.map(\.result) == Array(repeating: "rejected", count: Self.rejections.count))
        #expect(replies.map(\.reason) == Self.rejections.map(\.1))
        #expect(replies.map(\.id) == Self.rejections.map(\.2))
        let quarantined = try harness.rejected().reversed()
        #expect(quarantined.map(\.reason) == Self.rejections.map(\.1))
        #expect(quarantined.map(\.raw) == Self.rejections.map(\.0))
    }

    @Test func aLineOfExactlyTheLimitIsReadAndOneByteMoreIsFrameTooLarge() throws {
        let harness = try DaemonHarness()
        let base = Lines.status("SM2-000002", id: "big-1")
        // Pad with JSON whitespace inside the object to reach the exact sizes.
        func padded(_ size: Int, id: String) -> String {
            let line = base.replacingOccurrences(of: "big-1", with: id)
            return String(line.dropLast()) + String(repeating: " ", count: size - line.utf8.count) + "}"
        }
        let exact = padded(65_536, id: "big-1")
        let over = padded(65_537, id: "big-2")
        #expect(exact.utf8.count == 65_536 && over.utf8.count == 65_537)
        let replies = try harness.send([exact, over, Lines.status("SM2-000002", id: "after")])
        #expect(replies.map(\.result) == ["accepted", "rejected", "accepted"])
        #expect(replies[1].reason == "frame_too_large")
        #expect(replies[1].id == nil)
        let q = try #require(try harness.rejected().first)
        #expect(q.reason == "frame_too_large")
        #expect(Data(base64Encoded: q.rawBase64)?.count == 65_536)
        #expect(q.detail?.contains("65537") == true)
    }

    @Test func invalidUTF8IsInvalidJSONAndItsExactBytesAreKept() throws {
        let harness = try DaemonHarness()
        let bytes: [UInt8] = Array(#"{"v":1,"id":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8) + [10]
        let replies = try harness.sendRaw(bytes, expecting: 1)
        #expect(replies.first?.reason == "invalid_json")
        let q = try #require(try harness.rejected().first)
        #expect(Data(base64Encoded: q.rawBase64).map(Array.init) == Array(bytes.dropLast()))
    }

    @Test func aConnectionClosedMidLineLeavesNothingOfThatLine() throws {
        let harness = try DaemonHarness()
        let complete = Lines.status("SM2-000003", id: "whole")
        let partial = String(Lines.status("SM2-000003", id: "cut").prefix(40))
        let replies = try harness.sendRaw(Array((complete + "\n" + partial).utf8), expecting: 2)
        #expect(replies.map(\.result) == ["accepted"])
        #expect(try harness.events("SM2-000003").count == 1)
        #expect(try harness.rejected().isEmpty)
    }

    @Test func duplicatesAndConflictingDuplicatesAreToldApart() throws {
        let harness = try DaemonHarness()
        let original = Lines.status("SM2-000004", id: "d1")
        // Same content re-serialised: other key order, white space and number spelling.
        let resend = original.replacingOccurrences(of: #""v":1,"#, with: #" "v" : 1.0 , "#)
        let conflicting = original.replacingOccurrences(of: "BOS", with: "MOS")
        let replies = try harness.send([original, resend, conflicting, original])
        #expect(replies.map(\.result) == ["accepted", "duplicate", "rejected", "duplicate"])
        #expect(replies[2].reason == "conflicting_duplicate")
        #expect(try harness.events("SM2-000004").count == 1)
        #expect(try harness.rejected().map(\.reason) == ["conflicting_duplicate"])
    }

    @Test func pipelinedRepliesComeBackInOrderAcrossManyConnections() async throws {
        let harness = try DaemonHarness()
        let ingest = harness.daemon.ingestSocket
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in 0..<8 {
                group.addTask {
                    let lines = (0..<500).map { i in
                        i % 7 == 3
                            ? "garbage \(i)"
                            : Lines.status("SM2-1000\(c)", id: "c\(c)-\(i)", at: Lines.time(Double(-100_000 + i)))
                    }
                    let socket = try LineSocket(unixPath: ingest)
                    try socket.send(lines.map { $0 + "\n" }.joined())
                    let replies = try socket.readLines(lines.count).map(DaemonHarness.decode)
                    for (i, reply) in replies.enumerated() {
                        if i % 7 == 3 {
                            #expect(reply.result == "rejected")
                        } else {
                            #expect(reply.result == "accepted" && reply.id == "c\(c)-\(i)")
                        }
                    }
                    #expect(replies.count == lines.count)
                }
            }
            try await group.waitForAll()
        }
    }

    /// The next reply, or nil at the end of the replies: end of file, or a reset. After SIGTERM
    /// the daemon reads no more, and a Unix socket closed with lines still unread in its receive
    /// queue resets the connection (ECONNRESET) instead of ending it; those lines were never read,
    /// so they are not answered either way.
    static func replyOrEnd(_ socket: LineSocket) throws -> String? {
        do {
            return try socket.readLine()
        } catch LineSocketError.system("recv", ECONNRESET) {
            return nil
        }
    }

    @Test func sigtermDrainsAnswersWhatWasReadAndExitsZero() throws {
        let harness = try DaemonHarness()
        let socket = try LineSocket(unixPath: harness.daemon.ingestSocket)
        let lines = (0..<2000).map { Lines.status("SM2-000005", id: "t\($0)", at: Lines.time(Double(-50_000 + $0))) }
        try socket.send(lines.map { $0 + "\n" }.joined())
        let first = try #require(try socket.readLine())
        #expect(DaemonHarness.decode(first).result == "accepted")
        #expect(harness.daemon.stop() == 0)
        var accepted = 1
        var answered = 1
        while let line = try Self.replyOrEnd(socket) {
            let reply = DaemonHarness.decode(line)
            #expect(["accepted", "unavailable"].contains(reply.result))
            if reply.result == "accepted" { accepted += 1 }
            answered += 1
        }
        #expect(answered <= lines.count)
        try harness.daemon.start()
        let stored: Int
        do { stored = try harness.events("SM2-000005").count } catch {
            Issue.record("events failed: \(error); daemon log:\n\(harness.daemon.log(tail: 30))")
            return
        }
        #expect(stored == accepted, "stored \(stored), accepted \(accepted), answered \(answered)")
    }

    @Test func theOptionalTCPListenerSpeaksTheSameProtocol() throws {
        let port = try LineSocket.freeLoopbackPort()
        let harness = try DaemonHarness(extraArguments: ["--listen", "127.0.0.1:\(port)", "--listen-plaintext"])
        let socket = try LineSocket(loopbackPort: port)
        try socket.send(Lines.status("TCP-1", id: "over-tcp") + "\n" + "nope\n")
        let replies = try socket.readLines(2).map(DaemonHarness.decode)
        #expect(replies.map(\.result) == ["accepted", "rejected"])
        #expect(try harness.events("TCP-1").count == 1)
    }
}

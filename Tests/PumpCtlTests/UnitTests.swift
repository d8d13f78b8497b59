import Foundation
import PumpControlProtocol
import PumpTelemetry
import Testing

@testable import PumpCtlKit

@Suite("Validation and words")
struct ValidationTests {
    @Test(arguments: ["SM2-004211", "abc", "A1-", String(repeating: "x", count: 32), "C3000-0107"])
    func serialsOfTheProtocolAreAccepted(_ serial: String) {
        #expect(Validation.isValidSerial(serial))
    }

    @Test(arguments: ["", "ab", "-SM2", "SM2_1", "SM2 1", "SM2-ä1", String(repeating: "x", count: 33)])
    func otherSerialsAreRefused(_ serial: String) {
        #expect(!Validation.isValidSerial(serial))
    }

    @Test(arguments: [("0", 0.0), ("100", 100.0), ("50.5", 50.5), ("51", 51.0)])
    func percentagesFrom0To100AreAccepted(_ text: String, _ value: Double) throws {
        #expect(try Validation.percent(text, flag: "--p") == value)
    }

    @Test(arguments: ["101", "-0.1", "abc", "inf", "", "60%"])
    func otherPercentagesExit65(_ text: String) {
        #expect(throws: PumpCtlError(exitCode: 65, message: "--p: '\(text)' is not a percentage from 0 to 100")) {
            try Validation.percent(text, flag: "--p")
        }
    }

    @Test func determinationsReadAtAGlance() {
        #expect(Words.determination("medically_necessary").text == "medically necessary")
        #expect(Words.determination("not_medically_necessary").text == "not medically necessary")
        #expect(
            Words.determination("needs_review", missing: ["trial_route", "trial_reduction_percent"]).text
                == "needs review (missing: trial_route, trial_reduction_percent)")
        #expect(Words.state("non_functional").text == "non-functional")
        #expect(Words.state("stalled").text == "stalled (within grace)")
    }

    @Test func everyPolicyClauseHasASummary() {
        let clauses = [
            "MN.indication.1", "MN.indication.2", "MN.indication.3", "MN.indication.4", "MN.indication.5",
            "MN.supplies", "MN.replacement.non_function", "MN.replacement.impending_failure",
            "NMN.replacement.convenience", "NMN.replacement.upgrade", "NMN.use.heparin_thromboembolic",
            "NMN.use.antibiotics_osteomyelitis", "NMN.use.other",
        ]
        #expect(clauses.allSatisfy { Words.clauseSummary($0) != nil })
        #expect(Words.clause("X.unknown") == "X.unknown")
    }

    @Test func uptimeReadsInDaysHoursMinutes() {
        let status = DaemonStatusDocument(
            version: "1", uptimeS: 59, store: "s", pumps: 0, messages: 0, records: 0, rejected: 0)
        #expect(Render.status(status, TextStyle()).hasPrefix("pumpmond 1, up 59s\n"))
    }

    @Test func theHL7OutboxIsTheLastLineOfStatusOnlyWhenTheDaemonSendsAlerts() {
        var status = DaemonStatusDocument(
            version: "1", uptimeS: 59, store: "s", pumps: 0, messages: 0, records: 0, rejected: 0, metrics: "unix:m")
        #expect(!Render.status(status, TextStyle()).contains("HL7"))
        status.hl7OutboxUnsent = 2
        let lines = Render.status(status, TextStyle()).split(separator: "\n")
        #expect(lines.last?.hasPrefix("  HL7 outbox:") == true)
        #expect(lines.last?.hasSuffix("2 unsent") == true)
    }
}

@Suite("Control socket client")
struct ControlSocketClientTests {
    @Test func hungDaemonTimesOutWith69() throws {
        let gate = DispatchSemaphore(value: 0)
        let server = try FakeControlServer(respond: { _ in
            gate.wait()
            return nil
        })
        defer { server.stop() }
        let environment = PumpCtlEnvironment(replyTimeout: .milliseconds(100))
        let outcome = PumpCtl.run(arguments: ["status", "--socket", server.path], environment: environment)
        gate.signal()
        #expect(outcome.exitCode == 69)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr.contains("no reply within"))
    }

    @Test func replySplitAcrossManyWritesIsReassembled() throws {
        let record = try #require(
            GoldenFiles.reply("request-replacement-telemetry-record").wholeMatch(of: /\{"ok":true,"result":(.*)\}/)
        )
        .output.1
        let big =
            #"{"ok":true,"result":{"records":["# + Array(repeating: record, count: 4000).joined(separator: ",")
            + "]}}"
        let (outcome, _) = try runAgainstFake(["eligibility", "--json"], reply: big)
        #expect(outcome.exitCode == 0)
        let printed = try JSONDecoder().decode(RecordListDocument.self, from: Data(outcome.stdout.utf8))
        let sent = try JSONDecoder().decode(ControlReply<RecordListDocument>.self, from: Data(big.utf8))
        #expect(printed.records.count == 4000)
        #expect(printed == sent.result)
    }
}

@Suite("Reply for --json")
struct JSONReplyTests {
    /// Prints `reply` fed in pieces of `size` bytes, as `ControlSocketClient` hands them over.
    static func printed(_ reply: String, pieces size: Int) throws(PumpCtlError) -> String {
        let bytes = Array(reply.utf8)
        var output = StandardOutput(descriptor: nil)
        var json = JSONReply(socket: "/s")
        var start = 0
        while start < bytes.count {
            let end = min(start + size, bytes.count)
            try bytes[start..<end].withUnsafeBufferPointer { (piece) throws(PumpCtlError) in
                try json.receive(piece, into: &output)
            }
            start = end
        }
        try json.finish(RecordListDocument.self, into: &output)
        return String(decoding: output.pending, as: UTF8.self)
    }

    /// A piece may end anywhere: inside the envelope's prefix, a string, an escape or before the closing brace.
    @Test func theDocumentPrintsTheSameWhateverThePieces() throws {
        let reply = GoldenFiles.reply("eligibility")
        let expected = try GoldenFiles.text(.fake, "eligibility.json")
        for size in 1...reply.utf8.count {
            #expect(try Self.printed(reply, pieces: size) == expected, "pieces of \(size) bytes")
        }
    }

    @Test func aFailureIsDecodedWhateverThePieces() {
        let reply = #"{"ok":false,"error":{"code":"not_found","message":"no pump SM2-1"}}"#
        for size in 1...reply.utf8.count {
            #expect(throws: PumpCtlError(exitCode: 66, message: "no pump SM2-1"), "pieces of \(size) bytes") {
                try Self.printed(reply, pieces: size)
            }
        }
    }

    @Test(arguments: [
        #"{"ok":true,"result":{"records":[}"#, #"{"ok":true,"result":{"records":[]}"#, #"{"ok":true,"result":"#,
        #"{"ok":true,"result":{"records":[]}}}"#,
    ])
    func aStreamedDocumentThatIsNotWholeExits70(_ reply: String) {
        #expect(throws: PumpCtlError.badReply(socket: "/s", detail: "not JSON")) {
            try Self.printed(reply, pieces: 7)
        }
    }

    @Test(arguments: [#"{"result":{"records":[]},"ok":true}"#, "this is not json", #"{"ok":true}"#])
    func aReplyInAnotherFormExits70(_ reply: String) {
        let error = #expect(throws: PumpCtlError.self) { try Self.printed(reply, pieces: 3) }
        #expect(error?.exitCode == 70)
        #expect(error?.message.contains("sent a reply pumpctl cannot read") == true)
    }
}

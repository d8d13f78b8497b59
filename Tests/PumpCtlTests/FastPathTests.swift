import Foundation
import PumpControlProtocol
import PumpJSON
import PumpTelemetry
import PumpTesting
import Testing

@testable import PumpCtlKit

/// The fast paths of `pumpctl` (printing a reply without decoding it, decoding `events` in one
/// pass, reading frequent command lines without argument-parser, writing JSON with
/// `DocumentWriter`) give exactly what the general paths give, and step aside for anything else.
@Suite("Fast paths")
struct FastPathTests {
    /// The general path: decode the reply, print the document with `OrderedJSONEncoder`.
    static func decodedAndPrinted<D: Codable & Sendable>(_ reply: String, as type: D.Type) throws -> String {
        let decoded = try JSONDecoder().decode(ControlReply<D>.self, from: Data(reply.utf8))
        let document = try #require(decoded.result)
        return try OrderedJSONEncoder(prettyPrinted: true).encode(document) + "\n"
    }

    static func printed(_ reply: String, _ shape: DocumentShape) -> String? {
        ReplyPrinter.print(reply: Array(reply.utf8), shape: shape).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The daemon's reply line for a document (`ControlReplyWriter`, spec order), without its `\n`.
    static func daemonReply<D: ListDocument>(_ document: D) throws -> String {
        String(decoding: ControlReplyWriter.success(list: document).joined().dropLast(), as: UTF8.self)
    }

    /// The daemon's text of a document.
    static func written(_ document: some Encodable) throws -> [UInt8] {
        try JSONWriter.bytes(JSONValueEncoder().encode(document))
    }

    static let randomDocuments: [(devices: DeviceListDocument, records: RecordListDocument, events: EventListDocument, rejected: RejectedListDocument)] = {
        var random = SeededRandom(seed: 7)
        return (0..<40).map { _ in
            (
                random.devices(), random.records(), random.events(), random.rejected()
            )
        }
    }()

    @Test func goldenRepliesPrintAsTheirDecodedDocuments() throws {
        let cases: [(String, DocumentShape, String)] = [
            (Fixtures.reply(Fixtures.devices), DocumentShapes.deviceList, try Self.decodedAndPrinted(Fixtures.reply(Fixtures.devices), as: DeviceListDocument.self)),
            (Fixtures.reply(Fixtures.records), DocumentShapes.recordList, try Self.decodedAndPrinted(Fixtures.reply(Fixtures.records), as: RecordListDocument.self)),
            (Fixtures.reply(Fixtures.events), DocumentShapes.eventList, try Self.decodedAndPrinted(Fixtures.reply(Fixtures.events), as: EventListDocument.self)),
            (Fixtures.reply(Fixtures.rejected), DocumentShapes.rejectedList, try Self.decodedAndPrinted(Fixtures.reply(Fixtures.rejected), as: RejectedListDocument.self)),
            (Fixtures.reply(Fixtures.telemetryRecord), DocumentShapes.record, try Self.decodedAndPrinted(Fixtures.reply(Fixtures.telemetryRecord), as: EligibilityRecordDocument.self)),
            (Fixtures.reply(EventListDocument(events: [])), DocumentShapes.eventList, "{\n  \"events\": []\n}\n"),
        ]
        for (reply, shape, expected) in cases {
            #expect(Self.printed(reply, shape) == expected)
        }
    }

    @Test func daemonRepliesPrintAsTheirDecodedDocuments() throws {
        for (devices, records, events, rejected) in Self.randomDocuments {
            let devicesReply = try Self.daemonReply(devices)
            #expect(Self.printed(devicesReply, DocumentShapes.deviceList) == (try Self.decodedAndPrinted(devicesReply, as: DeviceListDocument.self)))
            let recordsReply = try Self.daemonReply(records)
            #expect(Self.printed(recordsReply, DocumentShapes.recordList) == (try Self.decodedAndPrinted(recordsReply, as: RecordListDocument.self)))
            let eventsReply = try Self.daemonReply(events)
            #expect(Self.printed(eventsReply, DocumentShapes.eventList) == (try Self.decodedAndPrinted(eventsReply, as: EventListDocument.self)))
            let rejectedReply = try Self.daemonReply(rejected)
            #expect(Self.printed(rejectedReply, DocumentShapes.rejectedList) == (try Self.decodedAndPrinted(rejectedReply, as: RejectedListDocument.self)))
        }
    }

    @Test func daemonRepliesAreDecodedInOnePassToTheSameEvents() throws {
        for (_, _, events, _) in Self.randomDocuments {
            let reply = try Self.daemonReply(events)
            let general = try JSONDecoder().decode(ControlReply<EventListDocument>.self, from: Data(reply.utf8)).result
            let fast = try #require(ReplyPrinter.events(reply: Array(reply.utf8)))
            #expect(fast == general)
            #expect(Render.events(fast, TextStyle(color: false)) == Render.events(try #require(general), TextStyle(color: false)))
        }
    }

    @Test(arguments: [
        // Not a successful reply of the expected shape, or not plain: the decoding path decides.
        #"{"ok":false,"error":{"code":"not_found","message":"no"}}"#,
        #"{"ok":true}"#,
        #"{"ok":true,"result":{"devices":"none"}}"#,
        #"{"ok":true,"result":{"devices":[{"serial":"A","state":"functional","serial":"B"}]}}"#,
        #"{"ok":true,"result":{"devices":[{"model":"M","state":"functional"}]}}"#,
        #"{"ok":true,"result":{"devices":[{"serial":null,"state":"functional"}]}}"#,
        #"{"ok":true,"result":{"devices":[]},"error":null}"#,
        #"{"ok":true,"result":{"devices":[]}} x"#,
        #"{"ok":true,"result":{"devices":[{"serial":"\ud800","state":"functional"}]}}"#,
        #"{"ok":true,"result":{"devices":[{"serial":"A","state":"functional""#,
        "{\"ok\":true,\"result\":{\"devices\":[{\"serial\":\"\u{1}\",\"state\":\"functional\"}]}}",
        #"{"ok":true,"result":{"events":[{"reservoir_ml":20.0}]}}"#,
        #"{"ok":true,"result":{"events":[{"n":1e2}]}}"#,
        #"{"ok":true,"result":{"events":[{"n":12345678901234567890}]}}"#,
        #"{"ok":true,"result":{"events":[{"n":-0.0}]}}"#,
        #"{"ok":true,"result":{"events":[{"k":1,"k":2}]}}"#,
        #"{"ok":true,"result":{"events":[{"é":1}]}}"#,
        #"{"ok":true,"result":{"events":[01]}}"#,
    ])
    func anythingUnusualIsLeftToTheDecodingPath(_ reply: String) {
        let shape = reply.contains("events") ? DocumentShapes.eventList : DocumentShapes.deviceList
        #expect(Self.printed(reply, shape) == nil)
    }

    @Test(arguments: [
        #"{"ok":true,"result":{"events":[{"reservoir_ml":20.0,"n":1e2,"z":-0.0}]}}"#,
        #"{"result":{"devices":[{"model":"M","state":"functional","serial":"A\/B \u00e9"}]},"ok":true}"#,
    ])
    func unusualRepliesStillPrintTheDecodedDocument(_ reply: String) throws {
        let arguments = reply.contains("events") ? ["events", "SM2-004211", "--json"] : ["devices", "--json"]
        let (outcome, _) = try runAgainstFake(arguments, reply: reply)
        let expected =
            reply.contains("events")
            ? try Self.decodedAndPrinted(reply, as: EventListDocument.self)
            : try Self.decodedAndPrinted(reply, as: DeviceListDocument.self)
        #expect(outcome.exitCode == 0)
        #expect(outcome.stdout == expected)
    }

    @Test(arguments: [
        ["events", "SM2-004211"], ["events", "SM2-004211", "--json"], ["events", "--limit", "7", "SM2-004211"],
        ["events", "SM2-004211", "--socket", "/tmp/x.sock", "--limit", "1", "--json"], ["events", "bad serial!"],
        ["eligibility"], ["eligibility", "--json", "--serial", "SM2-004211"],
        ["eligibility", "--determination", "needs_review", "--serial", "C3000-0107"],
        ["eligibility", "--determination", "maybe"], ["eligibility", "--serial", "x y"],
        ["devices"], ["devices", "--state", "stalled", "--json"], ["devices", "--state", "broken"],
        ["devices", "--socket", "/run/p.sock"],
    ])
    func frequentCommandLinesMakeTheSameRequestsAsArgumentParser(_ arguments: [String]) throws {
        let quick = try #require(QuickCommandLine(arguments))
        let parsed = try PumpCtlCommand.parseAsRoot(arguments)
        let command = try #require(parsed as? any ControlCommand)
        #expect(quick.json == command.global.json)
        #expect(quick.socket == command.global.socket)
        switch (Result { () throws(PumpCtlError) in try quick.request() }, Result { () throws(PumpCtlError) in try command.request() }) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure(let a), .failure(let b)): #expect(a == b)
        default: Issue.record("one path failed and the other did not for \(arguments)")
        }
        let expected: QuickCommandLine.Command =
            switch arguments[0] {
            case "events": .events
            case "eligibility": .eligibility
            default: .devices
            }
        #expect(quick.command == expected)
    }

    @Test(arguments: [
        [], ["status"], ["device", "SM2-004211"], ["events"], ["events", "A", "B"], ["events", "A", "--limit", "0"],
        ["events", "A", "--limit", "-1"], ["events", "A", "--limit", "+5"], ["events", "A", "--limit=5"],
        ["events", "A", "--limit"], ["events", "A", "--json", "--json"], ["events", "A", "-h"], ["events", "--help"],
        ["eligibility", "--serial", "A", "--serial", "B"], ["eligibility", "--serial", ""], ["eligibility", "--serial", "--json"],
        ["devices", "--state"], ["devices", "extra"], ["devices", "--"], ["--json", "devices"], ["help", "devices"],
        ["devices", "--generate-completion-script", "bash"],
    ])
    func everyOtherCommandLineIsLeftToArgumentParser(_ arguments: [String]) {
        #expect(QuickCommandLine(arguments) == nil)
    }

    @Test func requestLinesAreTheBytesOrderedJSONEncoderWrites() throws {
        let requests = [
            ControlRequest(op: .status), ControlRequest(op: .events, serial: "SM2-004211", limit: 50),
            ControlRequest(op: .eligibility, serial: "SM2-004211", determination: "needs_review"),
            ControlRequest(op: .devices, state: "stalled"),
            ControlRequest(
                op: .enroll, serial: "SM2-010001",
                therapy: EnrollmentDocument(
                    patient: "MRN \"5\"\n/é", indication: "chronic_intractable_pain", drug: "morphine",
                    route: "intrathecal",
                    criteria: CriteriaDocument(severeChronicIntractable: true, trialReductionPercent: 62.5))),
            ControlRequest(
                op: .enroll, serial: "SM2-010002",
                therapy: EnrollmentDocument(
                    patient: "p", indication: "spasticity", drug: "baclofen", route: "intrathecal",
                    criteria: CriteriaDocument(severeRefractory: false, trialReductionPercent: 60))),
            ControlRequest(op: .requestReplacement, serial: "SM2-004211", reason: "upgrade", note: "tab\there\u{1}"),
        ]
        for request in requests {
            #expect(String(decoding: try Self.written(request), as: UTF8.self) == (try OrderedJSONEncoder().encode(request)))
        }
    }

    @Test func documentsWrittenByTheDaemonDecodeToThemselves() throws {
        for (devices, records, events, rejected) in Self.randomDocuments {
            #expect(try JSONDecoder().decode(DeviceListDocument.self, from: Data(Self.written(devices))) == devices)
            #expect(try JSONDecoder().decode(RecordListDocument.self, from: Data(Self.written(records))) == records)
            #expect(try JSONDecoder().decode(EventListDocument.self, from: Data(Self.written(events))) == events)
            #expect(try JSONDecoder().decode(RejectedListDocument.self, from: Data(Self.written(rejected))) == rejected)
        }
        for document in [Fixtures.device, Fixtures.deviceNeverReported] {
            #expect(try JSONDecoder().decode(DeviceDetailDocument.self, from: Data(Self.written(document))) == document)
        }
        #expect(try JSONDecoder().decode(DaemonStatusDocument.self, from: Data(Self.written(Fixtures.status))) == Fixtures.status)
    }

    @Test func aLongDocumentWrittenInPiecesIsTheSameText() throws {
        var random = SeededRandom(seed: 3)
        let devices = DeviceListDocument(devices: (0..<20_000).flatMap { _ in random.devices().devices })
        let pieces = ControlReplyWriter.success(list: devices)
        #expect(pieces.count > 2)
        #expect(pieces.dropLast().allSatisfy { $0.count >= ControlReplyWriter.pieceSize && $0.count < ControlReplyWriter.pieceSize + 1024 })
        #expect(Array(pieces.joined()) == Array(ControlReplyWriter.success(devices).joined()))
        #expect(ControlReplyWriter.success(list: DeviceListDocument(devices: [])) == [Array(#"{"ok":true,"result":{"devices":[]}}"#.utf8) + [10]])
    }
}

/// Random documents from a seeded generator, so that every run checks the same documents.
extension SeededRandom {

    /// Text with the characters that need care: quotes, backslashes, slashes, controls, non-ASCII.
    mutating func text() -> String {
        let pieces = ["a", "SM2-0042", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", "\u{7F}", "é", "☃", "😀", "e\u{301}", "\u{2028}", ""]
        return (0..<Int.random(in: 0...6, using: &self)).map { _ in pieces.randomElement(using: &self) ?? "" }.joined()
    }

    mutating func maybe(_ text: String) -> String? { Bool.random(using: &self) ? text : nil }

    mutating func devices() -> DeviceListDocument {
        DeviceListDocument(
            devices: (0..<Int.random(in: 0...4, using: &self)).map { _ in
                DeviceSummaryDocument(
                    serial: text(), model: maybe(text()), state: text(), battery: maybe(text()), lastSeen: maybe(text()))
            })
    }

    mutating func records() -> RecordListDocument {
        RecordListDocument(
            records: (0..<Int.random(in: 0...3, using: &self)).map { _ in
                EligibilityRecordDocument(
                    id: text(), serial: text(), type: text(), trigger: text(), requestReason: maybe(text()),
                    determination: text(), clause: text(), replacementCriterion: maybe(text()),
                    indication: IndicationDocument(status: text(), clause: maybe(text())),
                    missing: (0..<Int.random(in: 0...2, using: &self)).map { _ in text() },
                    suppliesCovered: Bool.random(using: &self),
                    evidence: (0..<Int.random(in: 0...2, using: &self)).map { _ in
                        EvidenceDocument(messageID: text(), kind: text(), code: maybe(text()), at: text())
                    },
                    policy: PolicyIdentityDocument(id: text(), effective: text()), createdAt: text(), note: maybe(text()))
            })
    }

    mutating func value(depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0...(depth > 2 ? 4 : 6), using: &self) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &self))
        case 2: return .number(JSONNumber(Int64.random(in: -1_000_000...1_000_000, using: &self)))
        case 3:
            let d = Double.random(in: -1e6...1e6, using: &self) + 0.5
            return .number(JSONNumber(literal: "\(d.rounded() == d ? d + 0.25 : d)"))
        case 4: return .string(text())
        case 5: return .array((0..<Int.random(in: 0...3, using: &self)).map { _ in value(depth: depth + 1) })
        default:
            var members = JSONObject()
            for _ in 0..<Int.random(in: 0...4, using: &self) {
                members["k\(Int.random(in: 0...20, using: &self))_" + ["a", "B", "_", "z"][Int.random(in: 0...3, using: &self)]] =
                    value(depth: depth + 1)
            }
            return .object(members)
        }
    }

    mutating func events() -> EventListDocument {
        EventListDocument(
            events: (0..<Int.random(in: 0...4, using: &self)).map { _ in
                var members: JSONObject = [
                    "kind": .string(Bool.random(using: &self) ? "status" : "alert"), "id": .string(text()),
                    "at": .string("2026-11-28T10:1\(Int.random(in: 0...9, using: &self)):00Z"),
                    "received_at": .string("2026-11-28T10:15:02.113Z"),
                ]
                for _ in 0..<Int.random(in: 0...4, using: &self) {
                    members[["battery", "motor", "reservoir_ml", "code", "severity", "state", "detail", "x"].randomElement(using: &self) ?? "x"] = value()
                }
                return .object(members)
            })
    }

    mutating func rejected() -> RejectedListDocument {
        RejectedListDocument(
            rejected: (0..<Int.random(in: 0...3, using: &self)).map { _ in
                RejectedDocument(receivedAt: text(), reason: text(), detail: maybe(text()), raw: text(), rawBase64: text())
            })
    }
}

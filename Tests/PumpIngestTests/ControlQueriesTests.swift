import Foundation
import PumpControlProtocol
import PumpHealth
import PumpIngest
import PumpJSON
import PumpPolicy
import PumpStore
import PumpTelemetry
import PumpTesting
import Testing

/// What the control queries answer after telemetry went through the ingest writer and a clinician
/// asked for a replacement: the `cli.md` documents, in the spec's order, with text that needs
/// escaping kept as sent.
@Suite struct ControlQueriesTests {
    static let t0: Int64 = 1_790_000_000_000_000  // 2026-09-21
    static let minute: Int64 = 60_000_000

    final class Fixture {
        let directory: TemporaryDirectory
        let store: PumpStore

        init() async throws {
            directory = try TemporaryDirectory(prefix: "pmq")
            store = try PumpStore(directory: directory.path)
            let writer = IngestWriter(store: store, rules: StallRules())
            let validator = FrameValidator()
            let lines = Self.lines()
            for (index, line) in lines.enumerated() {
                let now = t0 + Int64(index) * minute + 123_456
                let raw = Array(line.utf8)
                guard case .valid(let message) = validator.validate(raw, nowMicros: now) else {
                    Issue.record("fixture line rejected: \(line)")
                    continue
                }
                _ = await writer.commit([.message(message, raw: raw, receivedAt: now)], now: now)
            }
            _ = try await Eligibility(store: store).requestReplacement(
                serial: "SM2-000001", reason: .upgrade, note: "patient asks \"why\"\n/ é ☃", rules: StallRules(),
                now: t0 + 99 * minute)
        }

        deinit { directory.remove() }

        /// Statuses and alerts of three pumps, with text that needs escaping.
        static func lines() -> [String] {
            func at(_ minutes: Int64) -> String { Timestamp.format(micros: t0 + minutes * minute) }
            return [
                #"{"v":1,"id":"s1","serial":"SM2-000001","kind":"status","at":"\#(at(0))","model":"SynchroMed II","battery":{"state":"MOS","volts":2.9,"months_remaining":30},"motor":"ok","reservoir_ml":20.0,"infusing":true}"#,
                #"{"v":1,"id":"a1","serial":"SM2-000001","kind":"alert","at":"\#(at(1))","code":"BATTERY_ERI","severity":"warning","state":"raised","detail":"tab\there / \"quoted\" é"}"#,
                #"{"v":1,"id":"s2","serial":"C3K-000002","kind":"status","at":"\#(at(2))","model":"Codman 3000 \u00e9\u0007","battery":null,"motor":"none","reservoir_ml":6.75,"infusing":false}"#,
                #"{"v":1,"id":"s3","serial":"SM2-000001","kind":"status","at":"\#(at(3))","model":"SynchroMed II","battery":{"state":"EOS"},"motor":"ok"}"#,
                #"{"v":1,"id":"a2","serial":"PM2-000003","kind":"alert","at":"\#(at(4))","code":"BATTERY_ERI","severity":"warning","state":"raised"}"#,
            ]
        }
    }

    static func received(_ index: Int64) -> String { Timestamp.format(micros: t0 + index * minute + 123_456) }

    @Test func devicesListsEveryPumpBySerialWithItsLatestStatus() async throws {
        let f = try await Fixture()
        #expect(
            try await f.store.devices(state: nil).devices == [
                DeviceSummaryDocument(
                    serial: "C3K-000002", model: "Codman 3000 é\u{7}", state: "functional", battery: nil,
                    lastSeen: Self.received(2)),
                DeviceSummaryDocument(
                    serial: "PM2-000003", model: nil, state: "impending_failure", battery: nil,
                    lastSeen: Self.received(4), reason: "battery_eri"),
                DeviceSummaryDocument(
                    serial: "SM2-000001", model: "SynchroMed II", state: "non_functional", battery: "EOS",
                    lastSeen: Self.received(3), reason: "end_of_service"),
            ])
        #expect(try await f.store.devices(state: "stalled").devices.isEmpty)
        #expect(try await f.store.devices(state: "non_functional").devices.map(\.serial) == ["SM2-000001"])
    }

    /// The daemon streams `devices` a page at a time: pages of any size give the same list.
    @Test(arguments: [1, 2, 3, 4]) func devicesReadInPagesListEveryPumpOnce(pageRows: Int) async throws {
        let f = try await Fixture()
        let whole = try await f.store.devices(state: nil).devices
        var cursor = DeviceCursor(store: f.store, state: nil, pageRows: pageRows)
        var paged: [DeviceSummaryDocument] = []
        var pages = 0
        while true {
            let page = try await cursor.next()
            if page.isEmpty { break }
            #expect(page.count <= pageRows)
            paged += page
            pages += 1
        }
        #expect(whole.count == 3)
        #expect(paged == whole)
        #expect(pages == (whole.count + pageRows - 1) / pageRows)
        var filtered = DeviceCursor(store: f.store, state: "non_functional", pageRows: pageRows)
        #expect(try await filtered.next().map(\.serial) == ["SM2-000001"])
        #expect(try await filtered.next().isEmpty)
    }

    @Test func eventsAreTheStoredMessagesNewestFirstWithTheirReceiptTime() async throws {
        let f = try await Fixture()
        let events = try await f.store.events(serial: "SM2-000001", limit: 50).events
        #expect(events.map { $0.objectValue?["id"] } == [.string("s3"), .string("a1"), .string("s1")])
        #expect(events.map { $0.objectValue?["received_at"] } == [3, 1, 0].map { .string(Self.received($0)) })
        #expect(events[1].objectValue?["detail"] == .string("tab\there / \"quoted\" é"))
        let lines = Fixture.lines()
        let sent = try #require(try JSONParser.parse(Array(lines[0].utf8)).objectValue)
        var shown = try #require(events[2].objectValue)
        shown["received_at"] = nil
        // The fixture's writer names no sender: `source` is shown, null, after the message's keys.
        #expect(shown.members.last?.key == "source")
        #expect(shown["source"] == .null)
        shown["source"] = nil
        #expect(shown == sent)
        #expect(try await f.store.events(serial: "SM2-000001", limit: 2).events.count == 2)
        #expect(try await f.store.events(serial: "PM2-000003", limit: 1).events.count == 1)
    }

    @Test func recordsAreNewestFirstFilteredAndCarryThePolicy() async throws {
        let f = try await Fixture()
        let all = try await f.store.records(serial: nil, determination: nil).records
        #expect(all.map(\.id) == ["R-000004", "R-000003", "R-000002", "R-000001"])
        #expect(all.map(\.serial) == ["SM2-000001", "PM2-000003", "SM2-000001", "SM2-000001"])
        #expect(all.map(\.trigger) == ["request", "telemetry", "telemetry", "telemetry"])
        #expect(all.allSatisfy { $0.policy == PolicyIdentityDocument(id: "CG-SURG-79", effective: "2023-09-27") })
        let request = all[0]
        #expect(request.note == "patient asks \"why\"\n/ é ☃")
        #expect(request.requestReason == "upgrade")
        #expect(request.evidence.map(\.messageID) == ["s3"])
        #expect(request.createdAt == Timestamp.format(micros: Self.t0 + 99 * Self.minute))
        #expect(
            all[2].evidence == [
                EvidenceDocument(
                    messageID: "s3", kind: "status", code: nil, at: Timestamp.format(micros: Self.t0 + 3 * Self.minute))
            ])
        #expect(
            try await f.store.records(serial: "SM2-000001", determination: nil).records.map(\.id) == [
                "R-000004", "R-000002", "R-000001",
            ])
        for determination in ["medically_necessary", "needs_review", "not_medically_necessary"] {
            let filtered = try await f.store.records(serial: nil, determination: determination).records
            #expect(filtered == all.filter { $0.determination == determination })
        }
        #expect(
            try await f.store.records(serial: "PM2-000003", determination: "needs_review").records.map(\.id) == [
                "R-000003"
            ])
    }
}

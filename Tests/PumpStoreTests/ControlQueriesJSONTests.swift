import Foundation
import PumpControlProtocol
import PumpHealth
import PumpPolicy
import PumpStore
import PumpTelemetry
import PumpTesting
import Testing

/// The list queries the daemon answers with (`devicesJSON`, `eventsJSON`, `recordsJSON`) write,
/// row by row, the very documents that `devices`, `events` and `records` build, in the spec's key
/// order, and the same bytes as the documents' own `DocumentWriter` text.
@Suite struct ControlQueriesJSONTests {
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
            _ = try await store.requestReplacement(
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

    @Test func devicesJSONIsTheDevicesDocument() async throws {
        let f = try await Fixture()
        let document = try await f.store.devices(state: nil)
        let bytes = Array(try await f.store.devicesJSON(state: nil).joined())
        #expect(document.devices.count == 3)
        #expect(try JSONDecoder().decode(DeviceListDocument.self, from: Data(bytes)) == document)
        #expect(bytes == (try document.jsonBytes()))
        let stalled = Array(try await f.store.devicesJSON(state: "stalled").joined())
        #expect(String(decoding: stalled, as: UTF8.self) == #"{"devices":[]}"#)
    }

    @Test func eventsJSONIsTheEventsDocument() async throws {
        let f = try await Fixture()
        for (serial, limit) in [("SM2-000001", 50), ("SM2-000001", 2), ("C3K-000002", 50), ("PM2-000003", 1)] {
            let document = try await f.store.events(serial: serial, limit: limit)
            let bytes = Array(try await f.store.eventsJSON(serial: serial, limit: limit).joined())
            #expect(!document.events.isEmpty)
            #expect(try JSONDecoder().decode(EventListDocument.self, from: Data(bytes)) == document)
            #expect(bytes == (try document.jsonBytes()))
        }
    }

    @Test func recordsJSONIsTheRecordsDocument() async throws {
        let f = try await Fixture()
        for (serial, determination) in [
            (nil, nil), ("SM2-000001", nil), (nil, "medically_necessary"), ("PM2-000003", "needs_review"),
        ] as [(String?, String?)] {
            let document = try await f.store.records(serial: serial, determination: determination)
            let bytes = Array(try await f.store.recordsJSON(serial: serial, determination: determination).joined())
            #expect(try JSONDecoder().decode(RecordListDocument.self, from: Data(bytes)) == document)
            #expect(bytes == (try document.jsonBytes()))
        }
        let all = try await f.store.records(serial: nil, determination: nil)
        #expect(all.records.count >= 3)
        #expect(all.records.contains { $0.note?.contains("☃") == true })
        #expect(all.records.contains { !$0.evidence.isEmpty })
    }
}

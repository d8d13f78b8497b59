import Foundation
import GRDB
import PumpHealth
import PumpStore
import PumpTelemetry
import PumpTesting
import Testing

@testable import PumpIngest

/// The writer keeps a bounded number of pump rows in memory; a pump that fell out of the cache is
/// read back from its row and judged exactly as if it had stayed.
@Suite struct PumpCacheTests {
    static let hour: Int64 = 3_600_000_000
    static let t0: Int64 = 1_790_000_000_000_000

    /// Lines from `pumps` pumps, round robin, each pump stalling once and failing on its clock.
    static func lines(pumps: Int, rounds: Int) -> [String] {
        var lines: [String] = []
        for round in 0..<rounds {
            for p in 0..<pumps {
                let at = Timestamp.format(micros: t0 + Int64(round) * hour + Int64(p))
                let motor = round == 1 && p % 3 == 0 ? "stalled" : (round >= 2 && p % 3 == 0 ? "stalled" : "ok")
                let battery = round == 2 && p % 4 == 1 ? "ERI" : "MOS"
                lines.append(
                    #"{"v":1,"id":"m\#(round)","serial":"CP-\#(p)","kind":"status","at":"\#(at)","model":"SynchroMed II","battery":{"state":"\#(battery)"},"motor":"\#(motor)"}"#
                )
            }
        }
        return lines
    }

    static func items(_ lines: [String], now: Int64) -> [IngestItem] {
        lines.map { line in
            let raw = Array(line.utf8)
            switch FrameValidator().validate(raw, nowMicros: now) {
            case .valid(let m): return .message(m, raw: raw, receivedAt: now)
            case .rejected(let r): return .rejected(r, raw: raw, receivedAt: now)
            }
        }
    }

    /// Everything a client can see of the pumps: devices and records.
    static func view(_ store: PumpStore) async throws -> String {
        let devices = try await store.devices(state: nil).devices.map {
            "\($0.serial) \($0.state) \($0.battery ?? "-")"
        }
        let records = try await store.records(serial: nil, determination: nil).records.map {
            "\($0.serial) \($0.replacementCriterion ?? "-") \($0.evidence.map(\.messageID))"
        }
        return (devices + records).joined(separator: "\n")
    }

    @Test func aSmallCacheJudgesEveryPumpAsABigOneDoes() async throws {
        let lines = Self.lines(pumps: 12, rounds: 6)
        var views: [String] = []
        for capacity in [3, 4096] {
            let directory = try TemporaryDirectory(prefix: "pmc")
            defer { directory.remove() }
            let store = try PumpStore(directory: directory.path)
            let writer = IngestWriter(store: store, rules: StallRules(), cacheCapacity: capacity)
            // One pump per batch, so that the cache is refilled and emptied between batches.
            for (i, line) in lines.enumerated() {
                let now = Self.t0 + Int64(i / 12) * Self.hour + 1000
                let outcome = await writer.commit(Self.items([line], now: now), now: now)
                #expect(outcome.replies.map(\.result) == [.accepted])
                #expect(writer.cachedCount <= capacity)
            }
            views.append(try await Self.view(store))
            try store.close()
        }
        #expect(views[0] == views[1])
        #expect(views[0].contains("non_function"))
        #expect(views[0].contains("impending_failure"))
    }

    @Test func theCacheNeverHoldsMoreThanItsCapacity() {
        var cache = PumpCache(capacity: 4)
        for i in 0..<100 {
            cache.put(PumpEntry(serial: "S-\(i)", firstSeen: Int64(i), rules: StallRules()))
            #expect(cache.count == min(i + 1, 4))
            #expect(cache.get("S-\(i)")?.row.firstSeen == Int64(i))
        }
        #expect(cache.get("S-0") == nil)
    }

    @Test func aRowSavedAsJSONByAnEarlierVersionIsStillRead() async throws {
        let directory = try TemporaryDirectory(prefix: "pmj")
        defer { directory.remove() }
        try PumpStore(directory: directory.path).close()
        let path = (directory.path as NSString).appendingPathComponent(PumpStore.fileName)
        // An open stall, saved the way earlier versions saved it.
        var health = PumpHealth()
        health.apply(.alert(id: "stall", code: "MOTOR_STALL", at: Self.t0, atText: "t0", receivedAt: Self.t0))
        let json = try JSONEncoder().encode(health)
        #expect(json.first == UInt8(ascii: "{"))
        try await DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: "INSERT INTO pump (serial, state, first_seen, health) VALUES ('JS-1', 'stalled', ?, ?)",
                arguments: [Self.t0, json])
        }
        let store = try PumpStore(path: path)
        let writer = IngestWriter(store: store, rules: StallRules())
        let late = Timestamp.format(micros: Self.t0 + 3 * Self.hour)
        let line =
            #"{"v":1,"id":"late","serial":"JS-1","kind":"status","at":"\#(late)","model":"SynchroMed II","battery":{"state":"MOS"},"motor":"stalled"}"#
        let now = Self.t0 + 3 * Self.hour + 1
        _ = await writer.commit(Self.items([line], now: now), now: now)
        let record = try #require(try await store.records(serial: "JS-1", determination: nil).records.first)
        #expect(record.evidence.map(\.messageID) == ["stall", "late"])
        // The row is now in the binary form.
        try store.close()
        let blob = try await DatabaseQueue(path: path).read { db in
            try Data.fetchOne(db, sql: "SELECT health FROM pump WHERE serial = 'JS-1'")
        }
        #expect(blob?.first == PumpHealth.binaryFormat)
    }
}

import Foundation
import GRDB
import PumpHealth
import PumpIngest
import PumpStore
import PumpTelemetry
import PumpTesting
import Testing

/// One pump whose stored row cannot be read fails only that pump's lines: the other pumps' lines
/// in the same group-commit batch are accepted, and their events still answer.
@Suite struct UnreadablePumpTests {
    @Test func onlyTheUnreadablePumpsLinesAreAnsweredStorageErrorInAMixedBatch() async throws {
        typealias W = IngestWriterTests
        let f = try W.Fixture()
        let t = W.t0
        let first = await f.commit(
            [W.status("BAD-1", "b1", at: t), W.status("OK-1", "o1", at: t), W.status("OK-2", "p1", at: t)],
            now: t + 1)
        #expect(first.map(\.result) == [.accepted, .accepted, .accepted])
        // Damage BAD-1's row behind the store (its failure-detection state no longer decodes), and
        // start from a cold cache, as after a restart.
        let queue = try DatabaseQueue(path: f.store.path)
        try await queue.write { db in
            try db.execute(sql: "UPDATE pump SET health = x'ffffffffdeadbeef' WHERE serial = 'BAD-1'")
        }
        try queue.close()
        let writer = IngestWriter(store: f.store, rules: StallRules())
        let validator = FrameValidator()
        let lines = [
            W.status("OK-1", "o2", at: t + W.hour), W.status("BAD-1", "b2", at: t + W.hour),
            W.alert("OK-2", "p2", "BATTERY_ERI", at: t + W.hour), W.status("BAD-1", "b3", at: t + 2 * W.hour),
            "not json",
        ]
        let items: [IngestItem] = lines.map { line in
            let raw = Array(line.utf8)
            switch validator.validate(raw, nowMicros: t + 2 * W.hour) {
            case .valid(let m): return .message(m, raw: raw, receivedAt: t + 2 * W.hour)
            case .rejected(let r): return .rejected(r, raw: raw, receivedAt: t + 2 * W.hour)
            }
        }
        let outcome = await writer.commit(items, now: t + 2 * W.hour)
        #expect(outcome.replies.map(\.result) == [.accepted, .unavailable, .accepted, .unavailable, .rejected])
        #expect(outcome.replies.map(\.id) == ["o2", "b2", "p2", "b3", nil])
        #expect(outcome.replies[1].reason == "storage_error")
        #expect(outcome.accepted == 2)
        #expect(try await f.store.events(serial: "OK-1", limit: 10).events.count == 2)
        #expect(try await f.store.events(serial: "OK-2", limit: 10).events.count == 2)
        #expect(try await f.store.events(serial: "BAD-1", limit: 10).events.count == 1, "nothing of BAD-1 kept")
        #expect(try await f.store.rejected(limit: 10).rejected.count == 1)
    }
}

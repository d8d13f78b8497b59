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

    @Test func aPumpWhoseMessagePagesAreDamagedFailsAloneAndOtherPumpsEventsStillAnswer() async throws {
        typealias W = IngestWriterTests
        let directory = try TemporaryDirectory(prefix: "pmu")
        defer { directory.remove() }
        let t = W.t0
        let detail = String(repeating: "x", count: 1000)
        func alert(_ serial: String, _ id: String, at: Int64) -> String {
            #"{"v":1,"id":"\#(id)","serial":"\#(serial)","kind":"alert","at":"\#(W.at(at))","code":"BATTERY_ERI","severity":"warning","state":"raised","detail":"\#(detail)"}"#
        }
        func items(_ lines: [String], now: Int64) -> [IngestItem] {
            let validator = FrameValidator()
            return lines.map { line in
                let raw = Array(line.utf8)
                switch validator.validate(raw, nowMicros: now) {
                case .valid(let m): return .message(m, raw: raw, receivedAt: now)
                case .rejected(let r): return .rejected(r, raw: raw, receivedAt: now)
                }
            }
        }
        // About three messages a page: OK-1's first, then BAD-1's 120, then OK-2's.
        var store = try PumpStore(directory: directory.path)
        var writer = IngestWriter(store: store, rules: StallRules())
        var lines = [alert("OK-1", "o0", at: t)]
        lines += (1...120).map { alert("BAD-1", "b\($0)", at: t + Int64($0) * (W.hour / 60)) }
        lines += [alert("OK-2", "p0", at: t)]
        let now = t + 50 * W.hour
        #expect(await writer.commit(items(lines, now: now), now: now).accepted == 122)
        let path = store.path
        try store.close()
        let checkpoint = try DatabaseQueue(path: path)
        try await checkpoint.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try checkpoint.close()
        // Garbage over a page in the middle of BAD-1's messages (the store is opened again without
        // quick_check, as a daemon finds damage that happens while it runs).
        let pages = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) / 4096
        #expect(pages > 30)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64(pages / 2) * 4096)
        handle.write(Data(repeating: 0xA5, count: 4096))
        try handle.close()
        store = try PumpStore(path: path)
        defer { try? store.close() }
        writer = IngestWriter(store: store, rules: StallRules())
        // BAD-1's late message makes detection replay its stored messages, through the damaged page.
        let batch = [
            alert("OK-1", "o1", at: t + W.hour), alert("BAD-1", "late", at: t + W.hour / 2),
            alert("OK-2", "p1", at: t + W.hour),
        ]
        let outcome = await writer.commit(items(batch, now: now + 1), now: now + 1)
        #expect(outcome.replies.map(\.result) == [.accepted, .unavailable, .accepted])
        #expect(outcome.replies[1].reason == "storage_error")
        #expect(try await store.events(serial: "OK-1", limit: 10).events.count == 2)
        #expect(try await store.events(serial: "OK-2", limit: 10).events.count == 2)
    }
}

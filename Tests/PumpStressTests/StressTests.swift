import Foundation
import GRDB
import PumpTelemetry
import PumpTesting
import Synchronization
import Testing

/// Frames per run: `PUMPMOND_STRESS_FRAMES` (CI runs the full million).
private let frameCount = ProcessInfo.processInfo.environment["PUMPMOND_STRESS_FRAMES"].flatMap { Int($0) } ?? 1_000_000

/// The writer thread's failure, if any.
private final class WriterOutcome: Sendable {
    let error = Mutex<String?>(nil)
    let done = DispatchSemaphore(value: 0)
}

@Suite("Stress: a million hostile frames through the real ingest socket")
struct StressTests {
    @Test(
        "every frame is answered in order, invalid ones are quarantined with their reason, valid ones stored, no crash")
    func millionFramesThroughTheSocket() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let started = Date()
        let corpus = FrameCorpus(count: frameCount, now: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let frames = corpus.frames()
        let d = StressDaemon(directory: dir.path)
        try d.start()
        defer { d.stop() }

        let socket = try LineSocket(unixPath: d.ingestSocket)
        // Writer thread: every frame, pipelined; the test thread reads the replies meanwhile.
        let writer = WriterOutcome()
        let fd = socket.fd
        let thread = Thread {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(1 << 20)
            for f in frames {
                chunk += f.bytes
                chunk.append(10)
                if chunk.count >= 1 << 18 {
                    if let e = Self.writeAll(fd, chunk) {
                        writer.error.withLock { $0 = e }
                        break
                    }
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if !chunk.isEmpty, let e = Self.writeAll(fd, chunk) { writer.error.withLock { $0 = e } }
            shutdown(fd, Int32(SHUT_WR))
            writer.done.signal()
        }
        thread.start()

        var expectedQuarantine: [String: Int] = [:]
        var accepted = 0
        var mismatches: [String] = []
        var answered = 0
        while answered < frames.count, let line = try socket.readLine() {
            let frame = frames[answered]
            defer { answered += 1 }
            guard let reply = Reply(line: Array(line.utf8)) else {
                mismatches.append("frame \(answered): unreadable reply \(line)")
                continue
            }
            let ok: Bool
            switch frame.expected {
            case .accepted:
                ok = reply.result == .accepted && reply.id == frame.id
                accepted += 1
            case .duplicate:
                ok = reply.result == .duplicate && reply.id == frame.id
            case .rejected(let reason):
                ok =
                    reply.result == .rejected && reply.reason == reason.rawValue && reply.id == frame.id
                    && !(reply.detail ?? "").isEmpty
                expectedQuarantine[reason.rawValue, default: 0] += 1
            }
            if !ok && mismatches.count < 20 {
                mismatches.append(
                    "frame \(answered) expected \(frame.expected) id \(frame.id ?? "null"), got \(line); frame: "
                        + String(decoding: frame.bytes.prefix(300), as: UTF8.self))
            }
        }
        writer.done.wait()
        #expect(writer.error.withLock { $0 } == nil)
        #expect(answered == frames.count, "only \(answered) of \(frames.count) frames answered")
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")

        // No crash: the daemon is still up and stops cleanly.
        #expect(d.pid.map { kill($0, 0) == 0 } == true, "the daemon died:\n\(d.log(tail: 30))")
        #expect(d.stop() == 0, "\(d.log(tail: 30))")

        let db = try DatabaseQueue(
            path: dir.path + "/pumpmond.sqlite",
            configuration: {
                var c = Configuration()
                c.readonly = true
                return c
            }())
        let (stored, quarantined) = try db.read { db in
            let stored = try Int.fetchOne(db, sql: "SELECT count(*) FROM message") ?? -1
            let rows = try Row.fetchAll(db, sql: "SELECT reason, count(*) FROM quarantine GROUP BY reason")
            return (stored, Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, $0[1] as Int) }))
        }
        #expect(stored == accepted)
        #expect(quarantined == expectedQuarantine)
        let seconds = Date().timeIntervalSince(started)
        print(
            "stress: \(frames.count) frames, \(accepted) stored, \(expectedQuarantine.values.reduce(0, +)) quarantined in \(String(format: "%.1f", seconds)) s"
        )
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + off }, bytes.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                return "write failed: errno \(errno)"
            }
            off += n
        }
        return nil
    }
}

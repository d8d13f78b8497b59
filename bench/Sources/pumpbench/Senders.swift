import Foundation
import Histogram
import Synchronization

/// What a paced or blasted send measured: send-to-reply latencies in microseconds.
struct SendResult: Sendable {
    var all = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    var alerts = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    var answered = 0
    var notAccepted = 0
    var firstOddReply: String?
    var seconds = 0.0
}

/// Reads reply lines from `fd` until `expected` lines came; line i's latency is measured from
/// `sendTimes(i)`.
private final class ReplyReader: Sendable {
    let result = Mutex(SendResult())
    let progress = Atomic<Int>(0)
    let done = DispatchSemaphore(value: 0)

    func start(fd: Int32, expected: Int, isAlert: [Bool], sendTime: @escaping @Sendable (Int) -> UInt64) {
        let thread = Thread { [self] in
            var r = SendResult()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var line: [UInt8] = []
            let accepted = Array(#""result":"accepted""#.utf8)
            while r.answered < expected {
                let n = read(fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                let now = monotonicNanos()
                for b in buffer[0..<n] {
                    if b != 10 {
                        line.append(b)
                        continue
                    }
                    let i = r.answered
                    let micros = (now &- sendTime(i)) / 1000
                    _ = r.all.record(micros)
                    if isAlert[i] { _ = r.alerts.record(micros) }
                    if !Self.contains(line, accepted) {
                        r.notAccepted += 1
                        if r.firstOddReply == nil { r.firstOddReply = String(decoding: line, as: UTF8.self) }
                    }
                    r.answered += 1
                    line.removeAll(keepingCapacity: true)
                }
                self.progress.store(r.answered, ordering: .relaxed)
            }
            let final = r
            self.result.withLock { $0 = final }
            self.done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard hay.count >= needle.count else { return false }
        for s in 0...(hay.count - needle.count) where hay[s] == needle[0] {
            if hay[s..<(s + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}

/// Sends `lines` on one connection at a fixed offered rate (open loop: line i is due at
/// start + i/rate, and its latency counts from then, so a late sender does not hide queueing).
func pacedSend(socket path: String, lines: [[UInt8]], isAlert: [Bool], rate: Double) throws -> SendResult {
    let fd = try connectUnix(path)
    defer { close(fd) }
    let reader = ReplyReader()
    let start = monotonicNanos() + 5_000_000
    let interval = 1e9 / rate
    reader.start(fd: fd, expected: lines.count, isAlert: isAlert) { i in start + UInt64(Double(i) * interval) }
    var next = 0
    var chunk: [UInt8] = []
    while next < lines.count {
        let now = monotonicNanos()
        if now < start {
            usleep(UInt32((start - now) / 1000))
            continue
        }
        let due = min(lines.count, Int(Double(now - start) / interval) + 1)
        if due > next {
            chunk.removeAll(keepingCapacity: true)
            for i in next..<due { chunk += lines[i] }
            try writeAll(fd, chunk)
            next = due
        } else {
            let wake = start + UInt64(Double(next) * interval)
            if wake > now + 50_000 { usleep(UInt32((wake - now) / 1000)) }
        }
    }
    shutdown(fd, Int32(SHUT_WR))
    reader.done.wait()
    var r = reader.result.withLock { $0 }
    r.seconds = Double(monotonicNanos() - start) / 1e9
    return r
}

/// Sends `lines` as fast as the daemon takes them, keeping at most `window` unanswered.
func blastSend(socket path: String, lines: [[UInt8]], window: Int = 4096) throws -> SendResult {
    let fd = try connectUnix(path)
    defer { close(fd) }
    let reader = ReplyReader()
    let sendTimes = SendTimes(count: lines.count)
    reader.start(fd: fd, expected: lines.count, isAlert: Array(repeating: false, count: lines.count)) {
        sendTimes.get($0)
    }
    let start = monotonicNanos()
    var next = 0
    var chunk: [UInt8] = []
    while next < lines.count {
        let answered = reader.answeredSoFar()
        let end = min(lines.count, max(next, answered + window))
        if end == next {
            usleep(200)
            continue
        }
        chunk.removeAll(keepingCapacity: true)
        let now = monotonicNanos()
        for i in next..<end {
            chunk += lines[i]
            sendTimes.set(i, now)
        }
        try writeAll(fd, chunk)
        next = end
    }
    shutdown(fd, Int32(SHUT_WR))
    reader.done.wait()
    var r = reader.result.withLock { $0 }
    r.seconds = Double(monotonicNanos() - start) / 1e9
    return r
}

/// Send times shared between the writer and the reader thread.
private final class SendTimes: Sendable {
    private let times: Mutex<[UInt64]>
    init(count: Int) { times = Mutex(Array(repeating: 0, count: count)) }
    func set(_ i: Int, _ t: UInt64) { times.withLock { $0[i] = t } }
    func get(_ i: Int) -> UInt64 { times.withLock { $0[i] } }
}

extension ReplyReader {
    /// Replies read so far (updated after each read burst).
    func answeredSoFar() -> Int { progress.load(ordering: .relaxed) }
}

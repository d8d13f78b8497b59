import Foundation
import PumpIngest
import PumpJSON
import PumpStore
import PumpTelemetry

/// Reads a file (or standard input) line by line, without the `\n`, in large blocks.
struct LineReader {
    private let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var start = 0
    private var end = 0
    private var eof = false

    init(path: String?) throws {
        if let path {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw BenchError("cannot read \(path)") }
        } else {
            fd = 0
        }
    }

    mutating func next() -> [UInt8]? {
        while true {
            if let nl = buffer[start..<end].firstIndex(of: 10) {
                let line = Array(buffer[start..<nl])
                start = nl + 1
                return line
            }
            if eof {
                guard start < end else { return nil }
                let line = Array(buffer[start..<end])
                start = end
                return line
            }
            if start > 0 {
                buffer.replaceSubrange(0..<(end - start), with: buffer[start..<end])
                end -= start
                start = 0
            }
            if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + end, $0.count - end) }
            if n <= 0 { eof = true } else { end += n }
        }
    }
}

/// Builds a store with the daemon's own writer: every line validated by `FrameValidator` and
/// committed by `IngestWriter` in batches, as the daemon's group commit does.
func generateStore(from path: String?, store storePath: String, batch: Int = 8192) async throws -> (
    messages: Int, seconds: Double
) {
    let store = try PumpStore(path: storePath)
    let writer = IngestWriter(store: store, rules: .init())
    let validator = FrameValidator(futureTolerance: .max / 4)
    var reader = try LineReader(path: path)
    var items: [IngestItem] = []
    items.reserveCapacity(batch)
    var count = 0
    let t0 = monotonicNanos()
    func flush() async throws {
        let outcome = await writer.commit(items, now: wallMicros())
        if let bad = outcome.replies.first(where: { $0.result != .accepted }) {
            throw BenchError(
                "the generator's line was answered \(bad.result.rawValue): \(bad.reason ?? "") \(bad.detail ?? "")")
        }
        count += items.count
        items.removeAll(keepingCapacity: true)
        if count % 1_000_000 < batch {
            let s = Double(monotonicNanos() - t0) / 1e9
            FileHandle.standardError.write(
                Data("pumpbench: \(count) messages stored (\(Int(Double(count) / s))/s)\n".utf8))
        }
    }
    let now = wallMicros()
    while let line = reader.next() {
        switch validator.validate(line, nowMicros: now) {
        case .valid(let m): items.append(.message(m, raw: line, receivedAt: now))
        case .rejected(let r): throw BenchError("generated line rejected: \(r)")
        }
        if items.count == batch { try await flush() }
    }
    if !items.isEmpty { try await flush() }
    try store.close()
    return (count, Double(monotonicNanos() - t0) / 1e9)
}

/// The same rows the daemon's `message` table gets, as one SQL transaction for the `sqlite3`
/// command-line tool (the baseline of the ingest benchmark).
func writeImportSQL(from path: String, to out: String) throws -> Int {
    guard FileManager.default.createFile(atPath: out, contents: nil), let h = FileHandle(forWritingAtPath: out) else {
        throw BenchError("cannot write \(out)")
    }
    defer { try? h.close() }
    let validator = FrameValidator(futureTolerance: .max / 4)
    var reader = try LineReader(path: path)
    var sql = Array("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\nBEGIN;\n".utf8)
    let now = wallMicros()
    let hex = Array("0123456789abcdef".utf8)
    func quoted(_ s: String?) -> [UInt8] {
        guard let s else { return Array("NULL".utf8) }
        return Array("'\(s.replacingOccurrences(of: "'", with: "''"))'".utf8)
    }
    var count = 0
    while let line = reader.next() {
        guard case .valid(let m) = validator.validate(line, nowMicros: now) else { continue }
        var code: String?
        var state: String?
        if case .alert(let a) = m.payload {
            code = a.code.word
            state = a.state.rawValue
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in JSONWriter.canonical(m.content) {
            hash ^= UInt64(b)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        sql += Array(
            "INSERT INTO message (serial, message_id, kind, code, alert_state, at, at_text, received_at, content_hash, raw) VALUES ("
                .utf8)
        sql += quoted(m.serial) + [44] + quoted(m.id) + [44] + quoted(m.kind.rawValue) + [44] + quoted(code) + [44]
        sql += quoted(state) + Array(",\(m.at.micros),".utf8) + quoted(m.at.text)
        sql += Array(",\(now),\(Int64(bitPattern: hash)),X'".utf8)
        for b in line {
            sql.append(hex[Int(b >> 4)])
            sql.append(hex[Int(b & 15)])
        }
        sql += Array("');\n".utf8)
        count += 1
        if sql.count > 1 << 22 {
            h.write(Data(sql))
            sql.removeAll(keepingCapacity: true)
        }
    }
    sql += Array("COMMIT;\n".utf8)
    h.write(Data(sql))
    return count
}

/// Protocol-v1 lines for the latency benchmark: statuses from `pumps` pumps, every tenth line a
/// `BATTERY_ERI` alert (the first one per pump raises an impending-failure record).
func latencyLines(prefix: String, count: Int, pumps: Int = 1000) -> (lines: [[UInt8]], isAlert: [Bool]) {
    let base = wallMicros() / 1_000_000 - 30 * 86_400
    var lines: [[UInt8]] = []
    var alerts: [Bool] = []
    lines.reserveCapacity(count)
    for i in 0..<count {
        let pump = i % pumps
        let seq = i / pumps
        let serial = "\(prefix)-\(String(pump + 100_000).dropFirst())"
        let at = PumpTime(micros: (base + Int64(seq) * 60) * 1_000_000).text
        let alert = i % 10 == 9
        let line =
            alert
            ? #"{"v":1,"id":"m\#(seq)","serial":"\#(serial)","kind":"alert","at":"\#(at)","code":"BATTERY_ERI","severity":"warning","state":"raised"}"#
            : #"{"v":1,"id":"m\#(seq)","serial":"\#(serial)","kind":"status","at":"\#(at)","model":"SynchroMed II","firmware":"4.1","battery":{"state":"MOS","volts":2.9,"months_remaining":30},"motor":"ok","reservoir_ml":20.5,"infusing":true}"#
        lines.append(Array((line + "\n").utf8))
        alerts.append(alert)
    }
    return (lines, alerts)
}

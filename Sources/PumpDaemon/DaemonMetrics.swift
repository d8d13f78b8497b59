import CoreMetrics
import Foundation
import Prometheus
import PumpControlProtocol
import PumpIngest
import PumpPolicy
import PumpStore
import PumpTelemetry
import Synchronization

/// The daemon's Prometheus metrics: swift-metrics objects over one swift-prometheus registry (no
/// global bootstrap: each daemon has its own). Counters and histograms are updated as things
/// happen (by the commit loop and the control handler: a few additions per batch, never per
/// line); gauges are read when `/metrics` is scraped, from the store and the live counts, so that
/// they are right from the first scrape after a restart. No label carries a pump serial.
final class DaemonMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: DescribedPrometheusFactory
    private let frames = Mutex<[String: CoreMetrics.Counter]>([:])
    private let records = Mutex<[String: CoreMetrics.Counter]>([:])
    private let control = Mutex<[String: CoreMetrics.Counter]>([:])
    private let stored: CoreMetrics.Counter
    private let bytesIn: CoreMetrics.Counter
    private let batchLines: CoreMetrics.Recorder
    private let commitDuration: CoreMetrics.Timer
    private let replyLatency: CoreMetrics.Timer
    private let cpu: CoreMetrics.FloatingPointCounter
    private let cpuSeconds = Mutex(0.0)

    /// Help text of every metric, by name.
    static let help: [String: String] = [
        "pumpmond_frames_total": "Telemetry lines answered, by reply result and reason (none when there is none).",
        "pumpmond_messages_stored_total": "Messages stored (answered accepted).",
        "pumpmond_ingest_bytes_total": "Bytes of telemetry lines read (line feeds included).",
        "pumpmond_ingest_connections": "Ingest connections open now.",
        "pumpmond_commit_batch_lines": "Lines committed per group-commit transaction.",
        "pumpmond_commit_duration_seconds": "Time one group-commit transaction takes (store, detect, decide, record).",
        "pumpmond_reply_latency_seconds": "Time from reading a telemetry line to handing its reply to the connection.",
        "pumpmond_quarantine_rows": "Rejected lines kept in the quarantine table.",
        "pumpmond_pumps": "Pumps known to the store, by state.",
        "pumpmond_records_total":
            "Eligibility records raised, by type, trigger, determination and clause.",
        "pumpmond_control_requests_total": "Control requests, by operation and outcome (refused ones included).",
        "pumpmond_stall_sweep_lag_seconds":
            "How far past its deadline the earliest silent stall is still unjudged (0 when none is due).",
        "pumpmond_store_file_bytes": "Size of the store file.",
        "pumpmond_store_wal_bytes": "Size of the store's write-ahead log.",
        "pumpmond_alerts_firing": "Alerts firing now, by alert name.",
        "pumpmond_hl7_outbox_unsent":
            "Alert reports in the HL7 outbox not yet acknowledged nor refused by the Alert Manager.",
        "process_resident_memory_bytes": "Resident memory size in bytes.",
        "process_cpu_seconds_total": "Total user and system CPU time spent in seconds.",
        "process_open_fds": "Number of open file descriptors.",
        "process_max_fds": "Maximum number of open file descriptors.",
        "process_start_time_seconds": "Start time of the process since the Unix epoch in seconds.",
    ]

    init() {
        let latencyBuckets: [Duration] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5),
        ]
        factory = DescribedPrometheusFactory(
            registry: registry, help: Self.help,
            valueBuckets: [
                "pumpmond_commit_batch_lines": [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 8192]
            ],
            durationBuckets: [
                "pumpmond_commit_duration_seconds": latencyBuckets, "pumpmond_reply_latency_seconds": latencyBuckets,
            ])
        stored = CoreMetrics.Counter(label: "pumpmond_messages_stored_total", factory: factory)
        bytesIn = CoreMetrics.Counter(label: "pumpmond_ingest_bytes_total", factory: factory)
        batchLines = CoreMetrics.Recorder(label: "pumpmond_commit_batch_lines", aggregate: true, factory: factory)
        commitDuration = CoreMetrics.Timer(label: "pumpmond_commit_duration_seconds", factory: factory)
        replyLatency = CoreMetrics.Timer(label: "pumpmond_reply_latency_seconds", factory: factory)
        cpu = CoreMetrics.FloatingPointCounter(label: "process_cpu_seconds_total", factory: factory)
        // Every result appears from the first scrape (a rate over a series that appears late loses
        // its first increase).
        for result in ReplyResult.allCases where result == .accepted || result == .duplicate {
            frameCounter(result: result.rawValue, reason: nil).increment(by: 0)
        }
    }

    // MARK: Events

    /// One group commit: its lines, their replies, how long it took and the records it raised.
    /// `readAt` holds, per submission, when its lines were read (µs) and how many there were.
    func committed(
        items: [IngestItem], replies: [Reply], accepted: Int, duration: Duration, readAt: [(Int64, Int)],
        repliedAt: Int64
    ) {
        var tally: [Pair: Int64] = [:]
        for reply in replies { tally[Pair(reply.result.rawValue, reply.reason), default: 0] += 1 }
        for (pair, count) in tally { frameCounter(result: pair.a, reason: pair.b).increment(by: count) }
        stored.increment(by: Int64(accepted))
        var bytes = 0
        for item in items {
            switch item {
            case .valid(let m): bytes += m.raw.count + 1
            case .rejected(_, let raw, _, _): bytes += raw.count + 1
            }
        }
        bytesIn.increment(by: Int64(bytes))
        guard !items.isEmpty else { return }
        batchLines.record(items.count)
        commitDuration.recordNanoseconds(Self.nanoseconds(duration))
        for (readAt, count) in readAt {
            let latency = max(0, repliedAt - readAt) * 1000
            for _ in 0..<count { replyLatency.recordNanoseconds(latency) }
        }
    }

    /// Records raised (telemetry, the stall sweep, enroll, request-replacement).
    func raised(_ documents: [EligibilityRecordDocument]) {
        for d in documents {
            let key = [d.type, d.trigger, d.determination, d.clause].joined(separator: "\u{1}")
            counter(in: records, key: key) {
                Counter(
                    label: "pumpmond_records_total",
                    dimensions: [
                        ("type", d.type), ("trigger", d.trigger), ("determination", d.determination),
                        ("clause", d.clause),
                    ], factory: factory)
            }.increment()
        }
    }

    /// One control request and its outcome (`ok`, a failure code, or `not_permitted` for a refusal).
    func controlRequest(op: String, outcome: String) {
        counter(in: control, key: op + "\u{1}" + outcome) {
            Counter(
                label: "pumpmond_control_requests_total", dimensions: [("op", op), ("outcome", outcome)],
                factory: factory)
        }.increment()
    }

    private func frameCounter(result: String, reason: String?) -> CoreMetrics.Counter {
        let reason = reason ?? "none"
        return counter(in: frames, key: result + "\u{1}" + reason) {
            Counter(
                label: "pumpmond_frames_total", dimensions: [("result", result), ("reason", reason)], factory: factory)
        }
    }

    private func counter(
        in table: borrowing Mutex<[String: CoreMetrics.Counter]>, key: String, make: () -> CoreMetrics.Counter
    ) -> CoreMetrics.Counter {
        table.withLock { t in
            if let c = t[key] { return c }
            let c = make()
            t[key] = c
            return c
        }
    }

    private struct Pair: Hashable {
        var a: String
        var b: String?
        init(_ a: String, _ b: String?) {
            self.a = a
            self.b = b
        }
    }

    /// When the daemon read the item's line (µs).
    static func receivedAt(_ item: IngestItem) -> Int64 {
        switch item {
        case .valid(let m): m.signal.receivedAt
        case .rejected(_, _, let receivedAt, _): receivedAt
        }
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
    }

    // MARK: Scrape

    /// The exposition text, after reading the gauges.
    func scrape(_ sources: MetricsSources) async -> [UInt8] {
        await readGauges(sources)
        return registry.emitToBuffer()
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }

    private func readGauges(_ s: MetricsSources) async {
        gauge("pumpmond_ingest_connections").record(s.counters.snapshot.connections)
        if let counts = try? await s.store.counts() {
            gauge("pumpmond_quarantine_rows").record(counts.rejected)
        }
        if let states = try? await s.store.pumpCountsByState() {
            for state in PumpState.allCases {
                gauge("pumpmond_pumps", [("state", state.rawValue)]).record(states[state.rawValue] ?? 0)
            }
        }
        let now = s.clock.nowMicros()
        let deadline = (try? await s.store.nextStallDeadline()) ?? nil
        let lag = deadline.map { max(0, now - $0) } ?? 0
        gauge("pumpmond_stall_sweep_lag_seconds").record(Double(lag) / 1_000_000)
        gauge("pumpmond_store_file_bytes").record(Self.size(s.store.path))
        gauge("pumpmond_store_wal_bytes").record(Self.size(s.store.path + "-wal"))
        let firing = s.board.firingCounts()
        for name in AlertName.allCases {
            gauge("pumpmond_alerts_firing", [("alertname", name.rawValue)]).record(firing[name] ?? 0)
        }
        if let unsent = try? await s.store.outboxUnsentCount() {
            gauge("pumpmond_hl7_outbox_unsent").record(unsent)
        }
        let process = ProcessStats.read()
        gauge("process_resident_memory_bytes").record(process.residentBytes)
        gauge("process_open_fds").record(process.openFDs)
        gauge("process_max_fds").record(process.maxFDs)
        gauge("process_start_time_seconds").record(process.startTime)
        // The kernel's total: the counter is moved up by what was used since the last scrape.
        cpuSeconds.withLock { last in
            if process.cpuSeconds > last {
                cpu.increment(by: process.cpuSeconds - last)
                last = process.cpuSeconds
            }
        }
    }

    private static func size(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }
}

/// What the scrape reads its gauges from.
struct MetricsSources: Sendable {
    var store: PumpStore
    var counters: IngestCounters
    var board: AlertBoard
    var clock: any DaemonClock
}

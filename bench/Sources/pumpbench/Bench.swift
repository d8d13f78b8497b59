import Foundation
import GRDB
import Histogram
import PumpStore

/// One row of the table.
struct Row: Codable {
    var name: String
    var figure: String
    var value: Double
    var unit: String
    var baselineName: String
    var baseline: Double
    var ratio: Double
    var goal: String
    var met: Bool?
}

/// The whole benchmark run.
struct Bench {
    let bin: String
    let data: String
    let results: String
    let messages: Int
    let bigPumps: Int
    let bigMessages: Int
    let only: Set<String>?

    func log(_ s: String) { FileHandle.standardError.write(Data("bench: \(s)\n".utf8)) }
    private func wants(_ k: String) -> Bool { only?.contains(k) ?? true }

    func run() async throws {
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        var rows: [Row] = []
        if wants("ingest") || wants("tls") {
            let ingest = try ingestAndLatency()
            if wants("ingest") {
                rows += ingest
                // 1e: row 1 again with --no-metrics, for what the metrics cost.
                rows += try metricsOffIngest(metricsOnRate: ingest[0].value)
            }
            // 1b: the same load over mutual TLS, against row 1 of this run.
            rows += try tlsIngest(unixRate: ingest[0].value)
            // 1d: the same load as HL7 v2 over MLLP, against row 1 of this run.
            rows += try hl7Ingest(unixRate: ingest[0].value)
        }
        if wants("big") { rows += try await bigStore() }
        if wants("alert") { rows += try alertLatency() }
        printTable(rows)
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let out = "\(results)/bench-\(stamp).json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let doc = ["messages": messages, "big_pumps": bigPumps, "big_messages": bigMessages]
        var json = try encoder.encode(rows)
        json = Data("{\"config\":".utf8) + (try encoder.encode(doc)) + Data(",\"rows\":".utf8) + json + Data("}\n".utf8)
        try json.write(to: URL(fileURLWithPath: out))
        print("results: \(out)")
    }

    // MARK: 1, 2, 4a: ingest throughput, latency, RSS during ingest

    /// The generated load file of rows 1 and 1b.
    var ingestFile: String { "\(data)/ingest-\(messages).jsonl" }

    private func ingestAndLatency() throws -> [Row] {
        let file = ingestFile
        if !FileManager.default.fileExists(atPath: file) {
            log("generating \(messages) messages with pumpsim generate")
            let years = max(0.1, Double(messages) / (2000 * 365) * 1.1)
            let st = try runTimed(
                "/bin/sh",
                [
                    "-c",
                    "'\(bin)/pumpsim' generate --pumps 2000 --years \(years) --seed 7 | head -n \(messages) > '\(file).tmp'",
                ])
            guard st.status == 0 else { throw BenchError("pumpsim generate failed") }
            try FileManager.default.moveItem(atPath: file + ".tmp", toPath: file)
        }
        // Baseline: sqlite3 importing the same rows in one transaction.
        let sql = "\(data)/ingest-\(messages).sql"
        if !FileManager.default.fileExists(atPath: sql) {
            log("writing the sqlite3 import of the same rows")
            _ = try writeImportSQL(from: file, to: sql + ".tmp")
            try FileManager.default.moveItem(atPath: sql + ".tmp", toPath: sql)
        }
        let empty = "\(data)/empty.sqlite"
        if !FileManager.default.fileExists(atPath: empty) {
            let store = try PumpStore(path: empty)
            try store.close()
        }
        let base = "\(data)/baseline.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: base + suffix) }
        // With its WAL: the new store's schema may not be checkpointed into the main file yet.
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: empty + suffix) {
            try FileManager.default.copyItem(atPath: empty + suffix, toPath: base + suffix)
        }
        log("sqlite3 import baseline")
        let imp = try runTimed("/usr/bin/sqlite3", [base], stdinPath: sql)
        guard imp.status == 0 else { throw BenchError("sqlite3 import failed") }
        let baseRate = Double(messages) / imp.seconds

        // The daemon, fresh store.
        let state = "\(data)/run-ingest"
        try? FileManager.default.removeItem(atPath: state)
        let daemon = try DaemonRun(binDir: bin, stateDir: state, logPath: "\(data)/pumpmond-ingest.log")
        log("pumpsim load: \(messages) messages")
        let loadOut = "\(data)/pumpsim-load.txt"
        let load = try runTimed(
            "\(bin)/pumpsim",
            ["load", "--from", file, "--socket", "unix:\(daemon.ingest)", "--connections", "8", "--window", "1024"],
            outputPath: loadOut)
        let text = (try? String(contentsOfFile: loadOut, encoding: .utf8)) ?? ""
        guard load.status == 0, let accepted = number(after: "accepted:", in: text),
            let elapsed = number(after: "elapsed:", in: text), elapsed > 0
        else {
            daemon.stop()
            throw BenchError("pumpsim load failed:\n\(text)")
        }
        let rate = accepted / elapsed
        let rssIngest = Double(daemon.child.peakRSSKiB) / 1024

        var rows = [
            Row(
                name: "1 durable ingest (pumpsim load, 8 conn x 1024)", figure: "\(Int(rate)) msg/s", value: rate,
                unit: "msg/s", baselineName: "sqlite3 CLI import, 1 txn: \(Int(baseRate)) rows/s", baseline: baseRate,
                ratio: rate / baseRate, goal: ">= 0.5x", met: rate / baseRate >= 0.5 && accepted == Double(messages))
        ]
        // Latency at fixed offered loads, on the store that now holds the ingest run.
        let floor = try commitFloor()
        for (label, rate, seconds) in [("1k", 1000.0, 5.0), ("10k", 10_000.0, 5.0), ("50k", 50_000.0, 4.0)] {
            log("latency at \(label) msg/s")
            let (lines, alerts) = latencyLines(prefix: "LAT\(label.uppercased())", count: Int(rate * seconds))
            let r = try pacedSend(socket: daemon.ingest, lines: lines, isAlert: alerts, rate: rate)
            let h = r.alerts
            let p50 = Double(h.valueAtPercentile(50)) / 1000
            let p99 = Double(h.valueAtPercentile(99)) / 1000
            let p999 = Double(h.valueAtPercentile(99.9)) / 1000
            rows.append(
                Row(
                    name: "2 ERI alert send-to-reply @ \(label)/s",
                    figure: String(format: "p50 %.2f / p99 %.2f / p99.9 %.2f ms", p50, p99, p999), value: p99,
                    unit: "ms",
                    baselineName: String(format: "SQLite durable commit p99 %.2f ms", floor), baseline: floor,
                    ratio: p99 / floor, goal: label == "10k" ? "p99 < 5 ms" : "-",
                    met: label == "10k" ? (p99 < 5 && r.notAccepted == 0) : (r.notAccepted == 0 ? nil : false)))
            if r.notAccepted > 0 { log("\(r.notAccepted) replies not accepted, e.g. \(r.firstOddReply ?? "")") }
        }
        daemon.stop()
        rows.append(
            Row(
                name: "4 daemon peak RSS during ingest (1)+(2)", figure: String(format: "%.1f MiB", rssIngest),
                value: rssIngest, unit: "MiB",
                baselineName: String(format: "sqlite3 CLI import peak %.1f MiB", Double(imp.maxRSSKiB) / 1024),
                baseline: Double(imp.maxRSSKiB) / 1024, ratio: rssIngest / (Double(imp.maxRSSKiB) / 1024),
                goal: "< 64 MiB",
                met: rssIngest < 64))
        return rows
    }

    /// p99 of single-row durable commits (WAL, synchronous=FULL) in this process: the floor of
    /// any "committed" reply on this disk.
    private func commitFloor() throws -> Double {
        let path = "\(data)/floor.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: path, configuration: config)
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)") }
        var h = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        for _ in 0..<500 {
            let t0 = monotonicNanos()
            try pool.write { db in try db.execute(sql: "INSERT INTO t (v) VALUES (randomblob(200))") }
            _ = h.record((monotonicNanos() - t0) / 1000)
        }
        try pool.close()
        return Double(h.valueAtPercentile(99)) / 1000
    }

    // MARK: 3, 4b, 5: the 10M-message store

    private func bigStore() async throws -> [Row] {
        let dir = "\(data)/big-\(bigPumps)-\(bigMessages)"
        let file = "\(dir)/\(PumpStore.fileName)"
        if !FileManager.default.fileExists(atPath: dir + "/complete") {
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let years = Double(bigMessages) / Double(bigPumps) / 365 * 1.15
            log("generating the big store: \(bigPumps) pumps, \(bigMessages) messages (slow, cached in \(dir))")
            let st = try runTimed(
                "/bin/sh",
                [
                    "-c",
                    "'\(bin)/pumpsim' generate --pumps \(bigPumps) --years \(years) --seed 11 2>/dev/null | head -n \(bigMessages) | '\(bin)/pumpbench' gen-store --store '\(file)' --from - >&2",
                ])
            guard st.status == 0 else { throw BenchError("generating the big store failed") }
            log(String(format: "big store generated in %.0f s", st.seconds))
            _ = FileManager.default.createFile(atPath: dir + "/complete", contents: nil)
        }
        var rows: [Row] = []
        // 5: start-up, against an empty store.
        var bigTimes: [Double] = []
        var emptyTimes: [Double] = []
        for i in 0..<5 {
            let emptyDir = "\(data)/run-empty"
            try? FileManager.default.removeItem(atPath: emptyDir)
            let e = try DaemonRun(binDir: bin, stateDir: emptyDir, logPath: "\(data)/pumpmond-empty.log")
            e.stop()
            emptyTimes.append(e.readySeconds * 1000)
            let b = try DaemonRun(binDir: bin, stateDir: dir, logPath: "\(data)/pumpmond-big.log")
            b.stop()
            if i > 0 || true { bigTimes.append(b.readySeconds * 1000) }
        }
        let startBig = median(bigTimes)
        let startEmpty = median(emptyTimes)

        // 3: queries, whole process, against sqlite3 on the same file.
        let daemon = try DaemonRun(binDir: bin, stateDir: dir, logPath: "\(data)/pumpmond-big.log")
        let serial = try sqliteScalar(file, "SELECT serial FROM pump ORDER BY serial LIMIT 1 OFFSET \(bigPumps / 2)")
        let env = ["PUMPMOND_CONTROL_SOCKET": daemon.control]
        let columns = """
            id, serial, type, trigger, request_reason, determination, clause, replacement_criterion, \
            indication_status, indication_clause, missing, supplies_covered, evidence, note, created_at
            """
        // Issue 11's goals: a reply a person waits for under 20 ms; the whole pump list within 3x of
        // sqlite3 printing the same rows as JSON (its earlier 2x goal for every list was retired).
        let queries: [(String, [String], String, Goal)] = [
            (
                "eligibility --json", ["eligibility", "--json"],
                "SELECT \(columns) FROM record ORDER BY created_at DESC, id DESC", .under20ms
            ),
            (
                "devices --json", ["devices", "--json"],
                "SELECT serial, model, state, battery, last_seen FROM pump ORDER BY serial", .within3x
            ),
            (
                "events \(serial)", ["events", serial],
                "SELECT 1 FROM pump WHERE serial = '\(serial)'; SELECT raw, received_at FROM message WHERE serial = '\(serial)' ORDER BY at DESC, id DESC LIMIT 50",
                .under20ms
            ),
        ]
        for (label, argv, sql, goal) in queries {
            var ours: [Double] = []
            var floor: [Double] = []
            var failure: String?
            for _ in 0..<9 {
                let errPath = "\(data)/pumpctl-err.txt"
                // Standard output to /dev/null for both, as for sqlite3 below; errors kept to report.
                let a = try runTimed("\(bin)/pumpctl", argv, environment: env, errorPath: errPath)
                if a.status != 0 {
                    let text = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
                    failure = "exit \(a.status): " + String(text.suffix(160)).replacingOccurrences(of: "\n", with: " ")
                }
                ours.append(a.seconds * 1000)
                let b = try runTimed("/usr/bin/sqlite3", ["-readonly", "-json", file, sql])
                floor.append(b.seconds * 1000)
            }
            let o = median(ours)
            let f = median(floor)
            rows.append(
                Row(
                    name: "3 pumpctl \(label)", figure: String(format: "%.1f ms", o), value: o, unit: "ms",
                    baselineName: String(format: "sqlite3 same query %.1f ms", f), baseline: f, ratio: o / f,
                    goal: goal.label, met: goal.isMet(ms: o, ratio: o / f) && failure == nil))
            if let failure {
                rows[rows.count - 1].figure += " FAILED"
                log("pumpctl \(label) failed: \(failure)")
            }
        }

        // 4b: every one of the pumps known and touched once more.
        log("one status from each of the \(bigPumps) pumps")
        let serials = try sqliteLines(file, "SELECT serial FROM pump")
        let at = PumpTimeText.now(minus: 60)
        // Ids unique to this run: the cached store keeps the statuses of earlier runs, and the
        // same id with another `at` would be a conflicting duplicate, not a status.
        let run = wallMicros()
        let lines = serials.enumerated().map { i, s in
            Array(
                (#"{"v":1,"id":"bench-mem-\#(run)-\#(i)","serial":"\#(s)","kind":"status","at":"\#(at)","model":"SynchroMed II","battery":{"state":"MOS"},"motor":"ok"}"#
                    + "\n").utf8)
        }
        let blast = try blastSend(socket: daemon.ingest, lines: lines)
        let rssKnown = Double(daemon.child.peakRSSKiB) / 1024
        daemon.stop()
        rows.append(
            Row(
                name: "4 daemon peak RSS, \(serials.count) pumps known", figure: String(format: "%.1f MiB", rssKnown),
                value: rssKnown, unit: "MiB", baselineName: "goal 64 MiB", baseline: 64, ratio: rssKnown / 64,
                goal: "< 64 MiB", met: rssKnown < 64))
        if blast.notAccepted > 0 { log("\(blast.notAccepted) not accepted, e.g. \(blast.firstOddReply ?? "")") }
        rows.append(
            Row(
                name: "5 start-up exec -> READY=1, \(bigMessages / 1_000_000)M-message store",
                figure: String(format: "%.1f ms", startBig), value: startBig, unit: "ms",
                baselineName: String(format: "empty store %.1f ms", startEmpty), baseline: startEmpty,
                ratio: startBig / startEmpty, goal: "< 200 ms", met: startBig < 200))
        return rows
    }

    private enum Goal {
        case under20ms, within3x

        var label: String { self == .under20ms ? "< 20 ms" : "<= 3x" }
        func isMet(ms: Double, ratio: Double) -> Bool { self == .under20ms ? ms < 20 : ratio <= 3 }
    }

    private func sqliteScalar(_ file: String, _ sql: String) throws -> String {
        guard let s = try sqliteLines(file, sql).first else { throw BenchError("no result for \(sql)") }
        return s
    }

    private func sqliteLines(_ file: String, _ sql: String) throws -> [String] {
        let out = "\(data)/sqlite-out.txt"
        let r = try runTimed("/usr/bin/sqlite3", ["-readonly", file, sql], outputPath: out)
        guard r.status == 0 else { throw BenchError("sqlite3 failed: \(sql)") }
        return try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
    }
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? 0 : s[s.count / 2]
}

/// The first number after `label` in `text`.
func number(after label: String, in text: String) -> Double? {
    guard let r = text.range(of: label) else { return nil }
    let rest = text[r.upperBound...].drop(while: { $0 == " " })
    return Double(rest.prefix(while: { $0.isNumber || $0 == "." }))
}

enum PumpTimeText {
    /// RFC 3339 UTC, whole seconds, `seconds` before now.
    static func now(minus seconds: Int) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date().addingTimeInterval(-Double(seconds)))
    }
}

func printTable(_ rows: [Row]) {
    let header = ["benchmark", "figure", "baseline (same run)", "ratio", "goal", "met"]
    let cells = rows.map { r in
        [
            r.name, r.figure, r.baselineName, String(format: "%.2f", r.ratio), r.goal,
            r.met.map { $0 ? "yes" : "NO" } ?? "-",
        ]
    }
    var widths = header.map(\.count)
    for c in cells { for (i, s) in c.enumerated() { widths[i] = max(widths[i], s.count) } }
    func line(_ c: [String]) -> String {
        c.enumerated().map { i, s in s.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(
            separator: " | ")
    }
    print(line(header))
    print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-"))
    for c in cells { print(line(c)) }
}

import Foundation

extension Bench {
    // MARK: 1e: what the metrics cost durable ingest

    /// Row 1's load (the same file, 8 connections x 1024, Unix socket) against a fresh daemon with
    /// `--no-metrics`. Row 1 ran with metrics on (the default), so row 1 over this one is what the
    /// metrics cost in the same run (issue 17: within 5%, i.e. at least 0.95x).
    func metricsOffIngest(metricsOnRate: Double) throws -> [Row] {
        let state = "\(data)/run-no-metrics"
        try? FileManager.default.removeItem(atPath: state)
        let daemon = try DaemonRun(
            binDir: bin, stateDir: state, logPath: "\(data)/pumpmond-no-metrics.log", extraArguments: ["--no-metrics"])
        log("pumpsim load with --no-metrics: \(messages) messages")
        let loadOut = "\(data)/pumpsim-load-no-metrics.txt"
        let load = try runTimed(
            "\(bin)/pumpsim",
            [
                "load", "--from", ingestFile, "--socket", "unix:\(daemon.ingest)", "--connections", "8", "--window",
                "1024",
            ],
            outputPath: loadOut)
        daemon.stop()
        let text = (try? String(contentsOfFile: loadOut, encoding: .utf8)) ?? ""
        guard load.status == 0, let accepted = number(after: "accepted:", in: text),
            let elapsed = number(after: "elapsed:", in: text), elapsed > 0
        else { throw BenchError("pumpsim load with --no-metrics failed:\n\(text)") }
        let rate = accepted / elapsed
        return [
            Row(
                name: "1e durable ingest with metrics on (row 1) against --no-metrics",
                figure: "\(Int(metricsOnRate)) msg/s on", value: metricsOnRate, unit: "msg/s",
                baselineName: "--no-metrics, this run: \(Int(rate)) msg/s", baseline: rate,
                ratio: metricsOnRate / rate, goal: ">= 0.95x",
                met: metricsOnRate / rate >= 0.95 && accepted == Double(messages))
        ]
    }
}

import Foundation

extension Bench {
    // MARK: 1d: durable ingest over HL7 v2 / MLLP

    /// Row 1's load (the same file, 8 connections x 1024) sent by pumpsim as HL7 (`--format hl7`:
    /// each line as its PCD-01 or PCD-04 message, each ACK read back) to a fresh daemon's
    /// `--hl7-listen` on loopback, as a ratio to row 1 of the same run (goal >= 0.7x).
    func hl7Ingest(unixRate: Double) throws -> [Row] {
        let state = "\(data)/run-hl7"
        try? FileManager.default.removeItem(atPath: state)
        let port = 18_000 + Int(getpid() % 1000)
        let daemon = try DaemonRun(
            binDir: bin, stateDir: state, logPath: "\(data)/pumpmond-hl7.log",
            extraArguments: ["--hl7-listen", "127.0.0.1:\(port)"])
        self.log("pumpsim load over HL7/MLLP: \(messages) messages")
        let loadOut = "\(data)/pumpsim-load-hl7.txt"
        let load = try runTimed(
            "\(bin)/pumpsim",
            [
                "load", "--from", ingestFile, "--socket", "tcp:127.0.0.1:\(port)", "--connections", "8", "--window",
                "1024", "--format", "hl7",
            ],
            outputPath: loadOut)
        daemon.stop()
        let text = (try? String(contentsOfFile: loadOut, encoding: .utf8)) ?? ""
        guard load.status == 0, let accepted = number(after: "accepted:", in: text),
            let elapsed = number(after: "elapsed:", in: text), elapsed > 0
        else { throw BenchError("pumpsim load over HL7 failed:\n\(text)") }
        let rate = accepted / elapsed
        return [
            Row(
                name: "1d durable ingest over HL7 v2/MLLP (pumpsim load --format hl7, 8 conn x 1024)",
                figure: "\(Int(rate)) msg/s", value: rate, unit: "msg/s",
                baselineName: "row 1, Unix socket, this run: \(Int(unixRate)) msg/s", baseline: unixRate,
                ratio: rate / unixRate, goal: ">= 0.7x", met: rate / unixRate >= 0.7 && accepted == Double(messages))
        ]
    }
}

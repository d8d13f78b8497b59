import ArgumentParser
import Foundation
import PumpSimKit

struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Play scenario files against the daemon and check its conclusions.",
        discussion: """
            Each file lists pumps (model, therapy to enroll), scripted events at simulated times \
            (stall, recover, mri, eri, eos, critical_error, refill, duplicate, malformed, \
            request_replacement, ...) and the state and records the daemon must end with. Format \
            and examples: simulator/README.md; one file per replacement-table row ships in \
            simulator/scenarios/. With --check, no daemon is needed: the expectations are checked \
            against the simulator's own reading of policy.md and telemetry-protocol.md.
            """)

    @Argument(help: "Scenario files (JSON).")
    var files: [String]

    @Flag(help: "Check the files' expectations against the spec's tables, without a daemon.")
    var check = false

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        var failed = 0
        for file in files {
            let script: ScenarioScript
            do {
                script = try ScenarioScript(Scenario.load(path: file))
            } catch {
                writeStandardError("pumpsim: \(error)\n")
                throw ExitStatus.badData
            }
            let outcome: ScenarioOutcome
            if check {
                outcome = ScenarioChecker.check(script)
            } else {
                let runner = ScenarioRunner(sender: try connection.sender(connections: 1), control: connection.control)
                do {
                    outcome = try runner.run(script)
                } catch {
                    writeStandardError("pumpsim: \(error)\n")
                    throw ExitStatus.unreachable
                }
            }
            print("\(outcome.passed ? "PASS" : "FAIL") \(outcome.name)")
            for p in outcome.problems { print("  \(p)") }
            if !check { print("  " + Summary.sending(outcome.counts).joined(separator: "\n  ")) }
            if !outcome.passed { failed += 1 }
        }
        print("\(files.count - failed) of \(files.count) scenarios passed")
        if failed > 0 { throw ExitStatus.checkFailed }
    }
}

struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Simulate a fleet over years, then compare the daemon's records with the ground truth.",
        discussion: """
            Enrolls every pump's therapy, sends every pump's statuses and alerts, reads back \
            eligibility records and device states, and counts missed failures, false \
            medically-necessary records and records raised for the wrong reason. Any non-zero \
            count fails the run (exit 1). --verify also reads every pump's events back and proves \
            that every message answered accepted or duplicate is stored.
            """)

    @OptionGroup var fleet: FleetOptions
    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Read every pump's events back and check that nothing acknowledged is missing.")
    var verify = false

    @Option(help: "Also write the ground truth (JSON, one object per pump) to this file.")
    var truth: String?

    func run() throws {
        let drawn = Fleet(try fleet.configuration())
        if let truth { try writeTruth(drawn, to: truth) }
        let runner = FleetRunner(
            fleet: drawn, sender: try connection.sender(), control: connection.control, verify: verify)
        let result: FleetRunResult
        do {
            result = try runner.run(progress: ProgressReporter())
        } catch {
            writeStandardError("pumpsim: \(error)\n")
            throw ExitStatus.unreachable
        }
        printLines(result.summary)
        if !result.passed { throw ExitStatus.checkFailed }
    }
}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a fleet's messages, one JSON line each, to standard output or a file (benchmarks).",
        discussion: "No daemon is needed. The same options and seed always give the same bytes.")

    @OptionGroup var fleet: FleetOptions

    @Option(name: .shortAndLong, help: "Write here instead of standard output.")
    var output: String?

    @Option(help: "Also write the ground truth (JSON, one object per pump) to this file.")
    var truth: String?

    func run() throws {
        let drawn = Fleet(try fleet.configuration())
        if let truth { try writeTruth(drawn, to: truth) }
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil),
                let h = FileHandle(forWritingAtPath: output)
            else {
                writeStandardError("pumpsim: cannot write \(output)\n")
                throw ExitCode.failure
            }
            handle = h
        } else {
            handle = FileHandle.standardOutput
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var count = 0
        for message in drawn.messages() {
            buffer.append(contentsOf: message.jsonLine())
            count += 1
            if buffer.count >= 1 << 20 {
                handle.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer))
        writeStandardError("pumpsim: wrote \(count) messages from \(drawn.pumps.count) pumps\n")
    }
}

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Benchmark load: send a fleet's messages (or a generated file) over many connections.",
        discussion: """
            Prints the counts, the throughput and the reply latency percentiles. Nothing is \
            enrolled or compared; use `fleet` for correctness. With --from, sends the lines of a \
            file written by `pumpsim generate`.
            """)

    @OptionGroup var fleet: FleetOptions
    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Send the lines of this file instead of generating a fleet.")
    var from: String?

    func run() throws {
        let sender = try connection.sender()
        let progress = ProgressReporter()
        let report: SendReport
        do {
            if let from {
                var source = try FileLineSource(path: from)
                report = try sender.send(&source, progress: { progress.report($0) })
            } else {
                var source = Fleet(try fleet.configuration()).messages()
                report = try sender.send(&source, progress: { progress.report($0) })
            }
        } catch let error as SenderError {
            progress.finish()
            writeStandardError("pumpsim: \(error)\n")
            throw ExitStatus.unreachable
        }
        progress.finish()
        printLines(Summary.sending(report.counts, elapsed: report.elapsed))
        let h = report.latencyMicros
        if h.totalCount > 0 {
            let ps = [50.0, 90.0, 99.0, 99.9].map {
                "p\($0 == 99.9 ? "99.9" : String(Int($0))) \(h.valueAtPercentile($0)) us"
            }
            print("latency:           " + ps.joined(separator: ", ") + ", max \(h.max) us")
        }
        if report.counts.abandoned > 0 || report.counts.badReplies > 0 { throw ExitStatus.checkFailed }
    }
}

/// Writes the fleet's truth as JSON lines.
func writeTruth(_ fleet: Fleet, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var data = Data()
    for pump in fleet.pumps {
        data.append(try encoder.encode(pump.truth))
        data.append(10)
    }
    try data.write(to: URL(fileURLWithPath: path))
}

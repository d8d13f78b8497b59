import Foundation
import PumpCtlKit
import PumpTesting
import Testing

/// The built `pumpctl` executable as a real process: the thin `main` wires the library's outcome
/// to the real stdout, stderr and exit status.
@Suite("pumpctl as a process")
struct ProcessTests {
    /// `.build/<triple>/debug/pumpctl`, next to the test bundle (or under the package's `.build/debug`).
    static func executable() throws -> URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("pumpctl")
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [
            besideTests, Bundle.main.bundleURL.appendingPathComponent("pumpctl"),
            package.appendingPathComponent(".build/debug/pumpctl"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw FakeServerError(message: "pumpctl executable not found; build it with `swift build --build-tests`")
        }
        return found
    }

    /// Runs the executable and returns exit status, stdout and stderr.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> PumpCtlOutcome {
        // ProgramRun drains both pipes at once and keeps the sanitizer settings of a sanitized run.
        let run = try ProgramRun.run(
            try executable().path, arguments,
            environment: ["PATH": "/usr/bin:/bin", "TZ": "UTC"].merging(environment) { $1 })
        return PumpCtlOutcome(exitCode: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    @Test func eligibilityAsJSONThroughTheExecutable() throws {
        let server = try FakeControlServer(reply: GoldenFiles.reply("eligibility"))
        defer { server.stop() }
        let outcome = try Self.run(["eligibility", "--json"], environment: ["PUMPMOND_CONTROL_SOCKET": server.path])
        #expect(outcome.exitCode == 0)
        #expect(outcome.stderr == "")
        #expect(outcome.stdout == (try GoldenFiles.text(.fake, "eligibility.json")))
        #expect(server.requests == [#"{"op":"eligibility"}"#])
    }

    @Test func deviceAsTextThroughTheExecutableWithoutColourOnAPipe() throws {
        let server = try FakeControlServer(reply: GoldenFiles.reply("device"))
        defer { server.stop() }
        let outcome = try Self.run(["device", "SM2-004211", "--socket", server.path])
        #expect(outcome.exitCode == 0)
        #expect(outcome.stdout == (try GoldenFiles.text(.fake, "device.txt")))
    }

    @Test func unknownPumpExits66ThroughTheExecutable() throws {
        let server = try FakeControlServer(reply: Fixtures.failure(.notFound, "no pump SM2-777777"))
        defer { server.stop() }
        let outcome = try Self.run(["events", "SM2-777777", "--json", "--socket", server.path])
        #expect(outcome.exitCode == 66)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr == "pumpctl: no pump SM2-777777\n")
    }

    @Test func daemonDownExits69ThroughTheExecutable() throws {
        let path = temporaryDirectory() + "/control.sock"
        let outcome = try Self.run(["status"], environment: ["PUMPMOND_CONTROL_SOCKET": path])
        #expect(outcome.exitCode == 69)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr.contains(path))
        #expect(outcome.stderr.contains("systemctl start pumpmond.socket"))
    }

    @Test func usageAndDataErrorsThroughTheExecutable() throws {
        let usage = try Self.run(["status", "--no-such-flag"])
        #expect(usage.exitCode == 64)
        #expect(usage.stdout == "")
        let data = try Self.run(["request-replacement", "SM2-004211", "--reason", "whim"])
        #expect(data.exitCode == 65)
        #expect(data.stdout == "")
        #expect(data.stderr.contains("accepted words are convenience, upgrade, malfunction"))
    }

    @Test func bashCompletionScriptThroughTheExecutable() throws {
        let outcome = try Self.run(["--generate-completion-script", "bash"])
        #expect(outcome.exitCode == 0)
        #expect(outcome.stdout.contains("_pumpctl"))
        #expect(outcome.stderr == "")
    }
}

import Foundation
import PumpTesting
import Testing

/// A running `pumpctl watch` process whose stdout is read line by line.
final class WatchProcess {
    let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private var buffer: [UInt8] = []

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: pumpctlExecutable())
        process.arguments = ["watch"] + arguments
        process.environment = ["PATH": "/usr/bin:/bin", "TZ": "UTC"]
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The next line of stdout, waiting at most `timeout` seconds; nil at its end or on timeout.
    func line(timeout: Double = 20) -> String? {
        let fd = stdout.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let i = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<i], as: UTF8.self)
                buffer.removeSubrange(...i)
                return line
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(left * 1000)) > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return nil }
            buffer += chunk[..<n]
        }
    }

    /// Waits for the process to end (at most `timeout` seconds) and returns its status and stderr.
    func exit(timeout: Double = 20) -> (status: Int32?, stderr: String) {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else { return (nil, "") }
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, text)
    }
}

@Suite("pumpctl watch as a process")
struct WatchProcessTests {
    static func object(_ line: String?) throws -> [String: Any] {
        let text = try #require(line)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func followsChangesAsJSONLinesAndExitsZeroOnSIGINT() throws {
        let daemon = try LiveDaemon()
        try daemon.ingest([LiveRetireTests.status("SM2-000001", id: "m1", at: "2026-01-05T08:00:00Z")])
        let watch = try WatchProcess(["--json", "--socket", daemon.process.controlSocket])
        let first = try Self.object(watch.line())
        #expect(first["event"] as? String == "pump")
        #expect(first["ok"] == nil)
        #expect((first["pump"] as? [String: Any])?["serial"] as? String == "SM2-000001")
        #expect(try Self.object(watch.line())["event"] as? String == "synced")

        try daemon.ingest([
            LiveRetireTests.status("SM2-000001", id: "m2", at: "2026-01-05T09:00:00Z", battery: #"{"state":"EOS"}"#)
        ])
        let kinds = try (0..<3).map { _ in try Self.object(watch.line())["event"] as? String }
        #expect(kinds == ["record", "pump", "alert"])
        daemon.pumpctlOK(["retire", "SM2-000001", "--reason", "explanted"])
        let retired = try Self.object(watch.line())
        #expect((retired["pump"] as? [String: Any])?["state"] as? String == "retired")
        let resolved = try Self.object(watch.line())
        #expect((resolved["alert"] as? [String: Any])?["status"] as? String == "resolved")
        #expect((resolved["alert"] as? [String: Any])?["alertname"] as? String == "PumpNonFunctional")

        kill(watch.process.processIdentifier, SIGINT)
        let ended = watch.exit()
        #expect(ended.status == 0)
        #expect(watch.process.terminationReason == .exit)
    }

    @Test func printsReadableLinesAndExits69WhenTheDaemonStops() throws {
        let daemon = try LiveDaemon()
        try daemon.ingest([LiveRetireTests.status("SM2-000001", id: "m1", at: "2026-01-05T08:00:00Z")])
        let watch = try WatchProcess(["--socket", daemon.process.controlSocket])
        let pump = try #require(watch.line())
        #expect(pump.contains("pump"))
        #expect(pump.contains("SM2-000001"))
        #expect(pump.contains("functional"))
        #expect(try #require(watch.line()).contains("synced"))
        #expect(daemon.process.stop() == 0)
        let ended = watch.exit()
        #expect(ended.status == 69)
        #expect(ended.stderr.contains("closed the watch"))
    }

    @Test func exits69WhenNoDaemonListens() throws {
        let directory = try TemporaryDirectory(prefix: "pmw")
        defer { directory.remove() }
        let watch = try WatchProcess(["--socket", directory.file("control.sock")])
        let ended = watch.exit()
        #expect(ended.status == 69)
        #expect(ended.stderr.contains("cannot reach pumpmond"))
    }

    @Test func helpSaysWhatItPrintsAndHowItEnds() throws {
        let outcome = try ProcessTests.run(["watch", "--help"])
        #expect(outcome.exitCode == 0)
        let words = outcome.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("--json"))
        #expect(words.contains("synced"))
        #expect(words.contains("0 on Ctrl-C (SIGINT) or SIGTERM; 69 when the daemon is not there or goes away"))
    }
}

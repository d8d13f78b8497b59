import Foundation
import PumpTesting
import Testing

/// A TCP ingest socket passed by systemd (`systemd-socket-activate` stands in for it here) follows
/// the same rule as `--listen`: mutual TLS, never plain text off loopback.
@Suite struct ActivatedTCPSocketTests {
    static let activate = "/usr/bin/systemd-socket-activate"

    func activated(port: UInt16, host: String, directory: TemporaryDirectory, flags: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.activate)
        process.arguments =
            [
                "--fdname=ingest:control", "-l", "\(host):\(port)", "-l", directory.path + "/control.sock",
                BuiltProducts.path(of: "pumpmond"), "--state-dir", directory.path + "/state",
            ] + flags
        var environment = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] { environment[key] = nil }
        process.environment = environment
        process.standardError = FileHandle(forWritingAtPath: directory.path + "/stderr") ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func aTCPSocketFromSystemdWithoutTLSIsRefusedAtStart() throws {
        let directory = try TemporaryDirectory(prefix: "act")
        #expect(FileManager.default.createFile(atPath: directory.path + "/stderr", contents: nil))
        let port = try LineSocket.freeLoopbackPort()
        let process = try activated(port: port, host: "0.0.0.0", directory: directory, flags: [])
        defer {
            // Foundation learns of the exit only in waitUntilExit; until then the Process and its
            // handles stay alive (LeakSanitizer reported them at exit).
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        var connected: LineSocket?
        for _ in 0..<50 where connected == nil {
            connected = try? LineSocket(loopbackPort: port)
            if connected == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(connected != nil)
        for _ in 0..<300 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        let stderr = String(
            decoding: FileManager.default.contents(atPath: directory.path + "/stderr") ?? Data(), as: UTF8.self)
        #expect(process.terminationStatus == 64, "\(stderr)")
        #expect(stderr.contains("systemd passed a TCP ingest socket"), "\(stderr)")
    }
}

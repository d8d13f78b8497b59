import Foundation
import PumpTesting

/// The daemon under stress: `PumpTesting.DaemonProcess` (the debug build beside the tests), or,
/// when `PUMPMOND_STRESS_BIN_DIR` names a build directory (CI passes the release one, several
/// times faster), that build's `pumpmond` started with the same flags.
final class StressDaemon {
    private let harness: DaemonProcess
    private let binDir: String?
    private var process: Process?
    let directory: String

    init(directory: String) {
        self.directory = directory
        harness = DaemonProcess(directory: directory)
        binDir = ProcessInfo.processInfo.environment["PUMPMOND_STRESS_BIN_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var ingestSocket: String { harness.ingestSocket }

    var pid: Int32? { binDir == nil ? harness.pid : process?.processIdentifier }

    func start() throws {
        guard let binDir else { return try harness.start() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binDir + "/pumpmond")
        p.arguments = [
            "--state-dir", directory, "--ingest-socket", harness.ingestSocket, "--control-socket",
            harness.controlSocket,
        ]
        var environment = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "JOURNAL_STREAM", "WATCHDOG_USEC"] {
            environment[key] = nil
        }
        p.environment = environment
        _ = FileManager.default.createFile(atPath: harness.logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: harness.logPath)
        p.standardError = log
        p.standardOutput = log
        try p.run()
        process = p
        for _ in 0..<1000 {
            if !p.isRunning { throw DaemonProcessError.exited(status: p.terminationStatus, log: harness.log(tail: 20)) }
            if (try? LineSocket(unixPath: harness.ingestSocket)) != nil { return }
            usleep(20_000)
        }
        throw DaemonProcessError.notReady(log: harness.log(tail: 20))
    }

    @discardableResult
    func stop() -> Int32 {
        guard binDir != nil else { return harness.stop() }
        guard let p = process else { return 0 }
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        p.waitUntilExit()
        process = nil
        return p.terminationStatus
    }

    func log(tail: Int) -> String { harness.log(tail: tail) }
}

import Foundation

/// A real `pumpmond` process on a temporary store, for integration tests.
package final class DaemonProcess {
    /// The state directory (holds the store and, by default, the sockets).
    package let stateDirectory: String
    /// The ingest socket path.
    package let ingestSocket: String
    /// The control socket path.
    package let controlSocket: String
    /// Extra flags passed to `pumpmond`.
    package let extraArguments: [String]
    /// The `pumpmond` executable run.
    package let executable: String
    private var process: Process?
    /// When set, the daemon starts with this soft and hard open-file limit (`ulimit -n`).
    package var openFileLimit: Int?
    /// Variables set for the daemon on top of this process's environment.
    package var environment: [String: String] = [:]
    /// Where the daemon's stderr goes.
    package let logPath: String

    /// Prepares (does not start) a daemon whose files live in `directory`, its sockets in
    /// `socketDirectory` when given (the daemon keeps its state directory 0700, so sockets other
    /// users must reach live elsewhere, as under systemd's `RuntimeDirectory=`); `executable`
    /// defaults to the `pumpmond` built beside the tests.
    package init(
        directory: String, socketDirectory: String? = nil, extraArguments: [String] = [], executable: String? = nil
    ) {
        stateDirectory = directory
        let sockets = socketDirectory ?? directory
        ingestSocket = (sockets as NSString).appendingPathComponent("ingest.sock")
        controlSocket = (sockets as NSString).appendingPathComponent("control.sock")
        logPath = (directory as NSString).appendingPathComponent("pumpmond.log")
        self.extraArguments = extraArguments
        self.executable = executable ?? BuiltProducts.path(of: "pumpmond")
    }

    /// The running process's pid, if any.
    package var pid: Int32? { process?.processIdentifier }

    /// Starts the daemon and waits until it logs `pumpmond ready` (it does so inside its service
    /// group, once SIGTERM is trapped) and both sockets answer connections.
    package func start(timeout: TimeInterval = 20) throws {
        try? FileManager.default.removeItem(atPath: controlSocket)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments =
            [
                "--state-dir", stateDirectory, "--ingest-socket", ingestSocket, "--control-socket", controlSocket,
            ] + extraArguments
        if let openFileLimit {
            // The shell sets the limit, then becomes the daemon (same pid).
            p.arguments = ["-c", "ulimit -n \(openFileLimit) && exec \"$0\" \"$@\"", executable] + (p.arguments ?? [])
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
        }
        var environment = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "JOURNAL_STREAM", "WATCHDOG_USEC"] {
            environment[key] = nil
        }
        environment.merge(self.environment) { _, set in set }
        p.environment = environment
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let logFile = FileHandle(forWritingAtPath: logPath)
        let logStart = logFile?.seekToEndOfFile() ?? 0
        p.standardError = logFile
        p.standardOutput = logFile
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(timeout)
        // Checked once more after the deadline: a loaded machine can oversleep it.
        while true {
            if !p.isRunning {
                throw DaemonProcessError.exited(status: p.terminationStatus, log: self.log(tail: 20))
            }
            if logSays("pumpmond ready", from: logStart), (try? LineSocket(unixPath: controlSocket)) != nil,
                (try? LineSocket(unixPath: ingestSocket)) != nil
            {
                return
            }
            guard Date() < deadline else { throw DaemonProcessError.notReady(log: self.log(tail: 20)) }
            usleep(20_000)
        }
    }

    /// Sends SIGTERM and waits for the exit status.
    @discardableResult
    package func stop() -> Int32 {
        guard let p = process else { return 0 }
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        p.waitUntilExit()
        process = nil
        return p.terminationStatus
    }

    /// Kills the daemon with SIGKILL (a crash) and waits for it to be gone.
    package func crash() {
        guard let p = process else { return }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        process = nil
    }

    /// The last lines of the daemon's log.
    /// Whether the log, from byte `offset` on (this start's lines), contains `text`.
    private func logSays(_ text: String, from offset: UInt64) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return false }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self).contains(text)
    }

    package func log(tail: Int) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(tail).joined(separator: "\n")
    }

    deinit {
        if let p = process, p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
    }
}

/// A daemon that would not start.
package enum DaemonProcessError: Error, CustomStringConvertible {
    /// It exited during start-up.
    case exited(status: Int32, log: String)
    /// Its sockets never answered.
    case notReady(log: String)

    package var description: String {
        switch self {
        case .exited(let status, let log): "pumpmond exited with status \(status) while starting:\n\(log)"
        case .notReady(let log): "pumpmond did not become ready:\n\(log)"
        }
    }
}

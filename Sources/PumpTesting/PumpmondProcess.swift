import Foundation

/// A real `pumpmond` process on a temporary store, like `DaemonProcess`, for tests that start many
/// daemons while other tests run in parallel.
///
/// It differs in one respect: it waits for the sockets with `UnixSocketProbe`, which closes the
/// descriptor of a failed connection attempt once. (`LineSocket.init` closes it and then its
/// `deinit` closes the same number again, which can close a descriptor another thread has just
/// opened: `DaemonProcess.start` polls with it.)
public final class PumpmondProcess {
    /// The state directory (holds the store, the log and the sockets).
    public let stateDirectory: String
    /// The ingest socket path.
    public let ingestSocket: String
    /// The control socket path.
    public let controlSocket: String
    /// Extra flags passed to `pumpmond`.
    public let extraArguments: [String]
    /// Where the daemon's stdout and stderr go.
    public let logPath: String
    private var process: Process?

    /// Prepares (does not start) a daemon whose files live in `directory`.
    public init(directory: String, extraArguments: [String] = []) {
        stateDirectory = directory
        ingestSocket = (directory as NSString).appendingPathComponent("ingest.sock")
        controlSocket = (directory as NSString).appendingPathComponent("control.sock")
        logPath = (directory as NSString).appendingPathComponent("pumpmond.log")
        self.extraArguments = extraArguments
    }

    /// The running process's pid, if any.
    public var pid: Int32? { process?.processIdentifier }

    /// Starts the daemon and waits until both sockets accept connections.
    public func start(timeout: TimeInterval = 20) throws {
        try? FileManager.default.removeItem(atPath: controlSocket)
        try? FileManager.default.removeItem(atPath: ingestSocket)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltProducts.path(of: "pumpmond"))
        p.arguments =
            ["--state-dir", stateDirectory, "--ingest-socket", ingestSocket, "--control-socket", controlSocket]
            + extraArguments
        var environment = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "JOURNAL_STREAM", "WATCHDOG_USEC"] {
            environment[key] = nil
        }
        p.environment = environment
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let logFile = FileHandle(forWritingAtPath: logPath)
        logFile?.seekToEndOfFile()
        p.standardError = logFile
        p.standardOutput = logFile
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !p.isRunning {
                throw DaemonProcessError.exited(status: p.terminationStatus, log: log(tail: 20))
            }
            if UnixSocketProbe.accepts(controlSocket), UnixSocketProbe.accepts(ingestSocket) { return }
            usleep(20_000)
        }
        throw DaemonProcessError.notReady(log: log(tail: 20))
    }

    /// Sends SIGTERM and waits for the exit status.
    @discardableResult
    public func stop() -> Int32 {
        guard let p = process else { return 0 }
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        p.waitUntilExit()
        process = nil
        return p.terminationStatus
    }

    /// The last lines of the daemon's log.
    public func log(tail: Int) -> String {
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

/// Whether a Unix stream socket accepts connections, each descriptor closed exactly once.
public enum UnixSocketProbe {
    /// Connects to `path` and closes the connection; true when the connection was accepted.
    public static func accepts(_ path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }
}

import Foundation
import PumpTesting

/// The real `pumpalert` executable as a process, its output in a log file.
final class NotifierProcess {
    let arguments: [String]
    let logPath: String
    private var process: Process?

    init(arguments: [String], logPath: String) {
        self.arguments = arguments
        self.logPath = logPath
    }

    /// The notifier for `socket` and `alertmanagers`, resending every `resend` seconds; one post
    /// gives up after `sendTimeout` seconds.
    convenience init(
        socket: String, alertmanagers: [String], resend: Int = 60, sendTimeout: Int = 10, logPath: String
    ) {
        self.init(
            arguments: ["--control-socket", socket, "--alert-resend", "\(resend)", "--send-timeout", "\(sendTimeout)"]
                + alertmanagers.flatMap { ["--alertmanager", $0] },
            logPath: logPath)
    }

    var pid: Int32? { process?.processIdentifier }

    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltProducts.path(of: "pumpalert"))
        p.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "JOURNAL_STREAM", "WATCHDOG_USEC"] { environment[key] = nil }
        p.environment = environment
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = FileHandle(forWritingAtPath: logPath)
        log?.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
    }

    /// SIGTERM, then the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let p = process else { return 0 }
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        p.waitUntilExit()
        process = nil
        return p.terminationStatus
    }

    /// SIGKILL: the notifier dies without a word.
    func kill9() {
        guard let p = process else { return }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        process = nil
    }

    var isRunning: Bool { process?.isRunning ?? false }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        if let p = process, p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
    }
}

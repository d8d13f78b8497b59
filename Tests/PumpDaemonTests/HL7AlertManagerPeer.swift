import Foundation
import PumpTesting

/// The test's IHE ACM Alert Manager: Tests/PumpHL7Tests/Python/alert_manager.py (python-hl7's MLLP
/// server) on a loopback port, answering AA, AE or AR, recording every message it receives with
/// what python-hl7 and hl7apy read from it. Stopped by PID.
final class HL7AlertManagerPeer {
    /// One message received, as the script recorded it.
    struct Received: Decodable {
        struct Observation: Decodable {
            var id: String
            var value: String
            var flags: String
            var equipment: String
        }
        var message: String
        var answer: String
        var msh9: String
        var msh10: String
        var msh21: String
        var obx: [Observation]
        var hl7apy: String

        /// OBX-5 of the observation whose identifier starts with `code` (`68481`).
        func value(_ code: String) -> String? { obx.first { $0.id.hasPrefix(code + "^") }?.value }
        /// The alert's name: OBX-5.1 of the `196616^MDC_EVT_ALARM` event.
        var alertname: String? { value("196616").map { String($0.prefix { $0 != "^" }) } }
        var serial: String? { obx.first?.equipment }
    }

    let port: UInt16
    let directory: TemporaryDirectory
    private var process: Process?

    init() throws {
        port = try LineSocket.freeLoopbackPort()
        directory = try TemporaryDirectory(prefix: "acm")
    }

    static var script: String {
        BuiltProducts.packageRoot.appendingPathComponent("Tests/PumpHL7Tests/Python/alert_manager.py").path
    }

    var received: String { directory.file("received.jsonl") }

    /// Starts the script answering `answer` and waits until it accepts connections.
    func start(answer: String = "AA") throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: PythonEnvironment.python)
        p.arguments = [Self.script, "\(port)", received, answer]
        let logPath = directory.file("alert_manager.log")
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = FileHandle(forWritingAtPath: logPath)
        log?.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(20)
        // Checked once more after the deadline: a loaded machine can oversleep it.
        while true {
            if !p.isRunning {
                p.waitUntilExit()
                process = nil
                throw HarnessError.unexpectedReply("alert_manager.py exited: \(logTail)")
            }
            if (try? LineSocket(loopbackPort: port)) != nil { return }
            guard Date() < deadline else { throw HarnessError.unexpectedReply("alert_manager.py not listening") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// SIGKILL by PID (a test runner may hand SIGTERM down ignored, and Python keeps it so), then
    /// waits for the exit. Each message was written to the file whole when it was received.
    func stop() {
        guard let p = process else { return }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        process = nil
    }

    var logTail: String {
        let text = (try? String(contentsOfFile: directory.file("alert_manager.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }

    /// Every message received so far, in order.
    func messages() -> [Received] {
        guard let text = try? String(contentsOfFile: received, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONDecoder().decode(Received.self, from: Data($0.utf8))
        }
    }

    /// Waits until the messages received satisfy `condition` (checked once more after the deadline).
    @discardableResult
    func waitFor(
        timeout: TimeInterval = 30, _ what: String, _ condition: ([Received]) -> Bool
    ) throws -> [Received] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let seen = messages()
            if condition(seen) { return seen }
            guard Date() < deadline else {
                throw HarnessError.unexpectedReply(
                    "waited \(Int(timeout)) s for \(what); received \(seen.map { ($0.alertname, $0.serial) })")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    deinit {
        stop()
        directory.remove()
    }
}

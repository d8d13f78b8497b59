import Foundation
import PumpSimKit
import PumpTesting

/// A real `pumpmond` process on a fresh temporary store, with the simulator's clients pointed at
/// its sockets. `finish()` stops it with SIGTERM and removes the directory.
final class LiveDaemon {
    let directory: TemporaryDirectory
    let process: DaemonProcess

    /// Starts `pumpmond` (the one built beside the tests) in a new temporary directory.
    init(prefix: String = "pmsim", extraArguments: [String] = []) throws {
        directory = try TemporaryDirectory(prefix: prefix)
        process = DaemonProcess(directory: directory.path, extraArguments: extraArguments)
        do {
            try process.start()
        } catch {
            directory.remove()
            throw error
        }
    }

    /// A sender to the ingest socket.
    func sender(connections: Int = 4, window: Int = 128) -> IngestSender {
        IngestSender(
            configuration: SenderConfiguration(
                address: .unix(path: process.ingestSocket), connections: connections, window: window))
    }

    /// A client of the control socket, speaking the control protocol directly.
    var control: ControlSocketClient { ControlSocketClient(address: .unix(path: process.controlSocket)) }

    /// The real `pumpctl` as a process, on this daemon's control socket.
    var pumpctl: PumpctlProcessControl {
        PumpctlProcessControl(executable: BuiltProducts.path(of: "pumpctl"), controlSocket: process.controlSocket)
    }

    /// The end of the daemon's log, for failure messages.
    var logTail: String { process.log(tail: 40) }

    /// Stops the daemon (SIGTERM) and returns its exit status, then removes the directory.
    @discardableResult
    func finish() -> Int32 {
        let status = process.stop()
        directory.remove()
        return status
    }

    deinit {
        process.stop()
        directory.remove()
    }
}

/// The shipped scenario files.
enum ShippedScenarios {
    /// `simulator/scenarios/`.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scenarios")

    /// Every `*.json` file in it, by name.
    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()

    /// The compiled script of one file.
    static func script(_ file: String) throws -> ScenarioScript {
        try ScenarioScript(Scenario.load(path: directory.appendingPathComponent(file).path))
    }
}

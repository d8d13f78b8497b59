import Foundation
import PumpSimKit
import PumpTesting

/// A real `pumpmond` process on a fresh temporary store, with the simulator's clients pointed at
/// its sockets. `finish()` stops it with SIGTERM and removes the directory.
final class LiveDaemon {
    let directory: TemporaryDirectory
    let process: DaemonProcess

    /// Starts `pumpmond` in a new temporary directory: the one built beside the tests, or
    /// `executable`.
    init(prefix: String = "pmsim", extraArguments: [String] = [], executable: String? = nil) throws {
        directory = try TemporaryDirectory(prefix: prefix)
        process = DaemonProcess(directory: directory.path, extraArguments: extraArguments, executable: executable)
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

/// Which `pumpmond` the fleet runs use: the release build when it is newer than `Package.swift`
/// and every source file of the modules `pumpmond` is built from (`scripts/test` builds release
/// first, so in CI it always is), else the debug build beside the tests. The release daemon
/// accepts several times as many messages a second, which keeps the 2,000-pump, 10-year run to a
/// minute or two; a stale release build is never used. `PUMPSIM_FLEET_DAEMON=beside-tests` always
/// takes the build beside the tests (scripts/sanitize: the sanitized daemon, not the release one).
enum FleetDaemon {
    /// The modules `pumpmond` links, under `Sources/`.
    static let daemonModules = [
        "PumpPolicy", "PumpTelemetry", "PumpHealth", "PumpControlProtocol", "CSystemd", "SystemdSupport", "PumpStore",
        "PumpIngest", "PumpDaemon", "pumpmond",
    ]

    /// The executable's path.
    static let executable: String = {
        if ProcessInfo.processInfo.environment["PUMPSIM_FLEET_DAEMON"] == "beside-tests" {
            return BuiltProducts.path(of: "pumpmond")
        }
        let root = BuiltProducts.packageRoot
        let release = root.appendingPathComponent(".build/release/pumpmond").path
        guard let built = modified(release) else { return BuiltProducts.path(of: "pumpmond") }
        var newestSource = modified(root.appendingPathComponent("Package.swift").path) ?? .distantFuture
        for module in daemonModules {
            let folder = root.appendingPathComponent("Sources/\(module)").path
            guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
            for case let relative as String in walker {
                if let m = modified((folder as NSString).appendingPathComponent(relative)), m > newestSource {
                    newestSource = m
                }
            }
        }
        return built > newestSource ? release : BuiltProducts.path(of: "pumpmond")
    }()

    /// Whether the release build is the one used.
    static var isRelease: Bool { executable.contains("/release/") }

    private static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}

/// Runs blocking work (the sender waits in `poll`, `pumpctl` runs as a child process) on a thread
/// of its own, so it does not hold one of the few threads Swift Testing's other tests run on.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

import Foundation
import PumpTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`, installed by
/// scripts/ensure-deps.sh) on a free loopback port, with its own storage directory and a route that
/// sends every notification, resolved ones too, to `webhookURL` at once (`group_wait` 0,
/// `group_interval` 1 s). Clustering is off. Stopped by its PID.
final class AlertmanagerProcess {
    static let executable = "/usr/bin/prometheus-alertmanager"
    static let amtool = "/usr/bin/amtool"

    let directory: TemporaryDirectory
    let port: UInt16
    private var process: Process?

    /// The base URL the notifier is given.
    var url: String { "http://127.0.0.1:\(port)" }
    var logPath: String { directory.file("alertmanager.log") }

    /// Writes the configuration; `start()` runs it.
    init(webhookURL: String) throws {
        directory = try TemporaryDirectory(prefix: "pmam")
        port = try LineSocket.freeLoopbackPort()
        let config = """
            route:
              receiver: webhook
              group_by: ['alertname', 'serial']
              group_wait: 0s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: webhook
                webhook_configs:
                  - url: '\(webhookURL)'
                    send_resolved: true
            """
        try config.write(toFile: directory.file("alertmanager.yml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.file("data"), withIntermediateDirectories: true)
    }

    /// Starts Alertmanager and waits until `/-/ready` answers 200.
    func start(timeout: Duration = .seconds(30)) async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw AlertmanagerError.missing(Self.executable)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.executable)
        p.arguments = [
            "--config.file=\(directory.file("alertmanager.yml"))", "--storage.path=\(directory.file("data"))",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=debug",
        ]
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = FileHandle(forWritingAtPath: logPath)
        log?.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        let deadline = ContinuousClock.now + timeout
        while true {
            guard p.isRunning else { throw AlertmanagerError.exited(log: logTail) }
            if (try? await get("/-/ready").status) == 200 { return }
            guard ContinuousClock.now < deadline else { throw AlertmanagerError.notReady(log: logTail) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// SIGTERM, then waits for the exit.
    func stop() {
        guard let p = process else { return }
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        p.waitUntilExit()
        process = nil
    }

    /// `GET path` on this Alertmanager: status and body.
    func get(_ path: String) async throws -> (status: UInt, body: String) {
        // Foundation's client: the tests stay off async-http-client, which only pumpalert links.
        guard let address = URL(string: url + path) else { throw URLError(.badURL) }
        var request = URLRequest(url: address)
        request.timeoutInterval = 5
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        return (UInt(http.statusCode), String(decoding: data, as: UTF8.self))
    }

    /// The alerts Alertmanager holds (`GET /api/v2/alerts`), active ones by default.
    func alerts(active: Bool = true) async throws -> [GettableAlert] {
        let (status, body) = try await get("/api/v2/alerts?active=\(active)&silenced=true&inhibited=true")
        guard status == 200 else { throw AlertmanagerError.badAnswer(status: status, body: body) }
        return try JSONDecoder().decode([GettableAlert].self, from: Data(body.utf8))
    }

    /// Waits until Alertmanager's active alerts satisfy `condition`; returns them.
    func waitForAlerts(
        timeout: Duration = .seconds(20), _ condition: ([GettableAlert]) -> Bool
    ) async throws -> [GettableAlert] {
        let deadline = ContinuousClock.now + timeout
        var last: [GettableAlert] = []
        // Checked once more after the deadline (see WebhookReceiver.waitFor).
        while true {
            last = (try? await alerts()) ?? last
            if condition(last) { return last }
            guard ContinuousClock.now < deadline else {
                throw AlertmanagerError.timedOut(waitingFor: "alerts", seen: "\(last)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// `amtool alert query` against this Alertmanager (its output lists one alert per line).
    func amtoolQuery(_ matchers: [String] = []) throws -> ProgramRun {
        try ProgramRun.run(
            Self.amtool, ["alert", "query", "--alertmanager.url=\(url)", "--output=extended"] + matchers)
    }

    var logTail: String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(30).joined(separator: "\n")
    }

    deinit {
        if let p = process, p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        directory.remove()
    }
}

/// One alert as `GET /api/v2/alerts` answers it (the members the tests read).
struct GettableAlert: Decodable, Sendable, Hashable {
    struct Status: Decodable, Sendable, Hashable {
        var state: String
    }

    var labels: [String: String]
    var annotations: [String: String]
    var startsAt: String
    var endsAt: String
    var status: Status
}

enum AlertmanagerError: Error, CustomStringConvertible {
    case missing(String)
    case exited(log: String)
    case notReady(log: String)
    case badAnswer(status: UInt, body: String)
    case timedOut(waitingFor: String, seen: String)

    var description: String {
        switch self {
        case .missing(let path):
            "\(path) is missing: install Debian's prometheus-alertmanager (scripts/ensure-deps.sh does, as root)"
        case .exited(let log): "Alertmanager exited while starting:\n\(log)"
        case .notReady(let log): "Alertmanager did not become ready:\n\(log)"
        case .badAnswer(let status, let body): "Alertmanager answered \(status): \(body)"
        case .timedOut(let what, let seen): "timed out waiting for \(what); last seen: \(seen)"
        }
    }
}

import Foundation
import PumpCtlKit
import PumpTesting
import Testing

/// A real `pumpmond` process on a fresh temporary store, fed through its real ingest socket, and
/// `pumpctl` run against its real control socket. Stopped and removed on `deinit`.
final class LiveDaemon {
    let directory: TemporaryDirectory
    let process: DaemonProcess

    /// Starts a daemon; `extraArguments` go to `pumpmond` (e.g. `--control-group NAME`); its sockets
    /// go in `socketDirectory` when given, else in its (private) state directory.
    init(extraArguments: [String] = [], socketDirectory: TemporaryDirectory? = nil) throws {
        self.directory = try TemporaryDirectory(prefix: "pm")
        process = DaemonProcess(
            directory: self.directory.path, socketDirectory: socketDirectory?.path, extraArguments: extraArguments)
        try process.start()
    }

    /// A daemon that already holds `Fleet`: its enrollments, telemetry, rejects and a request.
    static func withFleet(extraArguments: [String] = []) throws -> LiveDaemon {
        let daemon = try LiveDaemon(extraArguments: extraArguments)
        try daemon.loadFleet()
        return daemon
    }

    deinit {
        process.stop()
        directory.remove()
    }

    /// The store file.
    var storePath: String { directory.file("pumpmond.sqlite") }

    /// Sends `lines` pipelined on one ingest connection and returns the reply lines.
    @discardableResult
    func ingest(_ lines: [String]) throws -> [String] {
        let socket = try LineSocket(unixPath: process.ingestSocket)
        try socket.send(lines.map { $0 + "\n" }.joined())
        socket.shutdownWrite()
        return try socket.readLines(lines.count)
    }

    /// Runs `pumpctl` in-process against this daemon (UTC, no terminal, no colour).
    func pumpctl(_ arguments: [String], timeZone: String = "UTC") -> PumpCtlOutcome {
        PumpCtl.run(
            arguments: arguments + ["--socket", process.controlSocket],
            environment: PumpCtlEnvironment(timeZone: TimeZone(identifier: timeZone) ?? .current))
    }

    /// Runs `pumpctl` in-process and fails the test unless it exits 0 with nothing on stderr.
    @discardableResult
    func pumpctlOK(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let outcome = pumpctl(arguments)
        #expect(outcome.exitCode == 0, "pumpctl \(arguments): \(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(outcome.stderr == "", sourceLocation: sourceLocation)
        return outcome.stdout
    }

    /// Loads `Fleet` in its fixed order, so record ids and lists come out the same on every run.
    func loadFleet() throws {
        pumpctlOK(Fleet.enrollSpasticity)
        let replies = try ingest(Fleet.telemetry)
        let results = replies.map { reply -> String in
            guard let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any] else {
                return "unreadable reply \(reply)"
            }
            return object["result"] as? String ?? "?"
        }
        #expect(results == Fleet.expectedResults, "ingest replies: \(replies)")
        pumpctlOK(Fleet.enrollPain)
        pumpctlOK(Fleet.requestConvenience)
    }

    /// `text` with what varies from run to run made stable: every time the daemon stamped (not a
    /// pump's `at`, which are all on `Fleet.day`) has its digits replaced by `#` (so columns keep
    /// their widths), uptime becomes `<uptime>`, and the temporary directory's random part `XXXXXX`.
    func normalised(_ text: String) -> String {
        Self.normalise(text, directory: directory.path)
    }

    static func normalise(_ text: String, directory: String) -> String {
        var out = text.replacingOccurrences(of: directory, with: String(directory.dropLast(6)) + "XXXXXX")
        let time = #/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z| UTC([+-]\d+(:\d+)?)?)/#
        out = out.replacing(time) { match in
            let stamp = String(match.output.0)
            guard !stamp.hasPrefix(Fleet.day) else { return stamp }
            return String(stamp.map { $0.isNumber ? "#" : $0 })
        }
        out = out.replacing(#/"uptime_s": \d+/#) { _ in #""uptime_s": <uptime>"# }
        // The sender of what the test sent over the ingest socket: the uid running the tests.
        out = out.replacing(#/unix:\d+/#) { _ in "unix:<uid>" }
        out = out.replacing(#/, up [0-9dhms ]+\n/#) { _ in ", up <uptime>\n" }
        return out
    }
}

/// The pumps every live golden test starts from: a spasticity pump at ERI, a pump at end of service
/// never enrolled, a gas-driven pump asked to be replaced for convenience, a pain pump enrolled
/// before its first message, and two lines the daemon rejects. Every `at` is on `day`.
enum Fleet {
    /// The day of every pump `at` (fixed, in the past).
    static let day = "2026-01-05"

    static let enrollSpasticity = [
        "enroll", "SM2-004211", "--patient", "MRN-55512", "--indication", "spasticity", "--drug", "baclofen",
        "--route", "intrathecal", "--severe-refractory", "true", "--oral-baclofen-failed", "true",
    ]

    static let enrollPain = [
        "enroll", "SM2-010001", "--patient", "MRN-70021", "--indication", "chronic_intractable_pain", "--drug",
        "opioid", "--route", "intrathecal", "--severe-chronic-intractable", "true", "--trial-reduction-percent", "60",
    ]

    static let requestConvenience = [
        "request-replacement", "C3000-0107", "--reason", "convenience", "--note", "patient moving abroad",
    ]

    static let telemetry: [String] = [
        #"{"v":1,"id":"a1","serial":"SM2-004211","kind":"status","at":"2026-01-05T08:00:00Z","model":"SynchroMed II","firmware":"4.2.1","battery":{"state":"MOS","volts":2.9,"months_remaining":20},"motor":"ok","reservoir_ml":15.5,"infusing":true}"#,
        #"{"v":1,"id":"a2","serial":"SM2-004211","kind":"alert","at":"2026-01-05T09:00:00Z","code":"BATTERY_ERI","severity":"warning","detail":"Battery at elective replacement indicator"}"#,
        #"{"v":1,"id":"a3","serial":"SM2-004211","kind":"status","at":"2026-01-05T09:05:00Z","model":"SynchroMed II","firmware":"4.2.1","battery":{"state":"ERI","volts":2.61,"months_remaining":3},"motor":"ok","reservoir_ml":12.5,"infusing":true}"#,
        #"{"v":1,"id":"b1","serial":"SM2-007700","kind":"status","at":"2026-01-05T08:10:00Z","model":"SynchroMed II","battery":{"state":"MOS","volts":2.8},"motor":"ok","infusing":true}"#,
        #"{"v":1,"id":"b2","serial":"SM2-007700","kind":"alert","at":"2026-01-05T10:20:00Z","code":"BATTERY_EOS","severity":"critical","detail":"Battery depleted, pump stopped"}"#,
        #"{"v":1,"id":"c1","serial":"C3000-0107","kind":"status","at":"2026-01-05T08:30:00Z","model":"Codman 3000","battery":null,"motor":"none","reservoir_ml":30}"#,
        #"{"v":1,"id":"c2","serial":"C3000-0107","kind":"alert","at":"2026-01-05T08:45:00Z","code":"LOW_RESERVOIR","severity":"info"}"#,
        #"{"v":1,"id":"x1","serial":"SM2-004211","kind":"alert","at":"2026-01-05T09:10:00Z","code":"FROBNICATE","severity":"info"}"#,
        #"not json at all"#,
    ]

    static let expectedResults = [
        "accepted", "accepted", "accepted", "accepted", "accepted", "accepted", "accepted", "rejected", "rejected",
    ]
}

/// The built `pumpctl` executable.
func pumpctlExecutable() -> String { BuiltProducts.path(of: "pumpctl") }

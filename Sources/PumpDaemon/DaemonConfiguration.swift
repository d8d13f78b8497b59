import Foundation
import PumpHealth

/// Everything the daemon needs to run, with a default for every field where one makes sense.
/// Built by `pumpmond` from its flags and environment (`cli.md`), and directly by tests.
package struct DaemonConfiguration: Sendable {
    /// Where the SQLite store lives.
    package var stateDirectory: String
    /// The ingest Unix socket path (bound by the daemon unless systemd passes the socket).
    package var ingestSocketPath: String
    /// The control Unix socket path (bound by the daemon unless systemd passes the socket).
    package var controlSocketPath: String
    /// An optional TCP listener for telemetry, `HOST:PORT`.
    package var tcpListen: (host: String, port: Int)?
    /// The stall grace rules.
    package var stallRules: StallRules
    /// The group whose members may use the control socket, besides root and the daemon's user.
    package var controlGroup: String
    /// Mode of the socket files the daemon binds (ingest and control), set right after binding.
    package var controlSocketMode: mode_t
    /// Start a new, empty store when the one found is refused as missing, empty or foreign (the
    /// one found is set aside, not deleted): `--initialize-store`.
    package var initializeStore: Bool
    /// How often silent stalled pumps are judged on the daemon's clock at the latest.
    package var sweepInterval: Duration
    /// How often `STATUS=` is refreshed.
    package var statusInterval: Duration
    /// How often the hash chains' heads are logged to the journal (also once at start).
    package var chainHeadInterval: Duration
    /// The most lines one transaction commits.
    package var maxBatchLines: Int
    /// The most lines waiting for a commit before readers pause (back pressure).
    package var maxQueuedLines: Int
    /// The most ingest connections open at once, every ingest listener together; lowered at start
    /// to fit under the open-file limit (`--max-connections`).
    package var maxConnections: Int
    /// The most control connections open at once, kept apart from the ingest ones so that pumpctl
    /// is answered whatever the gateways do (`--max-control-connections`).
    package var maxControlConnections: Int
    /// How long a connection may hold a partial line (ingest) or no request yet (control) while
    /// nothing arrives, before it is closed (`--idle-timeout`). An ingest connection that holds no
    /// partial line may stay open and quiet for as long as it likes.
    package var idleTimeout: Duration
    /// The most replies of one ingest connection waiting to be written before the daemon stops
    /// reading it (its peer is not reading them).
    package var maxPendingReplies: Int
    /// `PumpSilent` fires for a pump that sent nothing for longer than this (`--silence-alert`,
    /// config key `silence_alert`); nil, the default, leaves it off.
    package var silenceAlert: Duration?
    /// The most changes one `watch` connection may have waiting to be written; past that the
    /// daemon closes it (it reconnects for a fresh snapshot).
    package var maxWatchQueue: Int

    /// Creates a configuration; sockets default to the state directory.
    package init(
        stateDirectory: String, ingestSocketPath: String? = nil, controlSocketPath: String? = nil,
        tcpListen: (host: String, port: Int)? = nil, stallRules: StallRules = StallRules(),
        controlGroup: String = "pumpmon"
    ) {
        self.stateDirectory = stateDirectory
        self.ingestSocketPath = ingestSocketPath ?? (stateDirectory as NSString).appendingPathComponent("ingest.sock")
        self.controlSocketPath =
            controlSocketPath ?? (stateDirectory as NSString).appendingPathComponent("control.sock")
        self.tcpListen = tcpListen
        self.stallRules = stallRules
        self.controlGroup = controlGroup
        self.controlSocketMode = 0o660
        self.initializeStore = false
        self.sweepInterval = .seconds(30)
        self.statusInterval = .seconds(5)
        self.chainHeadInterval = .seconds(3600)
        self.maxBatchLines = 8192
        self.maxQueuedLines = 16384
        self.maxConnections = 4096
        self.maxControlConnections = 64
        self.idleTimeout = .seconds(60)
        self.maxPendingReplies = 4096
        self.silenceAlert = nil
        self.maxWatchQueue = 10_000
    }
}

/// The daemon's wall clock, injectable so tests can move time.
package protocol DaemonClock: Sendable {
    /// Now, in microseconds since the Unix epoch (UTC).
    func nowMicros() -> Int64
}

/// The real wall clock.
package struct SystemWallClock: DaemonClock {
    package init() {}

    /// `clock_gettime(CLOCK_REALTIME)` in microseconds.
    package func nowMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}

/// The daemon's version.
package enum PumpmondVersion {
    /// Semantic version of this build.
    package static let string = "0.1.0"
}

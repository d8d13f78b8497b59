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
    /// An optional TCP listener for telemetry, `HOST:PORT`: mutual TLS with ``tls``, plain text
    /// only on loopback with ``listenPlaintext`` (``checkListener()``).
    package var tcpListen: (host: String, port: Int)?
    /// The TCP listener's mutual TLS: server certificate, key and client-CA bundle
    /// (`--tls-cert`, `--tls-key`, `--tls-client-ca`).
    package var tls: TLSFiles?
    /// Plain TCP on a loopback `--listen`, asked for explicitly (`--listen-plaintext`).
    package var listenPlaintext: Bool
    /// An optional HL7 v2 MLLP listener, `HOST:PORT` (`--hl7-listen`, config key `hl7_listen`;
    /// docs/hl7.md): mutual TLS with ``tls`` like the TCP listener, else plain text on loopback only.
    package var hl7Listen: (host: String, port: Int)?
    /// The IHE ACM Alert Manager that `PumpNonFunctional`, `PumpImpendingFailure` and
    /// `PumpReservoirEmpty` are sent to as PCD-04 over MLLP, plain TCP (`--hl7-alert-manager`, config
    /// key `hl7_alert_manager`; docs/hl7.md); nil, the default, sends nothing.
    package var hl7AlertManager: (host: String, port: Int)?
    /// The gateways file: which certificates and Unix users may report for which serials, and
    /// the revoked certificates (`--gateways`); nil: every sender may report for any pump.
    package var gatewaysFile: String?
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
    /// Where `pumpctl backup` writes its copies (`--backup-dir`, config key `backup_dir`); nil, the
    /// default, is the `backups` directory inside the state directory.
    package var backupDirectory: String?
    /// How many backups are kept; older ones are removed after each new one (`--backup-keep`).
    package var backupKeep: Int

    /// The metrics Unix socket (`GET /metrics`), bound unless systemd passes a `metrics` socket
    /// or ``metricsListen`` is set (`--metrics-socket`); default `metrics.sock` beside the control socket.
    package var metricsSocketPath: String
    /// A TCP listener for `GET /metrics` in place of the Unix socket (`--metrics-listen HOST:PORT`).
    package var metricsListen: (host: String, port: Int)?
    /// Whether the daemon keeps and serves metrics at all (`--no-metrics` turns both off: the
    /// benchmark's baseline).
    package var metricsEnabled: Bool

    /// The backup directory in effect.
    package var effectiveBackupDirectory: String {
        backupDirectory ?? (stateDirectory as NSString).appendingPathComponent("backups")
    }

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
        self.tls = nil
        self.listenPlaintext = false
        self.hl7Listen = nil
        self.hl7AlertManager = nil
        self.gatewaysFile = nil
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
        self.backupDirectory = nil
        self.metricsSocketPath = ((self.controlSocketPath as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("metrics.sock")
        self.metricsListen = nil
        self.metricsEnabled = true
        self.backupKeep = 7
    }
}

extension DaemonConfiguration {
    /// Refuses a TCP listener that would take unauthenticated telemetry from the network: without
    /// TLS settings, `--listen` must be a loopback address and `--listen-plaintext` given.
    package func checkListener() throws(ListenConfigurationError) {
        if let hl7 = hl7Listen, tls == nil, !Self.isLoopback(hl7.host) {
            throw .hl7PlaintextOffLoopback(host: hl7.host, port: hl7.port)
        }
        guard let tcp = tcpListen, tls == nil else { return }
        guard Self.isLoopback(tcp.host) else { throw .plaintextOffLoopback(host: tcp.host, port: tcp.port) }
        guard listenPlaintext else { throw .plaintextNotAsked(host: tcp.host, port: tcp.port) }
    }

    /// `localhost`, 127.0.0.0/8 or ::1.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
        }
        return false
    }
}

/// A TCP listener the daemon refuses to open, and what to add.
package enum ListenConfigurationError: Error, CustomStringConvertible {
    case plaintextOffLoopback(host: String, port: Int)
    case plaintextNotAsked(host: String, port: Int)
    case hl7PlaintextOffLoopback(host: String, port: Int)

    package var description: String {
        switch self {
        case .plaintextOffLoopback(let host, let port):
            "--listen \(host):\(port) is not a loopback address, and telemetry from the network must be "
                + "authenticated: add --tls-cert FILE, --tls-key FILE and --tls-client-ca FILE "
                + "(config keys tls_cert, tls_key, tls_client_ca)"
        case .plaintextNotAsked(let host, let port):
            "--listen \(host):\(port) without TLS takes unauthenticated telemetry: add --listen-plaintext "
                + "(config key listen_plaintext) to allow it on loopback, or --tls-cert, --tls-key and --tls-client-ca"
        case .hl7PlaintextOffLoopback(let host, let port):
            "--hl7-listen \(host):\(port) is not a loopback address, and HL7 from the network must be "
                + "authenticated: add --tls-cert FILE, --tls-key FILE and --tls-client-ca FILE "
                + "(config keys tls_cert, tls_key, tls_client_ca), or listen on 127.0.0.1"
        }
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

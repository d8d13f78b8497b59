import ArgumentParser
import Foundation
import Logging
import PumpDaemon
import PumpHealth
import SystemdSupport

/// `pumpmond`: parses flags and the environment, bootstraps logging once, and runs the daemon.
@main
struct Pumpmond: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pumpmond",
        abstract: "Watches implanted infusion pumps and raises CG-SURG-79 replacement eligibility records.",
        discussion: """
            Takes protocol-v1 telemetry on a Unix socket (and optionally TCP), stores every message in
            SQLite, detects non-function and impending-failure notifications, and answers pumpctl on the
            control socket. Under systemd it uses the sockets passed by socket activation (names 'ingest'
            and 'control'), tells systemd READY=1, keeps STATUS= current and pings the watchdog.
            On SIGTERM it stops accepting, answers what it has read, commits, and exits 0.

            The store is pumpmond.sqlite in the state directory, its random id also in pumpmond.store-id
            beside it. A start refuses (exit 71) a store that is missing, empty, has another id or fails
            SQLite's quick_check, and a store path that is not a file: restore the store from a backup
            (stop, put it in place, start), or pass --initialize-store once. Exit 75: another pumpmond
            runs on the state directory.

            A --config FILE is JSON with any of the keys state_dir, ingest_socket, control_socket, listen,
            stall_grace, mri_stall_grace, chain_head_interval (seconds), control_group, max_connections, max_control_connections,
            idle_timeout (seconds), silence_alert (seconds), max_watch_queue, tls_cert, tls_key, tls_client_ca,
            gateways, listen_plaintext (true/false), hl7_listen, backup_dir, backup_keep, metrics_socket, metrics_listen
            and hl7_alert_manager;
            flags override it.

            Metrics: GET /metrics (Prometheus text format) on its own listener: a Unix socket (--metrics-socket,
            default metrics.sock beside the control socket), TCP with --metrics-listen HOST:PORT, or systemd's
            socket named metrics (pumpmond-metrics.socket, 127.0.0.1:9410). Other paths answer 404, other
            methods 405. pumpctl status says where.

            Backups: `pumpctl backup` (the control op `backup`) makes an online copy of the store while
            ingest goes on (SQLite's VACUUM INTO on a snapshot), checks it with PRAGMA integrity_check, syncs
            it and renames it into --backup-dir as pumpmond-<UTC time>.sqlite, then removes the oldest copies
            beyond --backup-keep. pumpmond-backup.timer runs it daily; systemd/README.md restores one.

            Alerts (issue 13): the daemon derives PumpNonFunctional, PumpImpendingFailure, PumpReservoirEmpty,
            PumpReservoirLow and, with --silence-alert, PumpSilent from its store and streams them, with every
            pump's state and every record raised, to `pumpctl watch` (the control op `watch`). A watch
            connection is never closed as idle but counts against --max-control-connections; one that falls
            more than --max-watch-queue changes behind is closed (it reconnects for a fresh snapshot).

            Telemetry over TCP (--listen) is mutual TLS (1.2 at least): the server's certificate and key, and a
            client-CA bundle; every gateway presents a certificate from it. A --listen without them is refused (exit
            64), unless the address is loopback and --listen-plaintext is given. The gateways file names each gateway
            by its certificate (SHA-256 fingerprint, subject CN or DNS SAN) with the serials it may report for, Unix
            users by uid the same way, and revoked fingerprints; a line for a serial outside its sender's allowance is
            rejected not_authorized. SIGHUP re-reads the certificates, the CA bundle and the gateways file.

            HL7 v2 over MLLP (--hl7-listen HOST:PORT, or the socket named hl7 under systemd): IHE PCD-01 ORU^R01
            becomes a status and PCD-04 ORU^R40 an alert, through the same validation and store; each message is
            answered with an ACK (AA once stored, AE with ERR for content that cannot be mapped, which is
            quarantined, AR for an unsupported type or version or an unavailable store). docs/hl7.md has the
            mapping. It uses the TLS settings and gateways file above; without TLS it listens on loopback only.
            With --hl7-alert-manager HOST:PORT the daemon is an IHE ACM Alert Reporter: each time
            PumpNonFunctional, PumpImpendingFailure or PumpReservoirEmpty fires or is resolved, a PCD-04
            ORU^R40 is queued in the store and sent over MLLP (plain TCP) until the Alert Manager acknowledges
            it (AA; AE is logged and not resent; no connection, a timeout or AR are retried with a backoff).

            Resource limits: at start the soft open-file limit is raised to the hard one (both logged) and
            the connection caps are lowered to fit under it, the control connections' descriptors kept
            apart so that pumpctl is always answered. A connection over a cap is accepted and closed at
            once. An ingest connection is closed when it holds part of a line and sends nothing for the
            idle timeout (one holding no partial line may stay open and quiet indefinitely: gateways keep
            their connection); a control connection, when it sends no request within it. A connection whose
            replies are not read stops being read once 4096 of its replies wait.
            """,
        version: PumpmondVersion.string)

    @Option(help: "Where the SQLite store lives. Default: $STATE_DIRECTORY.")
    var stateDir: String?

    @Option(help: "The ingest Unix socket. Default: $RUNTIME_DIRECTORY/ingest.sock, else in the state directory.")
    var ingestSocket: String?

    @Option(help: "The control Unix socket. Default: $RUNTIME_DIRECTORY/control.sock, else in the state directory.")
    var controlSocket: String?

    @Option(
        help:
            "Also take telemetry on TCP, HOST:PORT: mutual TLS with --tls-cert/--tls-key/--tls-client-ca; plain text only on loopback with --listen-plaintext."
    )
    var listen: String?

    @Option(help: "The TCP listener's certificate chain (PEM); a relative path is read in $CREDENTIALS_DIRECTORY.")
    var tlsCert: String?

    @Option(help: "The TCP listener's private key (PEM); a relative path is read in $CREDENTIALS_DIRECTORY.")
    var tlsKey: String?

    @Option(
        help:
            "The CAs whose client certificates gateways must present (PEM bundle); a relative path is read in $CREDENTIALS_DIRECTORY."
    )
    var tlsClientCa: String?

    @Option(help: "The gateways file: who may report for which serials, revoked certificates (JSON; see README).")
    var gateways: String?

    @Flag(help: "Allow --listen without TLS, on a loopback address only (unauthenticated; for local tools and tests).")
    var listenPlaintext = false

    @Option(
        help:
            "Also take HL7 v2 (IHE PCD-01 and PCD-04) over MLLP on HOST:PORT (docs/hl7.md): mutual TLS with --tls-cert/--tls-key/--tls-client-ca, else plain text on loopback only."
    )
    var hl7Listen: String?

    @Option(
        help:
            "Send PumpNonFunctional, PumpImpendingFailure and PumpReservoirEmpty as IHE PCD-04 (ORU^R40) over MLLP to the Alert Manager at HOST:PORT, plain TCP, until each is acknowledged (docs/hl7.md). Default: off."
    )
    var hl7AlertManager: String?

    // `.unconditional`: `--stall-grace -1` reaches the range check below instead of being read as
    // an unknown flag and reported as a missing value.
    @Option(
        parsing: .unconditional,
        help: "Seconds a motor stall may last before the pump counts as not functioning (1 to 31536000). Default: 7200."
    )
    var stallGrace: String?

    @Option(
        parsing: .unconditional,
        help:
            "Seconds allowed for a stall beginning within an hour after an MRI exposure (1 to 31536000). Default: 86400."
    )
    var mriStallGrace: String?

    @Option(
        parsing: .unconditional,
        help:
            "Seconds between two journal entries of the hash chains' heads (1 to 31536000; also logged at start). Default: 3600."
    )
    var chainHeadInterval: String?

    @Option(help: "The group whose members may use the control socket. Default: pumpmon.")
    var controlGroup: String?

    @Option(help: "The most ingest connections open at once (1 to 1000000). Default: 4096.")
    var maxConnections: String?

    @Option(help: "The most control connections open at once (1 to 10000). Default: 64.")
    var maxControlConnections: String?

    @Option(
        help:
            "Seconds a connection may hold a partial line (or no control request) with nothing arriving (1 to 86400). Default: 60."
    )
    var idleTimeout: String?

    @Option(
        parsing: .unconditional,
        help:
            "Fire PumpSilent for a pump that sent nothing for longer than this many seconds (1 to 31536000). Default: off."
    )
    var silenceAlert: String?

    @Option(
        help:
            "The most changes a watch connection may have waiting before it is closed (1 to 1000000). Default: 10000."
    )
    var maxWatchQueue: String?

    @Option(help: "The metrics Unix socket (GET /metrics). Default: metrics.sock beside the control socket.")
    var metricsSocket: String?

    @Option(help: "Serve GET /metrics on TCP HOST:PORT instead of the Unix socket (Prometheus scrapes TCP).")
    var metricsListen: String?

    @Flag(help: "Keep and serve no metrics (no /metrics listener): the benchmarks' baseline.")
    var noMetrics = false

    @Option(help: "Where pumpctl backup writes copies of the store. Default: backups in the state directory.")
    var backupDir: String?

    @Option(help: "How many backups are kept; older ones are removed (1 to 10000). Default: 7.")
    var backupKeep: String?

    @Option(help: "A JSON configuration file (see the discussion above).")
    var config: String?

    @Flag(
        help: """
            Start a new, empty store when the one found is refused as missing, empty or not this state \
            directory's (see pumpmond.store-id). What is found is set aside, renamed, not deleted. \
            Use once, when no backup is to be restored.
            """)
    var initializeStore = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let file: ConfigFile
        do {
            file = try config.map(ConfigFile.load(path:)) ?? ConfigFile()
        } catch {
            throw ValidationError("\(error)")
        }
        guard let stateDirectory = stateDir ?? file.stateDir ?? environment["STATE_DIRECTORY"] else {
            throw ValidationError("no state directory: pass --state-dir DIR (systemd sets $STATE_DIRECTORY)")
        }
        let runtime = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first.map(String.init)
        func socket(_ flag: String?, _ fromFile: String?, _ name: String) -> String? {
            flag ?? fromFile ?? runtime.map { ($0 as NSString).appendingPathComponent(name) }
        }
        func hostPort(_ text: String?, flag: String, example: String) throws -> (host: String, port: Int)? {
            guard let text else { return nil }
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (1...65535).contains(port)
            else { throw ValidationError("\(flag) takes HOST:PORT, e.g. \(example), not '\(text)'") }
            return (String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
        }
        let tcp = try hostPort(listen ?? file.listen, flag: "--listen", example: "127.0.0.1:7410")
        let grace = try stallGrace.map { try GraceSeconds.parse($0, name: "--stall-grace") } ?? file.stallGrace ?? 7200
        let mriGrace =
            try mriStallGrace.map { try GraceSeconds.parse($0, name: "--mri-stall-grace") } ?? file.mriStallGrace
            ?? 86400
        var rules = StallRules()
        rules.stallGrace = Int64(grace) * 1_000_000
        rules.mriStallGrace = Int64(mriGrace) * 1_000_000
        let ingestPath = socket(ingestSocket, file.ingestSocket, "ingest.sock")
        let controlPath = socket(controlSocket, file.controlSocket, "control.sock")
        if let ingestPath, ingestPath == controlPath {
            throw ValidationError(
                "the ingest and control sockets are both \(ingestPath): give them different paths "
                    + "(--ingest-socket, --control-socket)")
        }
        var configuration = DaemonConfiguration(
            stateDirectory: stateDirectory,
            ingestSocketPath: ingestPath, controlSocketPath: controlPath, tcpListen: tcp,
            stallRules: rules, controlGroup: controlGroup ?? file.controlGroup ?? "pumpmon")
        configuration.initializeStore = initializeStore
        configuration.tls = try tlsFiles(file, credentials: environment["CREDENTIALS_DIRECTORY"])
        configuration.listenPlaintext = listenPlaintext || file.listenPlaintext == true
        configuration.gatewaysFile = gateways ?? file.gateways
        configuration.hl7Listen = try hostPort(
            hl7Listen ?? file.hl7Listen, flag: "--hl7-listen", example: "127.0.0.1:2575")
        configuration.hl7AlertManager = try hostPort(
            hl7AlertManager ?? file.hl7AlertManager, flag: "--hl7-alert-manager", example: "acm.example.org:2575")
        do {
            try configuration.checkListener()
        } catch {
            throw ValidationError(error.description)
        }
        let headInterval =
            try chainHeadInterval.map { try GraceSeconds.parse($0, name: "--chain-head-interval") }
            ?? file.chainHeadInterval ?? 3600
        configuration.chainHeadInterval = .seconds(headInterval)
        configuration.maxConnections =
            try maxConnections.map { try Bounded.parse($0, name: "--max-connections", range: Bounded.connections) }
            ?? file.maxConnections ?? configuration.maxConnections
        configuration.maxControlConnections =
            try maxControlConnections.map {
                try Bounded.parse($0, name: "--max-control-connections", range: Bounded.controlConnections)
            } ?? file.maxControlConnections ?? configuration.maxControlConnections
        let idle =
            try idleTimeout.map { try Bounded.parse($0, name: "--idle-timeout", range: Bounded.idleSeconds) }
            ?? file.idleTimeout
        if let idle { configuration.idleTimeout = .seconds(idle) }
        let silence =
            try silenceAlert.map { try GraceSeconds.parse($0, name: "--silence-alert") } ?? file.silenceAlert
        configuration.silenceAlert = silence.map { .seconds($0) }
        configuration.maxWatchQueue =
            try maxWatchQueue.map { try Bounded.parse($0, name: "--max-watch-queue", range: Bounded.watchQueue) }
            ?? file.maxWatchQueue ?? configuration.maxWatchQueue
        configuration.backupDirectory = backupDir ?? file.backupDir
        configuration.metricsEnabled = !noMetrics
        if let path = metricsSocket ?? file.metricsSocket { configuration.metricsSocketPath = path }
        if let listen = metricsListen ?? file.metricsListen {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (1...65535).contains(port)
            else { throw ValidationError("--metrics-listen takes HOST:PORT, e.g. 127.0.0.1:9410, not '\(listen)'") }
            configuration.metricsListen = (
                String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port
            )
        }
        configuration.backupKeep =
            try backupKeep.map { try Bounded.parse($0, name: "--backup-keep", range: Bounded.backupKeep) }
            ?? file.backupKeep ?? configuration.backupKeep

        LoggingSystem.bootstrap { label in JournalLogging.makeHandler(label: label, identifier: "pumpmond") }
        let logger = Logger(label: "pumpmond")
        do {
            try await Daemon(configuration: configuration, logger: logger).run()
        } catch let error as DaemonError {
            logger.critical("pumpmond cannot run", metadata: ["error": "\(error)"])
            throw ExitCode(error.exitCode)
        }
    }
}

extension Pumpmond {
    /// The TLS files from flags or the configuration file: all three or none. A relative path is
    /// read in systemd's credentials directory when there is one (`LoadCredential=`).
    func tlsFiles(_ file: ConfigFile, credentials: String?) throws(ValidationError) -> TLSFiles? {
        let given = [
            ("--tls-cert", tlsCert ?? file.tlsCert), ("--tls-key", tlsKey ?? file.tlsKey),
            ("--tls-client-ca", tlsClientCa ?? file.tlsClientCA),
        ]
        let present = given.compactMap { $0.1 }
        guard !present.isEmpty else { return nil }
        guard present.count == given.count else {
            let missing = given.filter { $0.1 == nil }.map(\.0).joined(separator: ", ")
            throw ValidationError("TLS needs a certificate, its key and a client-CA bundle: add \(missing)")
        }
        func resolve(_ path: String) -> String {
            guard !path.hasPrefix("/"), let credentials else { return path }
            return (credentials as NSString).appendingPathComponent(path)
        }
        return TLSFiles(
            certificateChain: resolve(present[0]), privateKey: resolve(present[1]), clientCA: resolve(present[2]))
    }
}

/// The `--config` file: every key optional; unknown keys are an error (loaded strictly).
struct ConfigFile: Decodable {
    var stateDir: String?
    var ingestSocket: String?
    var controlSocket: String?
    var listen: String?
    var stallGrace: Int?
    var mriStallGrace: Int?
    var controlGroup: String?
    var chainHeadInterval: Int?
    var maxConnections: Int?
    var maxControlConnections: Int?
    var idleTimeout: Int?
    var silenceAlert: Int?
    var maxWatchQueue: Int?
    var tlsCert: String?
    var tlsKey: String?
    var tlsClientCA: String?
    var gateways: String?
    var listenPlaintext: Bool?
    var hl7Listen: String?
    var backupDir: String?
    var backupKeep: Int?
    var metricsSocket: String?
    var metricsListen: String?
    var hl7AlertManager: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case stateDir = "state_dir"
        case ingestSocket = "ingest_socket"
        case controlSocket = "control_socket"
        case listen
        case stallGrace = "stall_grace"
        case mriStallGrace = "mri_stall_grace"
        case controlGroup = "control_group"
        case chainHeadInterval = "chain_head_interval"
        case maxConnections = "max_connections"
        case maxControlConnections = "max_control_connections"
        case idleTimeout = "idle_timeout"
        case silenceAlert = "silence_alert"
        case maxWatchQueue = "max_watch_queue"
        case tlsCert = "tls_cert"
        case tlsKey = "tls_key"
        case tlsClientCA = "tls_client_ca"
        case gateways
        case listenPlaintext = "listen_plaintext"
        case hl7Listen = "hl7_listen"
        case backupDir = "backup_dir"
        case backupKeep = "backup_keep"
        case metricsSocket = "metrics_socket"
        case metricsListen = "metrics_listen"
        case hl7AlertManager = "hl7_alert_manager"
    }

    init() {}

    static func load(path: String) throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("cannot read the configuration file \(path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConfigError("the configuration file \(path) is not a JSON object")
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigError(
                "unknown key '\(unknown)' in \(path); known keys: \(known.sorted().joined(separator: ", "))")
        }
        for key in [CodingKeys.stallGrace, .mriStallGrace, .chainHeadInterval, .silenceAlert] {
            guard let value = object[key.rawValue] else { continue }
            let text = (value as? NSNumber).map { "\($0)" } ?? "\(value)"
            do {
                _ = try GraceSeconds.parse(text, name: "'\(key.rawValue)' in \(path)")
            } catch {
                throw ConfigError(error.description)
            }
        }
        let bounded: [(CodingKeys, ClosedRange<Int>)] = [
            (.maxConnections, Bounded.connections), (.maxControlConnections, Bounded.controlConnections),
            (.idleTimeout, Bounded.idleSeconds), (.maxWatchQueue, Bounded.watchQueue),
            (.backupKeep, Bounded.backupKeep),
        ]
        for (key, range) in bounded {
            guard let value = object[key.rawValue] else { continue }
            let text = (value as? NSNumber).map { "\($0)" } ?? "\(value)"
            do {
                _ = try Bounded.parse(text, name: "'\(key.rawValue)' in \(path)", range: range)
            } catch {
                throw ConfigError(error.description)
            }
        }
        do {
            return try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigError(
                "'\(key)' in the configuration file \(path) has a value of the wrong type: \(context.debugDescription)")
        } catch {
            throw ConfigError("the configuration file \(path) cannot be read: \(error)")
        }
    }
}

/// A stall grace (or another interval) in whole seconds, bounded so that deadlines in microseconds can never overflow and
/// a typo (an extra zero or three) is caught at start rather than silently meaning centuries.
enum GraceSeconds {
    static let range = 1...31_536_000

    static func parse(_ text: String, name: String) throws(ValidationError) -> Int {
        guard let seconds = Int(text), range.contains(seconds) else {
            throw ValidationError(
                "\(name) takes a whole number of seconds from \(range.lowerBound) to \(range.upperBound) (one year), not '\(text)'"
            )
        }
        return seconds
    }
}

/// A whole number within a range: connection caps and the idle timeout.
enum Bounded {
    static let connections = 1...1_000_000
    static let controlConnections = 1...10_000
    static let idleSeconds = 1...86_400
    static let watchQueue = 1...1_000_000
    static let backupKeep = 1...10_000

    static func parse(_ text: String, name: String, range: ClosedRange<Int>) throws(ValidationError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw ValidationError(
                "\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }
}

/// A configuration file that cannot be used.
struct ConfigError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

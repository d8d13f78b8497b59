import Foundation
import Logging
import NIOCore
import NIOPosix
import PumpIngest
import PumpStore
import ServiceLifecycle
import SystemdSupport

/// The daemon, embeddable in tests: opens the store, binds (or adopts from systemd) the ingest and
/// control sockets, tells systemd it is ready, and runs its services until SIGTERM/SIGINT (or the
/// caller's cancellation), then drains: stops accepting, answers what it has read, commits, and
/// tells systemd `STOPPING=1`.
package struct Daemon: Sendable {
    /// The configuration it runs with.
    package let configuration: DaemonConfiguration
    private let clock: any DaemonClock
    private let logger: Logger

    package init(configuration: DaemonConfiguration, clock: any DaemonClock = SystemWallClock(), logger: Logger) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// Runs until a shutdown signal; `handleSignals` false leaves signals to the caller (tests cancel).
    package func run(handleSignals: Bool = true) async throws {
        let started = clock.nowMicros()
        MemoryTuning.apply()
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.stateDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw DaemonError.stateDirectory(path: configuration.stateDirectory, reason: error.localizedDescription)
        }
        // Health data: the daemon's user only, whatever the umask or whoever made the directory.
        if chmod(configuration.stateDirectory, 0o700) != 0 {
            logger.warning(
                "cannot make the state directory private (0700)",
                metadata: ["path": "\(configuration.stateDirectory)", "error": "\(String(cString: strerror(errno)))"])
        }
        let lock = try StateDirectoryLock(directory: configuration.stateDirectory)
        defer { withExtendedLifetime(lock) {} }
        let store = try StoreStartup.open(
            directory: configuration.stateDirectory, initialize: configuration.initializeStore, logger: logger)
        let chains = ChainJournal(store: store, interval: configuration.chainHeadInterval, logger: logger)
        let writer = IngestWriter(store: store, rules: configuration.stallRules)
        let counters = IngestCounters()
        let alarm = StallAlarm()
        let board = AlertBoard(
            silenceThreshold: configuration.silenceAlert.map(Self.micros), queueLimit: configuration.maxWatchQueue,
            logger: logger)
        do {
            try await board.load(from: store, now: clock.nowMicros())
        } catch {
            throw DaemonError.store(error)
        }
        let metrics = configuration.metricsEnabled ? DaemonMetrics() : nil
        let committer = IngestCommitter(
            writer: writer, clock: clock, configuration: configuration, counters: counters, alarm: alarm,
            board: board, logger: logger, metrics: metrics)

        let fileLimit = OpenFileLimit.raise(logger: logger)
        let caps = OpenFileLimit.caps(
            ingest: configuration.maxConnections, control: configuration.maxControlConnections, limit: fileLimit)
        if caps != (configuration.maxConnections, configuration.maxControlConnections) {
            logger.warning(
                "Connection limits lowered to fit under the open-file limit",
                metadata: [
                    "connections.ingest.limit": "\(caps.ingest)", "connections.control.limit": "\(caps.control)",
                    "rlimit_nofile.soft": "\(fileLimit)",
                ])
        }
        let ingestBudget = ConnectionBudget(kind: "ingest", limit: caps.ingest, logger: logger)
        let controlBudget = ConnectionBudget(kind: "control", limit: caps.control, logger: logger)
        let idleTimeout = TimeAmount.nanoseconds(
            Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000
                + configuration.idleTimeout.components.attoseconds / 1_000_000_000)

        let security: IngestSecurity
        do {
            security = try IngestSecurity(
                sources: .init(tls: configuration.tls, gatewaysFile: configuration.gatewaysFile), logger: logger)
        } catch {
            throw DaemonError.security(error)
        }

        let group = MultiThreadedEventLoopGroup.singleton
        let inherited: [ListenedSocket]
        do {
            inherited = try SocketActivation.takeListenedSockets()
        } catch {
            throw DaemonError.socketActivation(names: ["unreadable LISTEN_FDS: \(error)"])
        }
        var ingestEndpoints: [ListenEndpoint] = []
        let controlEndpoint: ListenEndpoint
        if inherited.isEmpty {
            ingestEndpoints.append(.unix(path: configuration.ingestSocketPath))
            controlEndpoint = .unix(path: configuration.controlSocketPath)
        } else {
            ingestEndpoints += inherited.filter { $0.name == "ingest" }.map { .inherited(fd: $0.fd) }
            guard let control = inherited.first(where: { $0.name == "control" }), !ingestEndpoints.isEmpty else {
                throw DaemonError.socketActivation(names: inherited.map(\.name))
            }
            controlEndpoint = .inherited(fd: control.fd)
        }
        if let tcp = configuration.tcpListen {
            ingestEndpoints.append(.tcp(host: tcp.host, port: tcp.port))
        }
        var hl7Endpoints: [ListenEndpoint] = inherited.filter { $0.name == "hl7" }.map { .inherited(fd: $0.fd) }
        if let hl7 = configuration.hl7Listen {
            hl7Endpoints.append(.tcp(host: hl7.host, port: hl7.port))
        }
        let metricsEndpoint: ListenEndpoint
        if let activated = inherited.first(where: { $0.name == "metrics" }) {
            metricsEndpoint = .inherited(fd: activated.fd)
        } else if let tcp = configuration.metricsListen {
            metricsEndpoint = .tcp(host: tcp.host, port: tcp.port)
        } else {
            metricsEndpoint = .unix(path: configuration.metricsSocketPath)
        }

        var listeners: [IngestListener] = []
        let controlListener: ControlListener
        var metricsListener: MetricsListener?
        do {
            for endpoint in ingestEndpoints {
                let transport: IngestTransport
                switch endpoint {
                case .unix: transport = .unixSocket
                case .tcp: transport = configuration.tls == nil ? .plaintextTCP : .tls(security)
                case .inherited(let fd):
                    guard ListenEndpoint.isTCP(fd: fd) else {
                        transport = .unixSocket
                        break
                    }
                    // A TCP socket from systemd: mutual TLS, or plain text only as --listen allows it.
                    guard configuration.tls == nil else {
                        transport = .tls(security)
                        break
                    }
                    guard configuration.listenPlaintext, ListenEndpoint.isLoopback(fd: fd) else {
                        throw DaemonError.plaintextSocket(fd: fd)
                    }
                    transport = .plaintextTCP
                }
                listeners.append(
                    try await IngestServer.bind(
                        endpoint, transport: transport, group: group, budget: ingestBudget, idleTimeout: idleTimeout,
                        logger: logger))
                if case .unix(let path) = endpoint {
                    chmod(path, configuration.controlSocketMode)
                }
            }
            for endpoint in hl7Endpoints {
                // HL7 over MLLP: the TCP ingest's mutual TLS when configured, else plain text on loopback.
                if configuration.tls == nil, case .inherited(let fd) = endpoint, !ListenEndpoint.isLoopback(fd: fd) {
                    throw DaemonError.plaintextSocket(fd: fd)
                }
                listeners.append(
                    try await IngestServer.bind(
                        endpoint, transport: configuration.tls == nil ? .plaintextTCP : .tls(security), wire: .mllp,
                        group: group, budget: ingestBudget, idleTimeout: idleTimeout, logger: logger))
            }
            // The metrics listener before the control socket: the control socket answering is the
            // daemon's sign (to tests and scripts) that binding is over.
            if configuration.metricsEnabled {
                metricsListener = try await MetricsServer.bind(metricsEndpoint, group: group)
                if case .unix(let path) = metricsEndpoint {
                    chmod(path, configuration.controlSocketMode)
                }
            }
            controlListener = try await ControlServer.bind(
                controlEndpoint, group: group, budget: controlBudget, idleTimeout: idleTimeout)
            if case .unix(let path) = controlEndpoint {
                chmod(path, configuration.controlSocketMode)
            }
        } catch let error as DaemonError {
            for l in listeners { try? await l.channel.close() }
            try? await metricsListener?.channel.close()
            throw error
        } catch {
            for l in listeners { try? await l.channel.close() }
            try? await metricsListener?.channel.close()
            throw DaemonError.bind(reason: "\(error)")
        }
        let metricsAt = metricsListener.flatMap { MetricsServer.location(of: $0.channel.localAddress) }

        let ingest = IngestServer(
            listeners: listeners, committer: committer, clock: clock,
            maxPendingReplies: configuration.maxPendingReplies, security: security, logger: logger)
        let handler = ControlHandler(
            store: store, committer: committer, writer: writer, configuration: configuration,
            access: ControlAccessPolicy(groupName: configuration.controlGroup), clock: clock, startedAt: started,
            logger: logger,
            backups: StoreBackup(
                store: store, directory: configuration.effectiveBackupDirectory, keep: configuration.backupKeep),
            metrics: metrics, metricsAt: metricsAt)
        let control = ControlServer(listener: controlListener, handler: handler, logger: logger)
        let sweeper = StallSweeper(
            committer: committer, store: store, alarm: alarm, clock: clock, interval: configuration.sweepInterval,
            logger: logger)
        let notifier = SystemdNotifier()
        let readyMetadata: Logger.Metadata = [
            "message_id": "\(JournalMessageIDs.ready)", "store": "\(store.path)",
            "ingest": "\((ingestEndpoints + hl7Endpoints).map(\.description).joined(separator: ", "))",
            "control": "\(controlEndpoint.description)", "metrics": "\(metricsAt ?? "?")",
            "connections.ingest.limit": "\(caps.ingest)", "connections.control.limit": "\(caps.control)",
        ]
        let systemd = SystemdIntegration(
            notifier: notifier, committer: committer, statusInterval: configuration.statusInterval
        ) { [logger] in
            logger.notice("pumpmond ready", metadata: readyMetadata)
        }

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: systemd, successTerminationBehavior: .ignore), .init(service: committer),
            .init(service: sweeper),
            .init(service: ingest), .init(service: control), .init(service: chains),
        ]
        if let metricsListener, let metrics {
            services.append(
                .init(
                    service: MetricsServer(
                        listener: metricsListener, metrics: metrics,
                        sources: MetricsSources(store: store, counters: counters, board: board, clock: clock),
                        logger: logger)))
        }
        if configuration.silenceAlert != nil {
            services.append(.init(service: SilenceWatch(board: board, clock: clock)))
        }
        if let manager = configuration.hl7AlertManager {
            services.append(
                .init(
                    service: HL7AlertReporter(
                        board: board, store: store, host: manager.host, port: manager.port, clock: clock,
                        logger: logger)))
        }
        if handleSignals {
            services.append(.init(service: await SecurityReloader(security: security, logger: logger)))
        }
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger))

        var failure: (any Error)?
        do { try await serviceGroup.run() } catch { failure = error }
        notifier.notify(.stopping)
        // Every service has ended: closing the store releases every connection and cached statement
        // before the process exits (the WAL file itself stays; the next start recovers from it).
        do {
            try store.close()
        } catch {
            logger.warning(
                "closing the store failed; the next start recovers from its WAL", metadata: ["error": "\(error)"])
        }
        if let failure { throw failure }
        logger.notice("pumpmond stopped", metadata: ["messages.accepted": "\(counters.snapshot.accepted)"])
    }
}

extension Daemon {
    /// A duration in whole microseconds.
    static func micros(_ d: Duration) -> Int64 {
        d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000
    }
}

/// Why the daemon could not start, in words an operator can act on.
package enum DaemonError: Error, CustomStringConvertible {
    /// The store could not be opened.
    case store(StoreError)
    /// A socket could not be bound.
    case bind(reason: String)
    /// systemd passed sockets, but not the `ingest` and `control` ones.
    case socketActivation(names: [String])
    /// Another daemon holds the state directory's lock.
    case alreadyRunning(directory: String, pid: Int32?)
    /// The state directory cannot be created, opened or locked.
    case stateDirectory(path: String, reason: String)
    /// The store is not the one the state directory's store id file records.
    case storeNotOurs(store: String, identityFile: String, finding: StoreFinding)
    /// The TLS files or the gateways file cannot be used.
    case security(IngestSecurityError)
    /// systemd passed a TCP ingest socket, and the daemon has no TLS settings for it.
    case plaintextSocket(fd: Int32)

    /// The process exit code: 75 (`EX_TEMPFAIL`) while another daemon runs, since starting later
    /// may work; 71 (`EX_OSERR`) otherwise, a store refused included (missing, empty, foreign,
    /// damaged, not a file); 64, like pumpmond's other configuration errors, for TLS or gateways
    /// files it cannot use.
    package var exitCode: Int32 {
        switch self {
        case .alreadyRunning: 75
        case .security, .plaintextSocket: 64
        default: 71
        }
    }

    package var description: String {
        switch self {
        case .store(let e): "\(e)"
        case .bind(let reason):
            "cannot listen: \(reason); check that the socket directory exists and is writable, and that no other pumpmond runs"
        case .socketActivation(let names):
            "systemd passed sockets named \(names) but pumpmond needs FileDescriptorName=ingest and FileDescriptorName=control"
        case .alreadyRunning(let directory, let pid):
            "another pumpmond\(pid.map { " (PID \($0))" } ?? "") already runs on the state directory \(directory); "
                + "stop it first (systemctl stop pumpmond) or give this one another --state-dir"
        case .stateDirectory(let path, let reason):
            "cannot use the state directory \(path): \(reason)"
        case .security(let error):
            "cannot set up the ingest listeners' security: \(error)"
        case .plaintextSocket(let fd):
            "systemd passed a TCP ingest socket (fd \(fd)) and pumpmond has no TLS settings for it: add --tls-cert, "
                + "--tls-key and --tls-client-ca (see systemd/pumpmond-tls.conf), or, on a loopback address only, "
                + "--listen-plaintext"
        case .storeNotOurs(let store, let identityFile, let finding):
            "refusing to start: the store \(store) \(finding), but \(identityFile) records the store created here. "
                + "Restore the store from a backup: \(StoreError.restoreProcedure). "
                + "Or, to begin a new, empty store deliberately, start once with --initialize-store "
                + "(what is there now is set aside, not deleted)"
        }
    }
}

extension ListenEndpoint {
    /// Whether an inherited listening socket is TCP (IPv4 or IPv6) rather than a Unix socket.
    static func isTCP(fd: Int32) -> Bool {
        boundAddress(fd).map { $0.family == AF_INET || $0.family == AF_INET6 } ?? false
    }

    /// Whether an inherited TCP socket is bound to a loopback address.
    static func isLoopback(fd: Int32) -> Bool {
        guard let host = boundAddress(fd)?.host else { return false }
        return DaemonConfiguration.isLoopback(host)
    }

    /// The family and numeric host a socket is bound to (`getsockname`).
    private static func boundAddress(_ fd: Int32) -> (family: Int32, host: String?)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let named = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0
            }
        }
        return (
            Int32(storage.ss_family),
            named ? String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        )
    }
}

extension ListenEndpoint: CustomStringConvertible {
    var description: String {
        switch self {
        case .unix(let path): path
        case .tcp(let host, let port): "\(host):\(port)"
        case .inherited(let fd): "fd \(fd) from systemd"
        }
    }
}

import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PumpHL7
import PumpIngest
import PumpTelemetry
import ServiceLifecycle

/// An accepted ingest connection and who is on the other end.
struct IngestConnection: Sendable {
    var accepted: AcceptedChannel
    var sender: ConnectionSender
    /// How its messages are framed and answered.
    var wire: IngestWire = .lines
}

/// What an ingest listener's connections speak.
enum IngestWire: Sendable {
    /// Protocol v1: JSON lines, JSON replies.
    case lines
    /// HL7 v2 over MLLP (docs/hl7.md): mapped to protocol v1, answered with ACKs.
    case mllp
}

/// Who sent a connection's lines: known when it is accepted (a Unix socket's uid, a loopback
/// address), or once a TLS handshake completes (failed when it never does). The first is resolved
/// before the connection is handed over: awaiting a future that its event loop completes while
/// the task is still suspending is a race ThreadSanitizer reports inside the concurrency runtime.
enum ConnectionSender: Sendable {
    case known(Sender)
    case afterHandshake(EventLoopFuture<Sender>)
}

/// How an ingest listener's connections are carried, which decides how their senders are known.
enum IngestTransport: Sendable {
    /// A Unix socket: the peer's uid (`SO_PEERCRED`).
    case unixSocket
    /// TCP with mutual TLS: the peer's verified client certificate.
    case tls(IngestSecurity)
    /// Plain TCP, allowed on loopback only when asked for (`--listen-plaintext`).
    case plaintextTCP
}

/// A bound listening socket whose connections speak protocol v1.
typealias IngestListener = NIOAsyncChannel<IngestConnection, Never>

/// Accepts telemetry connections on every ingest listener (Unix socket, optional TCP) and serves
/// each in its own child task: frames are validated here, off the event loop, then handed to the
/// group commit; replies go back in order, one line each. One bad connection never disturbs another.
final class IngestServer: Service, Sendable {
    private let listeners: [IngestListener]
    private let committer: IngestCommitter
    private let clock: any DaemonClock
    private let logger: Logger
    let validator = FrameValidator()
    private let maxPendingReplies: Int
    private let security: IngestSecurity

    init(
        listeners: [IngestListener], committer: IngestCommitter, clock: any DaemonClock, maxPendingReplies: Int,
        security: IngestSecurity, logger: Logger
    ) {
        self.listeners = listeners
        self.security = security
        self.committer = committer
        self.clock = clock
        self.maxPendingReplies = maxPendingReplies
        self.logger = logger
    }

    /// Binds a listener for ingest connections: at most `budget` of them open at once (shared by
    /// every ingest listener), each closed when it holds a partial line and sends nothing for
    /// `idleTimeout`. A connection holding no partial line is never closed for idleness: gateways
    /// keep one connection open for as long as they run, and quiet hours are normal. A TLS
    /// connection's handler goes first, so that framing, caps, the idle timeout and the reply window
    /// apply to the decrypted lines unchanged; one that has not completed its handshake within
    /// `idleTimeout` is closed too.
    static func bind(
        _ endpoint: ListenEndpoint, transport: IngestTransport, wire: IngestWire = .lines, group: any EventLoopGroup,
        budget: ConnectionBudget, idleTimeout: TimeAmount, logger: Logger
    ) async throws -> IngestListener {
        try await endpoint.bind(
            ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ConnectionCapHandler(budget: budget))
                    }
                }
                .childChannelOption(.allowRemoteHalfClosure, value: true)
        ) { channel in
            let sender: EventLoopFuture<ConnectionSender>
            var gate: TLSPeerGate?
            switch transport {
            case .unixSocket:
                sender = Self.unixSender(of: channel).map { .known($0) }
            case .plaintextTCP:
                sender = channel.eventLoop.makeSucceededFuture(
                    .known(.loopbackPlaintext(address: channel.remoteAddress?.ipAddress ?? "?")))
            case .tls(let security):
                let promise = channel.eventLoop.makePromise(of: Sender.self)
                sender = channel.eventLoop.makeSucceededFuture(.afterHandshake(promise.futureResult))
                guard let context = security.context else {
                    promise.fail(ChannelError.ioOnClosedChannel)
                    return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
                }
                do {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    let handler = TLSPeerGate(security: security, sender: promise, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    gate = handler
                } catch {
                    promise.fail(error)
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            let admitted = gate.map { NIOLoopBound($0, eventLoop: channel.eventLoop) }
            return sender.flatMapThrowing { sender in
                let holdsPartial: () -> Bool
                switch wire {
                case .lines:
                    let framer = LineFramer()
                    try channel.pipeline.syncOperations.addHandler(framer)
                    holdsPartial = { framer.holdsPartialLine }
                case .mllp:
                    let framer = MLLPFramer()
                    try channel.pipeline.syncOperations.addHandler(framer)
                    holdsPartial = { framer.holdsPartialFrame }
                }
                try channel.pipeline.syncOperations.addHandler(
                    IdleConnectionHandler(timeout: idleTimeout) {
                        holdsPartial() || admitted.map { !$0.value.admitted } ?? false
                    })
                return IngestConnection(
                    accepted: AcceptedChannel(try NIOAsyncChannel(wrappingChannelSynchronously: channel)),
                    sender: sender, wire: wire)
            }
        }
    }

    /// A Unix-socket peer's uid, from the kernel.
    private static func unixSender(of channel: any Channel) -> EventLoopFuture<Sender> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(.unknown)
        }
        return provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
        ).map { (credentials: ControlServer.PeerCredentialsLayout) in
            Sender.unixUser(uid: credentials.uid)
        }.recover { _ in .unknown }
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                for listener in listeners {
                    group.addTask {
                        try await self.accept(on: listener)
                    }
                }
                group.addTask {
                    // Ends with the shutdown: the sleep's cancellation is not a failure.
                    try? await cancelWhenGracefulShutdown { try await self.releaseMemoryOfClosedConnections() }
                }
            }
        } onGracefulShutdown: {
            for listener in self.listeners {
                listener.channel.close(promise: nil)
            }
        }
    }

    private func accept(on listener: IngestListener) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            do {
                try await listener.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask {
                            await self.serve(connection)
                        }
                    }
                }
            } catch let error as ChannelError where error == .ioOnClosedChannel || error == .alreadyClosed {
                // The listener was closed by the shutdown: stop accepting.
            }
        }
    }

    /// Serves one connection until its input ends: reads lines, submits them, writes replies. A
    /// TLS connection whose handshake fails (no certificate, another CA, expired, revoked) is
    /// closed unserved.
    private func serve(_ incoming: IngestConnection) async {
        committer.counters.connectionOpened()
        defer { committer.counters.connectionClosed() }
        let accepted = incoming.accepted
        let sender: Sender
        do {
            switch incoming.sender {
            case .known(let known): sender = known
            case .afterHandshake(let handshake): sender = try await handshake.get()
            }
        } catch {
            logger.debug("Ingest connection closed before its sender was known", metadata: ["error": "\(error)"])
            try? await accepted.executeThenClose { _, _ in }
            return
        }
        do {
            let connection = accepted.channel
            let hl7 = incoming.wire == .mllp ? HL7Replies(clock: clock) : nil
            try await accepted.executeThenClose { inbound, outbound in
                let (replies, sink) = AsyncStream<[Reply]>.makeStream()
                let window = ReplyWindow(limit: self.maxPendingReplies)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var bytes: [UInt8] = []
                        do {
                            for await batch in replies {
                                bytes.removeAll(keepingCapacity: bytes.capacity <= 1 << 16)
                                for reply in batch {
                                    if let hl7 { hl7.append(reply, to: &bytes) } else { reply.appendLine(to: &bytes) }
                                }
                                // Wait until the bytes are written to the socket: closing the
                                // connection after the last batch must not drop replies still queued
                                // in NIO, and the window opens only for replies the peer took.
                                try await connection.channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
                                window.release(batch.count)
                            }
                        } catch {
                            window.openUp()
                            throw error
                        }
                    }
                    await withGracefulShutdownHandler {
                        do {
                            for try await frames in inbound {
                                // Replies the peer does not read hold its next lines unread.
                                await window.reserve(frames.count)
                                let authorization = self.security.authorize(sender)
                                await self.committer.submit(
                                    IngestSubmission(
                                        items: self.items(frames, from: authorization, hl7: hl7), sink: sink))
                            }
                        } catch {
                            self.logger.debug("Ingest connection read ended", metadata: ["error": "\(error)"])
                        }
                    } onGracefulShutdown: {
                        // Stop reading: what was read is still answered.
                        connection.channel.close(mode: .input, promise: nil)
                    }
                    await self.committer.submit(IngestSubmission(items: [], sink: sink, finishesSink: true))
                    try await group.waitForAll()
                }
                // Replies handed to the writer may still wait in the channel, and executeThenClose
                // closes at once, which drops them: wait until everything before this empty write
                // is on the socket.
                try? await connection.channel.writeAndFlush(ByteBuffer()).get()
            }
        } catch {
            logger.debug("Ingest connection closed with an error", metadata: ["error": "\(error)"])
        }
    }

    /// After connections closed, hands the memory they freed back to the system once ingest has
    /// been quiet for a second: glibc keeps freed buffers mapped, so 2,000 connections' partial
    /// lines stayed resident after they closed. `malloc_trim` walks every arena under its lock for
    /// a few milliseconds, which held up replies when it ran under load (p99.9 at 1k msg/s 24.5 ms
    /// with it, 2.9 ms without); under steady traffic the freed memory is reused anyway.
    private func releaseMemoryOfClosedConnections() async throws {
        var closed = committer.counters.connectionsClosed
        while true {
            try await Task.sleep(for: .seconds(10))
            guard committer.counters.connectionsClosed != closed else { continue }
            var lines = committer.counters.snapshot.lines
            while true {
                try await Task.sleep(for: .seconds(1))
                let now = committer.counters.snapshot.lines
                if now == lines { break }
                lines = now
            }
            closed = committer.counters.connectionsClosed
            MemoryTuning.releaseFreeMemory()
        }
    }

    /// Validates a burst of frames into store items, stamped with the daemon's clock and their
    /// sender. A valid message for a serial outside the sender's allowance is rejected
    /// `not_authorized`: after validation (a line with a fault gets that fault's reason), before
    /// storage (so before `conflicting_duplicate`).
    private func items(_ frames: [InboundFrame], from sender: Authorization, hl7: HL7Replies?) -> [IngestItem] {
        let now = clock.nowMicros()
        let source = sender.source
        return frames.map { frame in
            switch frame {
            case .line(let line):
                let raw = Array(line.readableBytesView)
                switch raw.withUnsafeBytes({ validator.validate($0, nowMicros: now) }) {
                case .valid(let message):
                    guard sender.allowance.allows(message.serial) else {
                        let rejection = Rejection.notAuthorized(id: message.id, serial: message.serial, source: source)
                        return .rejected(rejection, raw: raw, receivedAt: now, source: source)
                    }
                    return .message(message, raw: raw, receivedAt: now, source: source)
                case .rejected(let rejection): return .rejected(rejection, raw: raw, receivedAt: now, source: source)
                }
            case .tooLarge(let prefix, let length):
                let rejection = Rejection.frameTooLarge(length: length)
                return .rejected(rejection, raw: Array(prefix.readableBytesView), receivedAt: now, source: source)
            case .hl7(let frame):
                return hl7Item(frame, from: sender, now: now, replies: hl7)
            }
        }
    }
}

/// Why a listener could not be set up.
enum ListenError: Error, CustomStringConvertible {
    /// Another live process accepts connections on the socket path.
    case socketInUse(path: String)

    var description: String {
        switch self {
        case .socketInUse(let path):
            "another process listens on \(path) (is another pumpmond running?); it is left as it is"
        }
    }
}

/// Where a server listens: a path it binds, a TCP address, or a socket systemd passed in.
enum ListenEndpoint: Sendable {
    /// A Unix socket path bound by the daemon (an old socket file there is removed first).
    case unix(path: String)
    /// A TCP host and port.
    case tcp(host: String, port: Int)
    /// A listening socket inherited from systemd.
    case inherited(fd: Int32)

    func bind<Output: Sendable>(
        _ bootstrap: ServerBootstrap,
        childChannelInitializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Output>
    ) async throws -> NIOAsyncChannel<Output, Never> {
        switch self {
        case .unix(let path):
            guard !unixSocketIsLive(path) else { throw ListenError.socketInUse(path: path) }
            return try await bootstrap.bind(
                unixDomainSocketPath: path, cleanupExistingSocketFile: true,
                childChannelInitializer: childChannelInitializer)
        case .tcp(let host, let port):
            return try await bootstrap.bind(host: host, port: port, childChannelInitializer: childChannelInitializer)
        case .inherited(let fd):
            return try await bootstrap.bind(fd, childChannelInitializer: childChannelInitializer)
        }
    }
}

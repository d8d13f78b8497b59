import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A control connection and its caller's credentials.
struct ControlConnection: Sendable {
    var accepted: AcceptedChannel
    var peer: PeerCredentials?
    /// Whether it watches (`watch`) and whether its peer closed its side.
    var watch: WatchConnectionState
}

/// A bound control listener.
typealias ControlListener = NIOAsyncChannel<ControlConnection, Never>

/// Serves the control socket: one request line, one reply line, per connection; a `watch`
/// request is answered with lines until either side closes.
final class ControlServer: Service, Sendable {
    private let listener: ControlListener
    private let handler: ControlHandler
    private let logger: Logger

    init(listener: ControlListener, handler: ControlHandler, logger: Logger) {
        self.listener = listener
        self.handler = handler
        self.logger = logger
    }

    /// Binds the control listener; every accepted connection carries its peer's credentials. At
    /// most `budget` connections are open at once (their descriptors are kept apart from the ingest
    /// ones); one that has not sent its request within `idleTimeout` is closed.
    static func bind(
        _ endpoint: ListenEndpoint, group: any EventLoopGroup, budget: ConnectionBudget, idleTimeout: TimeAmount
    ) async throws -> ControlListener {
        try await endpoint.bind(
            ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ConnectionCapHandler(budget: budget))
                    }
                }
                .childChannelOption(.allowRemoteHalfClosure, value: true)
        ) { channel in
            let credentials: EventLoopFuture<PeerCredentialsLayout?>
            let groups: EventLoopFuture<[UInt32]>
            if let provider = channel as? any SocketOptionProvider {
                credentials = provider.unsafeGetSocketOption(
                    level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
                ).map { Optional($0) }.recover { _ in nil }
                groups = PeerGroupsLayout.read(from: provider, on: channel.eventLoop)
            } else {
                credentials = channel.eventLoop.makeSucceededFuture(nil)
                groups = channel.eventLoop.makeSucceededFuture([])
            }
            return credentials.and(groups).flatMapThrowing { cred, groups in
                let framer = LineFramer()
                try channel.pipeline.syncOperations.addHandler(framer)
                // A watch connection has sent its request: it is idle by nature and never closed as idle.
                try channel.pipeline.syncOperations.addHandler(
                    IdleConnectionHandler(timeout: idleTimeout) { framer.framedLines == 0 })
                let watch = WatchConnectionState()
                try channel.pipeline.syncOperations.addHandler(WatchInputCloseHandler(state: watch))
                return ControlConnection(
                    accepted: AcceptedChannel(try NIOAsyncChannel(wrappingChannelSynchronously: channel)),
                    peer: cred.map { PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid, groups: groups) },
                    watch: watch)
            }
        }
    }

    /// `struct ucred` as the kernel fills it for `SO_PEERCRED` (Glibc hides the C type).
    struct PeerCredentialsLayout: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// The caller's supplementary groups as the kernel recorded them at `connect` (`SO_PEERGROUPS`,
    /// Linux 4.13+). `SO_PEERCRED` carries only the primary group, and a caller need not have a
    /// passwd entry for its groups to count. Room for 256 groups; a caller with more, or a kernel
    /// without the option, gets an empty list (the group database is still consulted). The kernel
    /// does not say how many it wrote and the buffer starts zeroed, so gid 0 entries are dropped.
    enum PeerGroupsLayout {
        #if os(Linux)
            static let option = SocketOptionName(59)  // SO_PEERGROUPS, absent from Glibc's Swift module
        #endif

        static func read(from provider: any SocketOptionProvider, on loop: any EventLoop) -> EventLoopFuture<[UInt32]> {
            #if os(Linux)
                let future: EventLoopFuture<InlineArray<256, UInt32>> = provider.unsafeGetSocketOption(
                    level: SocketOptionLevel(SOL_SOCKET), name: option)
                return future.map { list in
                    var groups: [UInt32] = []
                    for i in list.indices where list[i] != 0 { groups.append(list[i]) }
                    return groups
                }.recover { _ in [] }
            #else
                return loop.makeSucceededFuture([])
            #endif
        }
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await self.serve(connection) }
                        }
                    }
                } catch let error as ChannelError where error == .ioOnClosedChannel || error == .alreadyClosed {
                    // Closed by the shutdown.
                }
            }
        } onGracefulShutdown: {
            self.listener.channel.close(promise: nil)
            self.handler.committer.board.finishAll()  // watch connections end; the others finish their reply
        }
    }

    private func serve(_ connection: ControlConnection) async {
        do {
            try await connection.accepted.executeThenClose { inbound, _ in
                for try await frames in inbound {
                    guard let first = frames.first else { continue }
                    let line: [UInt8]
                    switch first {
                    case .line(let buffer): line = Array(buffer.readableBytesView)
                    case .tooLarge, .hl7: line = []  // the control socket frames lines only
                    }
                    // A long reply (every pump, every message) comes in pieces of about 1 MiB, never
                    // copied whole. A piece is written while the next one is produced, and the next
                    // is handed over only once the one before it is on the socket: a reader that
                    // does not read holds the daemon to two pieces, one that reads gets both sides
                    // working at once. The last write is awaited itself, not only its hand-over, so
                    // that closing the connection cannot drop a reply larger than the socket buffer.
                    let channel = connection.accepted.channel.channel
                    var writing: EventLoopFuture<Void>?
                    try await handler.respond(
                        to: line, from: connection.peer, watch: connection.watch.hooks(channel)
                    ) { piece in
                        try await writing?.get()
                        writing = channel.writeAndFlush(ByteBuffer(bytes: piece))
                    }
                    try await writing?.get()
                    return
                }
            }
        } catch {
            logger.debug("Control connection ended with an error", metadata: ["error": "\(error)"])
        }
    }
}

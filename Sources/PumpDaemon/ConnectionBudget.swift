import Logging
import NIOCore
import Synchronization

/// How many connections of one kind (ingest, or control) may be open at once, shared by every
/// listener of that kind. Over the cap a connection is accepted and closed at once: the peer sees
/// an immediate end of file (and can back off and reconnect) instead of hanging in the listen
/// backlog, and the descriptor is free again at once. Refusals are logged at most once per
/// `logInterval`, with how many there were.
final class ConnectionBudget: Sendable {
    /// What the connections are, for the log (`ingest`, `control`).
    let kind: String
    /// The most connections open at once.
    let limit: Int
    private let open = Atomic<Int>(0)
    private let refusedSinceLog = Atomic<Int>(0)
    private let lastLog = Atomic<Int64>(.min)
    private let logInterval: Int64 = 10_000_000_000
    private let logger: Logger

    init(kind: String, limit: Int, logger: Logger) {
        self.kind = kind
        self.limit = max(1, limit)
        self.logger = logger
    }

    /// Connections open now.
    var current: Int { open.load(ordering: .relaxed) }

    /// Takes a place for a new connection, or counts (and maybe logs) a refusal.
    func acquire() -> Bool {
        if open.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
        open.wrappingSubtract(1, ordering: .relaxed)
        refusedSinceLog.wrappingAdd(1, ordering: .relaxed)
        let now = Int64(NIODeadline.now().uptimeNanoseconds)
        let last = lastLog.load(ordering: .relaxed)
        if last == .min || now - last >= logInterval,
            lastLog.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged
        {
            let count = refusedSinceLog.exchange(0, ordering: .relaxed)
            logger.warning(
                "Connection limit reached: new connections are closed at once",
                metadata: [
                    "connections.kind": "\(kind)", "connections.limit": "\(limit)",
                    "connections.refused": "\(count)",
                ])
        }
        return false
    }

    /// Gives the place of a closed connection back.
    func release() {
        open.wrappingSubtract(1, ordering: .relaxed)
    }
}

/// In a server channel's pipeline: passes on each accepted connection while the budget has room,
/// and closes the others at once (their child channel is never registered nor served).
final class ConnectionCapHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let budget: ConnectionBudget

    init(budget: ConnectionBudget) {
        self.budget = budget
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        guard budget.acquire() else {
            child.close(promise: nil)
            return
        }
        let budget = self.budget
        child.closeFuture.whenComplete { _ in budget.release() }
        context.fireChannelRead(data)
    }
}

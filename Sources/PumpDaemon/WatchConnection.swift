import NIOCore
import Synchronization

/// What a `watch` answer needs of its connection beyond sending: to close it (the watcher fell
/// behind), and to hear when it closes (the peer went away), so that the watcher is dropped.
struct WatchHooks: Sendable {
    /// Closes the connection.
    var close: @Sendable () -> Void
    /// Marks the connection as watching and registers `onClose` for when it closes; false, with
    /// nothing registered, when the peer has already closed its side.
    var start: @Sendable (_ onClose: @escaping @Sendable () -> Void) -> Bool

    /// For callers without a connection (tests of one reply): nothing to close, never watching.
    static let none = WatchHooks(close: {}, start: { _ in false })
}

/// Whether a control connection is watching and whether its peer closed its side. A control
/// connection allows half-closure (a request written and the side shut still gets its reply), so
/// the daemon would otherwise notice a departed watcher only at its next write.
final class WatchConnectionState: Sendable {
    private struct State {
        var watching = false
        var inputClosed = false
    }
    private let state = Mutex(State())

    /// Marks the connection watching; false when the peer already closed its side.
    func startWatching() -> Bool {
        state.withLock { s in
            if s.inputClosed { return false }
            s.watching = true
            return true
        }
    }

    /// Notes the peer's end of input; true when the connection is watching (then it is closed).
    func inputClosed() -> Bool {
        state.withLock { s in
            s.inputClosed = true
            return s.watching
        }
    }

    /// The hooks of a connection on `channel`.
    func hooks(_ channel: any Channel) -> WatchHooks {
        WatchHooks(
            close: { channel.close(promise: nil) },
            start: { onClose in
                guard self.startWatching() else { return false }
                channel.closeFuture.whenComplete { _ in onClose() }
                return true
            })
    }
}

/// Closes a watching control connection once its peer closes its side.
final class WatchInputCloseHandler: ChannelInboundHandler {
    typealias InboundIn = [InboundFrame]
    typealias InboundOut = [InboundFrame]

    private let state: WatchConnectionState

    init(state: WatchConnectionState) {
        self.state = state
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent, state.inputClosed() {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}

import NIOCore

/// Closes a connection that the daemon waits on for longer than `timeout` without a byte arriving,
/// when `isIdle` says it holds nothing worth waiting for (for ingest: a partial line; for control:
/// no request yet). The clock runs only while the daemon asks for input: a connection whose
/// reading is paused (its replies are not being read, or the commit queue is full) is waiting on
/// the daemon or its peer's reading, not idle.
final class IdleConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = [InboundFrame]
    typealias InboundOut = [InboundFrame]
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let shouldClose: () -> Bool
    private var timer: Scheduled<Void>?

    /// `shouldClose` is asked, on the event loop, when the timeout passes.
    init(timeout: TimeAmount, shouldClose: @escaping () -> Bool) {
        self.timeout = timeout
        self.shouldClose = shouldClose
    }

    func read(context: ChannelHandlerContext) {
        if timer == nil {
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: timeout) {
                let (handler, context) = loopBound.value
                handler.timer = nil
                if handler.shouldClose() { context.close(promise: nil) }
            }
        }
        context.read()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
    }
}

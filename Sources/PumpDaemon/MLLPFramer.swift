import NIOCore
import PumpHL7

/// Splits an HL7 connection's bytes into MLLP frames (``MLLPDeframer``) and hands them on in
/// batches, one per read burst, like ``LineFramer`` does for protocol v1. It only frames.
final class MLLPFramer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = [InboundFrame]

    private var deframer = MLLPDeframer()
    private var pending: [InboundFrame] = []

    /// Whether a frame has started and not ended.
    var holdsPartialFrame: Bool { deframer.holdsPartialFrame }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let input = unwrapInboundIn(data)
        for frame in deframer.feed(input.readableBytesView) { pending.append(.hl7(frame)) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushPending(context: context)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        flushPending(context: context)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelEvent, case .inputClosed = event as? ChannelEvent {
            flushPending(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func flushPending(context: ChannelHandlerContext) {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        context.fireChannelRead(wrapInboundOut(batch))
    }
}

import NIOCore
import PumpHL7

/// Splits an HL7 connection's bytes into MLLP frames (``MLLPDeframer``) and hands them on in
/// batches, one per read burst, like ``LineFramer`` does for protocol v1. It only frames.
final class MLLPFramer: BatchingFramer {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = [InboundFrame]

    private var deframer = MLLPDeframer()
    var pending: [InboundFrame] = []

    /// Whether a frame has started and not ended.
    var holdsPartialFrame: Bool { deframer.holdsPartialFrame }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let input = unwrapInboundIn(data)
        for frame in deframer.feed(input.readableBytesView) { pending.append(.hl7(frame)) }
    }
}

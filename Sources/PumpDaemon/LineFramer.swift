import NIOCore
import PumpHL7

/// One framed line of protocol v1, without its `\n`.
enum InboundFrame: Sendable {
    /// A line of at most `LineFramer.maxLineBytes` bytes.
    case line(ByteBuffer)
    /// A line longer than the limit: its first `maxLineBytes` bytes and its true length.
    case tooLarge(prefix: ByteBuffer, length: Int)
    /// An HL7 message from an MLLP listener (``MLLPFramer``).
    case hl7(MLLPFrame)
}

/// A framer that hands its frames on in batches, one per read burst (so that the connection submits
/// them to one group commit), and at end of input. ``LineFramer`` and ``MLLPFramer`` differ only
/// in how they cut frames.
protocol BatchingFramer: ChannelInboundHandler where InboundOut == [InboundFrame] {
    /// Frames cut since the last batch.
    var pending: [InboundFrame] { get set }
}

extension BatchingFramer {
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

/// Splits the byte stream into newline-delimited lines and hands them on in batches (all the lines
/// of one read burst together), so that the connection submits them to one group commit. It only
/// frames: no decoding, no business logic. An over-long line is never buffered whole: past the
/// limit, only its first bytes are kept and the rest is counted until its `\n`. A partial line at
/// end of input is dropped unanswered.
final class LineFramer: BatchingFramer {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = [InboundFrame]

    /// The most bytes a line may hold, the `\n` not counted.
    static let maxLineBytes = 65_536

    private let maxLineBytes: Int
    private var partial: ByteBuffer?
    private var oversized: (prefix: ByteBuffer, length: Int)?
    var pending: [InboundFrame] = []
    /// Lines framed so far on this connection.
    private(set) var framedLines = 0

    /// Whether part of a line is held, waiting for its `\n`.
    var holdsPartialLine: Bool { partial != nil || oversized != nil }

    init(maxLineBytes: Int = LineFramer.maxLineBytes) {
        self.maxLineBytes = maxLineBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        frame(&input)
    }

    /// Frames `input` into `pending` (exposed to tests through `LineFramerTestHarness`).
    func frame(_ input: inout ByteBuffer) {
        let before = pending.count
        defer { framedLines += pending.count - before }
        while input.readableBytes > 0 {
            let view = input.readableBytesView
            let newline = view.firstIndex(of: UInt8(ascii: "\n")).map { $0 - view.startIndex }
            if var big = oversized {
                if let newline {
                    big.length += newline
                    input.moveReaderIndex(forwardBy: newline + 1)
                    pending.append(.tooLarge(prefix: big.prefix, length: big.length))
                    oversized = nil
                } else {
                    big.length += input.readableBytes
                    input.moveReaderIndex(to: input.writerIndex)
                    oversized = big
                }
                continue
            }
            let buffered = partial?.readableBytes ?? 0
            if let newline {
                if buffered + newline > maxLineBytes {
                    var prefix = partial ?? ByteBuffer()
                    let take = min(newline, maxLineBytes - prefix.readableBytes)
                    if take > 0, let slice = input.getSlice(at: input.readerIndex, length: take) {
                        var s = slice
                        prefix.writeBuffer(&s)
                    }
                    pending.append(.tooLarge(prefix: prefix, length: buffered + newline))
                } else if var line = partial {
                    if var slice = input.getSlice(at: input.readerIndex, length: newline) {
                        line.writeBuffer(&slice)
                    }
                    pending.append(.line(line))
                } else if let slice = input.getSlice(at: input.readerIndex, length: newline) {
                    pending.append(.line(slice))
                }
                partial = nil
                input.moveReaderIndex(forwardBy: newline + 1)
            } else {
                var rest = input
                input.moveReaderIndex(to: input.writerIndex)
                if buffered + rest.readableBytes > maxLineBytes {
                    var prefix = partial ?? ByteBuffer()
                    let take = maxLineBytes - prefix.readableBytes
                    if var slice = rest.readSlice(length: take) { prefix.writeBuffer(&slice) }
                    oversized = (prefix, buffered + take + rest.readableBytes)
                    partial = nil
                } else if var line = partial {
                    partial = nil  // keep the buffer uniquely referenced: no copy on append
                    line.writeBuffer(&rest)
                    partial = line
                } else {
                    // Copy so the read buffer is not kept alive by a small tail.
                    var copy = ByteBufferAllocator().buffer(capacity: rest.readableBytes)
                    copy.writeBuffer(&rest)
                    partial = copy
                }
            }
        }
    }

    /// Takes the frames framed so far (tests).
    func takePending() -> [InboundFrame] {
        defer { pending = [] }
        return pending
    }
}

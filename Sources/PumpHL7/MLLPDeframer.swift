/// What the MLLP deframer found in the bytes of a connection.
package enum MLLPFrame: Sendable, Hashable {
    /// One whole message: the bytes between the start block (0x0B) and the end block (0x1C 0x0D).
    case message([UInt8])
    /// A message longer than ``MLLPDeframer/maxMessageBytes``: its first bytes (at most the limit,
    /// enough to read its MSH and answer it) and its true length. Reading resumes after its end block.
    case tooLarge(prefix: [UInt8], length: Int)
}

/// Minimal Lower Layer Protocol framing (HL7 v2 Implementation Guide, appendix C): every message is
/// `0x0B` + the message + `0x1C 0x0D`. Fed a connection's bytes in whatever pieces they arrive, it
/// hands back whole frames.
///
/// Rules where senders stray:
/// - Bytes outside a frame (before a start block: a sender that does not frame at all, a stray
///   `\r\n` after an end block) are dropped and counted in ``discardedBytes``; nothing answers them,
///   since there is no message to acknowledge.
/// - A start block inside a frame starts the frame again: what came before it is dropped (counted).
/// - A `0x1C` not followed by `0x0D` is content (a message cannot contain it: HL7 text escapes
///   control characters).
/// - A frame over ``maxMessageBytes`` is not buffered: its first bytes are kept, the rest is only
///   counted, and it is handed back as ``MLLPFrame/tooLarge(prefix:length:)`` at its end block.
package struct MLLPDeframer: Sendable {
    /// The largest message taken whole, in bytes (1 MiB): a PCD-01 report of one pump is a few
    /// kilobytes; a PCD-01 batch of many devices stays well under it.
    package static let defaultMaxMessageBytes = 1 << 20

    package static let startBlock: UInt8 = 0x0B
    package static let endBlock: UInt8 = 0x1C
    package static let carriageReturn: UInt8 = 0x0D

    /// The largest message taken whole.
    package let maxMessageBytes: Int
    /// Bytes dropped because they were outside a frame.
    package private(set) var discardedBytes = 0

    private var inFrame = false
    private var sawEndBlock = false
    private var buffer: [UInt8] = []
    private var length = 0

    package init(maxMessageBytes: Int = MLLPDeframer.defaultMaxMessageBytes) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Whether a frame has started and not yet ended (a connection idle in this state is stuck).
    package var holdsPartialFrame: Bool { inFrame }

    /// Takes the next bytes of the stream and returns the frames they complete, in order.
    package mutating func feed(_ bytes: some Sequence<UInt8>) -> [MLLPFrame] {
        // One dynamic call per read, then a loop over plain memory: a generic loop over a NIO
        // buffer's view measured a fifth of the daemon's time at 8 connections.
        if let frames = bytes.withContiguousStorageIfAvailable({ feed(contiguous: $0) }) { return frames }
        return Array(bytes).withUnsafeBufferPointer { feed(contiguous: $0) }
    }

    private mutating func feed(contiguous bytes: UnsafeBufferPointer<UInt8>) -> [MLLPFrame] {
        var frames: [MLLPFrame] = []
        var i = 0
        while i < bytes.count {
            guard inFrame else {
                guard let start = bytes[i...].firstIndex(of: Self.startBlock) else {
                    discardedBytes += bytes.count - i
                    break
                }
                discardedBytes += start - i
                inFrame = true
                buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 16)
                length = 0
                sawEndBlock = false
                i = start + 1
                continue
            }
            if sawEndBlock {
                sawEndBlock = false
                if bytes[i] == Self.carriageReturn {
                    inFrame = false
                    frames.append(
                        length > maxMessageBytes ? .tooLarge(prefix: buffer, length: length) : .message(buffer))
                    buffer = []
                    i += 1
                    continue
                }
                append(CollectionOfOne(Self.endBlock))
            }
            // Content up to the next end or start block, in one piece.
            var end = i
            while end < bytes.count, bytes[end] != Self.endBlock, bytes[end] != Self.startBlock { end += 1 }
            append(bytes[i..<end])
            i = end
            guard i < bytes.count else { break }
            if bytes[i] == Self.endBlock {
                sawEndBlock = true
            } else {
                // A start block inside a frame starts it again.
                discardedBytes += length + 1
                buffer.removeAll(keepingCapacity: true)
                length = 0
            }
            i += 1
        }
        return frames
    }

    /// Appends content, keeping only the first ``maxMessageBytes`` of a frame.
    private mutating func append(_ content: some Collection<UInt8>) {
        let room = max(0, maxMessageBytes - length)
        length += content.count
        buffer.append(contentsOf: content.prefix(room))
    }

    /// `message` framed for the wire.
    package static func frame(_ message: [UInt8]) -> [UInt8] {
        [startBlock] + message + [endBlock, carriageReturn]
    }
}

import Foundation
import Logging
import NIOCore
import NIOPosix
import PumpControlProtocol

/// One connection to the daemon's control socket that asks for the watch stream and hands each
/// line on, decoded, until the daemon closes it.
package enum WatchConnection {
    /// The request, written out: `{"op":"watch"}` and a newline.
    package static let request = "{\"op\":\"watch\"}\n"
    /// The longest line taken (a record with its evidence is a few kB; anything near this is broken).
    package static let maxLineLength = 4 << 20

    /// Connects to `socketPath`, sends the watch request and calls `onEvent` for every event line,
    /// in order, until the daemon closes the connection (returns) or refuses the watch (throws
    /// ``WatchError/refused(_:)``). A line that is not a watch event is logged and skipped.
    package static func follow(
        socketPath: String, logger: Logger, onEvent: (WatchEventDocument) async throws -> Void
    ) async throws {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(LineDecoder(maxLength: maxLineLength)))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw WatchError.unreachable(path: socketPath, reason: "\(error)")
        }
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            let decoder = JSONDecoder()
            for try await line in inbound {
                let data = Data(line.readableBytesView)
                if let reply = try? decoder.decode(ControlReply<WatchEventDocument>.self, from: data) {
                    if reply.ok, let event = reply.result {
                        try await onEvent(event)
                        continue
                    }
                    if let failure = reply.error { throw WatchError.refused(failure) }
                }
                logger.warning(
                    "Skipped a line of the watch stream that is not a watch event",
                    metadata: ["line": "\(String(decoding: data.prefix(300), as: UTF8.self))"])
            }
        }
    }
}

/// Why following the daemon stopped (besides the daemon closing the connection).
package enum WatchError: Error, Sendable, CustomStringConvertible {
    /// The control socket could not be connected.
    case unreachable(path: String, reason: String)
    /// The daemon answered the watch request with a failure.
    case refused(ControlFailure)

    package var description: String {
        switch self {
        case .unreachable(let path, let reason):
            "cannot connect to pumpmond's control socket \(path) (\(reason)): is pumpmond running, and is "
                + "this user a member of the socket's group (pumpmon)?"
        case .refused(let failure):
            "pumpmond refused the watch request (\(failure.code.rawValue)): \(failure.message)"
        }
    }
}

/// Splits a byte stream into lines (without the `\n`); a line longer than `maxLength` closes the
/// connection with an error.
struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    let maxLength: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxLength { throw LineTooLong(maxLength: maxLength) }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// The daemon sent a line longer than the notifier takes.
struct LineTooLong: Error, CustomStringConvertible {
    let maxLength: Int
    var description: String { "pumpmond sent a watch line longer than \(maxLength) bytes" }
}

import NIOCore
import Synchronization

/// An accepted connection on its way from the listener to its serving task. If it never gets
/// there it is still finished and closed, in a task of its own.
///
/// Why: a connection accepted as the listener closes (a shutdown) is dropped unserved, and a
/// dropped `NIOAsyncChannel` traps ("Deinited NIOAsyncWriter without calling finish()", swift-nio
/// #2813): a `systemctl stop` while a gateway connects ended in a crash instead of a drain. The
/// channel must still be wrapped when it is accepted (an accepted channel reads, even its
/// end of file, before anyone asks), so it is the dropping that is made safe.
final class AcceptedChannel: Sendable {
    let channel: NIOAsyncChannel<[InboundFrame], ByteBuffer>
    private let served = Atomic(false)

    init(_ channel: NIOAsyncChannel<[InboundFrame], ByteBuffer>) { self.channel = channel }

    /// `NIOAsyncChannel.executeThenClose`; call it once.
    func executeThenClose<Result: Sendable>(
        _ body: (NIOAsyncChannelInboundStream<[InboundFrame]>, NIOAsyncChannelOutboundWriter<ByteBuffer>)
            async throws -> Result
    ) async throws -> Result {
        served.store(true, ordering: .relaxed)
        return try await channel.executeThenClose(body)
    }

    deinit {
        guard !served.load(ordering: .relaxed) else { return }
        let channel = channel
        Task { try? await channel.executeThenClose { _, _ in } }
    }
}

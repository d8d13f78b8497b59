import Synchronization

/// Bounds the replies of one connection that are read but not yet written to its socket: its
/// reader takes room before submitting lines and waits while the window is full, its writer gives
/// the room back once the replies are on the socket. A peer that sends and never reads thus stops
/// being read (NIO stops reading a channel whose inbound sequence is not consumed, and the peer's
/// writes then block in the kernel) instead of growing the daemon.
final class ReplyWindow: Sendable {
    private struct State {
        var pending = 0
        var waiter: (count: Int, continuation: CheckedContinuation<Void, Never>)?
        var open = false
    }

    /// The most replies waiting before the reader pauses (a burst may go over it once).
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Takes room for `count` replies, waiting while the window is full. One reader per window.
    func reserve(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.open || s.pending < limit {
                    s.pending += count
                    return true
                }
                s.waiter = (count, continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Gives back the room of `count` replies written.
    func release(_ count: Int) {
        let resumed = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.pending -= count
            guard let waiter = s.waiter, s.pending < limit else { return nil }
            s.waiter = nil
            s.pending += waiter.count
            return waiter.continuation
        }
        resumed?.resume()
    }

    /// Stops bounding (the writer failed: nothing will be written, the reader must not wait for it).
    func openUp() {
        let resumed = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.open = true
            defer { s.waiter = nil }
            return s.waiter?.continuation
        }
        resumed?.resume()
    }

    /// Replies waiting now (tests).
    var pending: Int { state.withLock { $0.pending } }
}

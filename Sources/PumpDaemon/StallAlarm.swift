import Synchronization

/// Wakes the stall sweeper when a commit stores a silent-stall deadline earlier than the one it
/// sleeps towards, so that a stall is judged within a second of its deadline rather than at the
/// next periodic sweep. The committer notes each commit's earliest deadline; the sweeper forgets
/// what was noted just before it reads the earliest deadline from the store, so a commit between
/// that read and its wait still wakes it.
final class StallAlarm: Sendable {
    private struct State {
        /// The earliest deadline noted since the last `reset()`.
        var noted: Int64?
        /// The sweeper waiting for a deadline earlier than `before` (nil: any deadline).
        var waiter: (before: Int64?, continuation: CheckedContinuation<Void, Never>)?
    }

    private let state = Mutex(State())

    /// Notes a deadline (daemon clock, µs) a commit stored.
    func note(_ deadline: Int64) {
        let woken: CheckedContinuation<Void, Never>? = state.withLock { s in
            s.noted = min(s.noted ?? deadline, deadline)
            guard let waiter = s.waiter, Self.isEarlier(deadline, than: waiter.before) else { return nil }
            s.waiter = nil
            return waiter.continuation
        }
        woken?.resume()
    }

    /// Forgets the deadlines noted so far: the caller is about to read the earliest one from the store.
    func reset() {
        state.withLock { $0.noted = nil }
    }

    /// Returns once a deadline earlier than `deadline` (nil: any deadline) has been noted since the
    /// last `reset()`, or when the task is cancelled. One waiter at a time.
    func earlierDeadline(than deadline: Int64?) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s in
                    if let noted = s.noted, Self.isEarlier(noted, than: deadline) { return true }
                    // Checked under the lock: a cancellation after this point finds the waiter stored.
                    if Task.isCancelled { return true }
                    s.waiter = (deadline, c)
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s in
                defer { s.waiter = nil }
                return s.waiter?.continuation
            }
            waiter?.resume()
        }
    }

    private static func isEarlier(_ deadline: Int64, than other: Int64?) -> Bool {
        other.map { deadline < $0 } ?? true
    }
}

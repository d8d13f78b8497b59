import Foundation
import PumpControlProtocol

/// The ``AlertBook`` behind an actor, with the sends it decides queued in the order it decided
/// them: the follow loop and the resend timer change the book, one sender drains the queue. A
/// resend built before a resolution can therefore never reach Alertmanager after it.
package actor AlertDispatch {
    private var book: AlertBook
    /// Sends decided and not yet taken, oldest first.
    private var pending: [PostableAlert] = []
    private let wakeups: AsyncStream<Void>.Continuation
    /// One element whenever sends are pending (coalesced).
    package nonisolated let ready: AsyncStream<Void>

    package init(rules: AlertBook.Rules) {
        book = AlertBook(rules: rules)
        (ready, wakeups) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// How many alerts fire now.
    package var firingCount: Int { book.firing.count }

    /// A new connection to the daemon: what follows until `synced` is the snapshot.
    package func beginSnapshot() {
        book.beginSnapshot()
    }

    /// Takes one watch event; queues what it makes due at once.
    package func apply(_ event: WatchEventDocument, now: Date = Date()) {
        enqueue(book.apply(event, now: now))
    }

    /// The periodic resend: queues every firing alert and the recently resolved ones.
    package func resend(now: Date = Date()) {
        enqueue(book.due(now: now))
    }

    /// Every pending send, each label set once with its latest state, in the order decided.
    package func takePending() -> [PostableAlert] {
        defer { pending = [] }
        var seen = Set<[String: String]>()
        var latest: [PostableAlert] = []
        for alert in pending.reversed() where seen.insert(alert.labels).inserted {
            latest.append(alert)
        }
        return latest.reversed()
    }

    /// Ends ``ready``.
    package func finish() {
        wakeups.finish()
    }

    private func enqueue(_ alerts: [PostableAlert]) {
        guard !alerts.isEmpty else { return }
        pending += alerts
        wakeups.yield()
    }
}

import Logging
import PumpStore
import ServiceLifecycle

/// Judges stalls on the daemon's clock: a pump that stalled and fell silent becomes non-functional
/// once its grace has passed since the stall was first received. Sleeps until the earliest stored
/// deadline (at most `interval`), and wakes earlier when a commit stores an earlier deadline
/// (`StallAlarm`), so it acts within a second of every deadline.
final class StallSweeper: Service, Sendable {
    private let committer: IngestCommitter
    private let store: PumpStore
    private let alarm: StallAlarm
    private let clock: any DaemonClock
    private let interval: Duration
    private let logger: Logger

    init(
        committer: IngestCommitter, store: PumpStore, alarm: StallAlarm, clock: any DaemonClock, interval: Duration,
        logger: Logger
    ) {
        self.committer = committer
        self.store = store
        self.alarm = alarm
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    guard try await self.waitForDeadline() else { continue }
                    do {
                        _ = try await self.committer.sweep()
                    } catch {
                        self.logger.error("Cannot judge silent stalls", metadata: ["error": "\(error)"])
                    }
                }
            }
        } catch is CancellationError {
            // Shutting down.
        }
    }

    /// Sleeps until the earliest stored deadline has passed or `interval` is over (true: sweep
    /// now), or until a commit stores an earlier deadline (false: look again).
    private func waitForDeadline() async throws -> Bool {
        alarm.reset()
        let deadline: Int64? = try? await store.nextStallDeadline()
        let wait = deadline.map { min(interval, .microseconds(max(0, $0 - clock.nowMicros() + 1))) } ?? interval
        let alarm = self.alarm
        let timedOut = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await Task.sleep(for: wait)
                return true
            }
            group.addTask {
                await alarm.earlierDeadline(than: deadline)
                return false
            }
            let first = await group.next() ?? true
            group.cancelAll()
            return first
        }
        try Task.checkCancellation()
        return timedOut
    }
}

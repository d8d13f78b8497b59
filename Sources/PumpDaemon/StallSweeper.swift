import Logging
import PumpStore
import ServiceLifecycle

/// Judges stalls on the daemon's clock: a pump that stalled and fell silent becomes non-functional
/// once its grace has passed since the stall was received. Wakes at the earliest deadline, and at
/// least every `interval`.
final class StallSweeper: Service, Sendable {
    private let committer: IngestCommitter
    private let store: PumpStore
    private let clock: any DaemonClock
    private let interval: Duration
    private let logger: Logger

    init(committer: IngestCommitter, store: PumpStore, clock: any DaemonClock, interval: Duration, logger: Logger) {
        self.committer = committer
        self.store = store
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: await self.nextWait())
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

    private func nextWait() async -> Duration {
        guard let deadline = try? await store.nextStallDeadline() else { return interval }
        return min(interval, .microseconds(max(0, deadline - clock.nowMicros() + 1)))
    }
}

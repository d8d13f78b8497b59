import Logging
import ServiceLifecycle
import SystemdSupport

/// Keeps systemd informed: `STATUS=` with live counts, and watchdog pings at half the interval,
/// each sent only after a probe went through the commit loop (proof that ingest is alive, not a
/// bare timer). Does nothing when not run by systemd.
final class SystemdIntegration: Service, Sendable {
    private let notifier: SystemdNotifier
    private let committer: IngestCommitter
    private let statusInterval: Duration

    init(notifier: SystemdNotifier, committer: IngestCommitter, statusInterval: Duration) {
        self.notifier = notifier
        self.committer = committer
        self.statusInterval = statusInterval
    }

    func run() async throws {
        guard notifier.isAvailable else {
            // Without systemd there is nothing to say, but returning at once would race a SIGTERM
            // that comes right after start: the service group then sees this service end during
            // its shutdown, as if it had failed, and the daemon exits 1 instead of 0.
            try? await gracefulShutdown()
            return
        }
        let watchdog = notifier.watchdogInterval().map { $0 / 2 }
        let tick = min(watchdog ?? statusInterval, statusInterval)
        do {
            try await cancelWhenGracefulShutdown {
                var sinceStatus = Duration.zero
                while !Task.isCancelled {
                    if watchdog != nil {
                        await self.committer.probe()
                        self.notifier.notify(.watchdog)
                    }
                    if sinceStatus >= self.statusInterval || sinceStatus == .zero {
                        self.notifier.notify(.status(self.statusLine()))
                        sinceStatus = .zero
                    }
                    try await Task.sleep(for: tick)
                    sinceStatus += tick
                }
            }
        } catch is CancellationError {
            // Shutting down: the daemon sends STOPPING=1 once the drain is done.
        }
    }

    /// `STATUS=` text: what an operator sees in `systemctl status pumpmond`.
    func statusLine() -> String {
        let c = committer.counters.snapshot
        return "\(c.accepted) messages accepted, \(c.lines) lines answered, \(c.unavailable) refused as unavailable, "
            + "\(c.connections) connections"
    }
}

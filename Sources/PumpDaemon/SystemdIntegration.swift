import Logging
import ServiceLifecycle
import SystemdSupport

/// Keeps systemd informed: `READY=1` once the service group runs, `STATUS=` with live counts, and
/// watchdog pings at half the interval, each sent only after a probe went through the commit loop
/// (proof that ingest is alive, not a bare timer). Without systemd it only announces readiness.
final class SystemdIntegration: Service, Sendable {
    private let notifier: SystemdNotifier
    private let committer: IngestCommitter
    private let statusInterval: Duration
    private let announceReady: @Sendable () -> Void

    /// `announceReady` logs the ready line; it runs with `READY=1`, first thing in ``run()``.
    init(
        notifier: SystemdNotifier, committer: IngestCommitter, statusInterval: Duration,
        announceReady: @escaping @Sendable () -> Void
    ) {
        self.notifier = notifier
        self.committer = committer
        self.statusInterval = statusInterval
        self.announceReady = announceReady
    }

    func run() async throws {
        // Ready only now, inside the service group: it traps SIGTERM before it starts its services,
        // and a SIGTERM between a READY=1 sent earlier and that trap ended the daemon by the
        // signal's default action (status 15) instead of a drain (seen under load in a test).
        notifier.notify(.ready, .status("ready: listening for telemetry"))
        announceReady()
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

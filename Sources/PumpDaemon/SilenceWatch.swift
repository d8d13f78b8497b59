import ServiceLifecycle

/// `--silence-alert`: once a second, fires `PumpSilent` for the pumps that passed the threshold
/// since the last look (a message resolves it at its commit). Not run when the flag is off.
final class SilenceWatch: Service, Sendable {
    private let board: AlertBoard
    private let clock: any DaemonClock
    private let interval: Duration

    init(board: AlertBoard, clock: any DaemonClock, interval: Duration = .seconds(1)) {
        self.board = board
        self.clock = clock
        self.interval = interval
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: self.interval)
                    self.board.checkSilence(now: self.clock.nowMicros())
                }
            }
        } catch is CancellationError {
            // Shutting down.
        }
    }
}

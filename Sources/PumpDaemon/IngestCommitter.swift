import Logging
import PumpIngest
import PumpTelemetry
import ServiceLifecycle
import Synchronization

/// Lines from one connection waiting for a commit, and where their replies go.
struct IngestSubmission: Sendable {
    var items: [IngestItem]
    var sink: AsyncStream<[Reply]>.Continuation
    /// The connection's last submission: its reply stream ends after these replies.
    var finishesSink = false
}

/// Group commit: gathers the lines that connections hand in while the previous transaction runs,
/// commits them together, and only then hands each connection its replies, in order. The single
/// writer of telemetry. Readers pause when too many lines wait (back pressure).
final class IngestCommitter: Service, Sendable {
    private enum Work: Sendable {
        case lines(IngestSubmission)
        case probe(CheckedContinuation<Void, Never>)
        case sweep(CheckedContinuation<[RaisedRecord], any Error>)
        /// A control write that must run in the writer's order (retire, enroll, request-replacement).
        case exclusive(@Sendable () async -> Void)
    }

    private struct State {
        var queue: [Work] = []
        var queuedLines = 0
        var waiter: CheckedContinuation<Void, Never>?
        var spaceWaiters: [CheckedContinuation<Void, Never>] = []
        var closed = false
        var reportedStoreLoss = false
    }

    private let writer: IngestWriter
    private let clock: any DaemonClock
    private let alarm: StallAlarm
    /// Told of every commit, right after it (the `watch` stream and the alerts).
    let board: AlertBoard
    private let logger: Logger
    private let maxBatchLines: Int
    private let maxQueuedLines: Int
    private let state = Mutex(State())
    let counters: IngestCounters
    /// The Prometheus metrics the commit loop updates (frames, commits, records), if any.
    let metrics: DaemonMetrics?

    init(
        writer: IngestWriter, clock: any DaemonClock, configuration: DaemonConfiguration, counters: IngestCounters,
        alarm: StallAlarm, board: AlertBoard, logger: Logger, metrics: DaemonMetrics? = nil
    ) {
        self.metrics = metrics
        self.writer = writer
        self.board = board
        self.clock = clock
        self.alarm = alarm
        self.logger = logger
        self.maxBatchLines = configuration.maxBatchLines
        self.maxQueuedLines = configuration.maxQueuedLines
        self.counters = counters
    }

    /// Hands lines in for the next commit. Suspends while too many lines wait. Once the daemon shuts
    /// down, lines are answered `unavailable` (`shutting_down`) at once.
    func submit(_ submission: IngestSubmission) async {
        while true {
            let verdict: Bool? = state.withLock { s in
                if s.closed { return nil }
                if s.queuedLines > 0 && s.queuedLines + submission.items.count > maxQueuedLines { return false }
                s.queue.append(.lines(submission))
                s.queuedLines += submission.items.count
                let w = s.waiter
                s.waiter = nil
                w?.resume()
                return true
            }
            switch verdict {
            case true?: return
            case nil:
                let replies = submission.items.map {
                    Reply(
                        id: $0.replyID, result: .unavailable, reason: UnavailableReason.shuttingDown.rawValue,
                        detail: "the daemon is shutting down; send again later")
                }
                submission.sink.yield(replies)
                if submission.finishesSink { submission.sink.finish() }
                return
            case false?:
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s in
                        if s.closed || s.queuedLines + submission.items.count <= maxQueuedLines { return true }
                        s.spaceWaiters.append(c)
                        return false
                    }
                    if resumeNow { c.resume() }
                }
            }
        }
    }

    /// Returns once the commit loop has reached this point of its queue: proof that ingest is alive.
    func probe() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let accepted = state.withLock { s in
                if s.closed { return false }
                s.queue.append(.probe(c))
                let w = s.waiter
                s.waiter = nil
                w?.resume()
                return true
            }
            if !accepted { c.resume() }
        }
    }

    /// Judges silent stalls in the commit loop, serialised with the batches.
    func sweep() async throws -> [RaisedRecord] {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<[RaisedRecord], any Error>) in
            let accepted = state.withLock { s in
                if s.closed { return false }
                s.queue.append(.sweep(c))
                let w = s.waiter
                s.waiter = nil
                w?.resume()
                return true
            }
            if !accepted { c.resume(returning: []) }
        }
    }

    /// Runs `body` in the commit loop, between two batches, and returns what it returns: a control
    /// write that changes pumps or raises records, so that the writer's cached rows agree with the
    /// store and the board hears of it in commit order. Throws `CommitterClosed` once the daemon
    /// shuts down.
    func serialized<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
            let work = Work.exclusive {
                do { c.resume(returning: try await body()) } catch { c.resume(throwing: error) }
            }
            let accepted = state.withLock { s in
                if s.closed { return false }
                s.queue.append(work)
                let w = s.waiter
                s.waiter = nil
                w?.resume()
                return true
            }
            if !accepted { c.resume(throwing: CommitterClosed()) }
        }
    }

    func run() async throws {
        await withTaskCancellationOrGracefulShutdownHandler {
            while let work = await nextWork() {
                await perform(work)
            }
        } onCancelOrGracefulShutdown: {
            self.close()
        }
    }

    /// Stops taking new lines; what is queued is still committed and answered.
    func close() {
        let waiters = state.withLock { s in
            s.closed = true
            let all = s.spaceWaiters + (s.waiter.map { [$0] } ?? [])
            s.spaceWaiters = []
            s.waiter = nil
            return all
        }
        for w in waiters { w.resume() }
    }

    /// The next batch of queued work: consecutive line submissions up to `maxBatchLines` lines
    /// are merged into one transaction. Nil once closed and drained.
    private func nextWork() async -> [Work]? {
        while true {
            enum Next {
                case work([Work])
                case wait, done
            }
            let next: Next = state.withLock { s in
                if s.queue.isEmpty { return s.closed ? .done : .wait }
                var taken: [Work] = []
                var lines = 0
                while let first = s.queue.first {
                    if case .lines(let sub) = first {
                        if lines > 0 && lines + sub.items.count > maxBatchLines { break }
                        lines += sub.items.count
                        taken.append(first)
                        s.queue.removeFirst()
                    } else {
                        if taken.isEmpty {
                            taken.append(first)
                            s.queue.removeFirst()
                        }
                        break
                    }
                }
                s.queuedLines -= lines
                return .work(taken)
            }
            switch next {
            case .work(let work):
                resumeSpaceWaiters()
                return work
            case .done:
                return nil
            case .wait:
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s in
                        if !s.queue.isEmpty || s.closed { return true }
                        s.waiter = c
                        return false
                    }
                    if resumeNow { c.resume() }
                }
            }
        }
    }

    private func resumeSpaceWaiters() {
        let waiters = state.withLock { s in
            let w = s.spaceWaiters
            s.spaceWaiters = []
            return w
        }
        for w in waiters { w.resume() }
    }

    private func perform(_ work: [Work]) async {
        var submissions: [IngestSubmission] = []
        for w in work {
            switch w {
            case .lines(let s): submissions.append(s)
            case .probe(let c):
                checkStoreFile()
                c.resume()
            case .sweep(let c):
                do {
                    let now = clock.nowMicros()
                    let (raised, changes) = try await writer.sweepSilentStallsWithChanges(now: now)
                    board.apply(records: raised.map(\.document), changes: changes, now: now)
                    metrics?.raised(raised.map(\.document))
                    log(raised)
                    c.resume(returning: raised)
                } catch {
                    c.resume(throwing: error)
                }
            case .exclusive(let body):
                await body()
            }
        }
        guard !submissions.isEmpty else { return }
        let items = submissions.flatMap(\.items)
        let now = clock.nowMicros()
        let commitStarted = ContinuousClock.now
        let outcome =
            items.isEmpty
            ? IngestOutcome(replies: [], raised: [], accepted: 0) : await writer.commit(items, now: now)
        let commitTook = ContinuousClock.now - commitStarted
        board.apply(records: outcome.raised.map(\.document), changes: outcome.changes, now: now)
        counters.record(outcome)
        if let metrics {
            metrics.committed(
                items: items, replies: outcome.replies, accepted: outcome.accepted, duration: commitTook,
                readAt: submissions.compactMap { s in
                    s.items.first.map { (DaemonMetrics.receivedAt($0), s.items.count) }
                },
                repliedAt: clock.nowMicros())
            metrics.raised(outcome.raised.map(\.document))
        }
        for m in outcome.retiredMessages {
            logger.warning(
                "Message stored for a retired pump; its state stays retired",
                metadata: ["pump.serial": "\(m.serial)", "telemetry.message.id": "\(m.messageID)"])
        }
        if let deadline = outcome.earliestStallDeadline { alarm.note(deadline) }
        log(outcome.raised)
        var offset = 0
        for s in submissions {
            let end = offset + s.items.count
            if end > offset { s.sink.yield(Array(outcome.replies[offset..<end])) }
            if s.finishesSink { s.sink.finish() }
            offset = end
        }
        if let failure = outcome.replies.first(where: { $0.result == .unavailable }) {
            logger.error(
                "Store unavailable: lines refused",
                metadata: ["reason": "\(failure.reason ?? "")", "detail": "\(failure.detail ?? "")"])
        }
    }

    /// The watchdog's probe also checks that the store file is still the one opened: once it was
    /// removed or replaced, every write refuses (`PumpStore.write`), and the journal says why once.
    private func checkStoreFile() {
        do {
            try writer.store.checkFileInPlace()
        } catch {
            let first = state.withLock { s in
                defer { s.reportedStoreLoss = true }
                return !s.reportedStoreLoss
            }
            if first {
                logger.critical("Store file lost: messages are refused", metadata: ["error": "\(error)"])
            }
        }
    }

    private func log(_ raised: [RaisedRecord]) {
        for r in raised {
            logger.notice(
                "Eligibility record raised",
                metadata: [
                    "message_id": "\(JournalMessageIDs.recordRaised)", "pump.serial": "\(r.serial)",
                    "record.id": "\(r.recordID)", "replacement.criterion": "\(r.criterion)",
                    "determination": "\(r.determination)", "clause": "\(r.clause)",
                ])
        }
    }
}

/// The commit loop has stopped: the daemon is shutting down.
struct CommitterClosed: Error, CustomStringConvertible {
    var description: String { "the daemon is shutting down; try again once it runs" }
}

/// Journal `MESSAGE_ID`s of the daemon's notable events (128-bit ids, as `journalctl MESSAGE_ID=`
/// finds them).
package enum JournalMessageIDs {
    /// An eligibility record was raised from telemetry.
    package static let recordRaised = "6d1c8f2a4b3e4f5a9c0d7e1f2a3b4c5d"
    /// The daemon is ready.
    package static let ready = "3f9e2d1c0b4a45968778695a4b3c2d1e"
}

/// Live counts for `STATUS=` and `pumpctl status`.
final class IngestCounters: Sendable {
    private struct Counts {
        var accepted = 0
        var lines = 0
        var unavailable = 0
        var connections = 0
        var closed = 0
    }
    private let counts = Mutex(Counts())

    func record(_ outcome: IngestOutcome) {
        let unavailable = outcome.replies.lazy.filter { $0.result == .unavailable }.count
        counts.withLock {
            $0.accepted += outcome.accepted
            $0.lines += outcome.replies.count
            $0.unavailable += unavailable
        }
    }

    func connectionOpened() { counts.withLock { $0.connections += 1 } }
    func connectionClosed() {
        counts.withLock {
            $0.connections -= 1
            $0.closed += 1
        }
    }

    /// Connections closed since the start.
    var connectionsClosed: Int { counts.withLock { $0.closed } }

    var snapshot: (accepted: Int, lines: Int, unavailable: Int, connections: Int) {
        counts.withLock { ($0.accepted, $0.lines, $0.unavailable, $0.connections) }
    }
}

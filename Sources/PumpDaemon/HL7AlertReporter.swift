import Foundation
import Logging
import NIOCore
import NIOPosix
import PumpControlProtocol
import PumpHL7
import PumpStore
import ServiceLifecycle
import Synchronization

/// `--hl7-alert-manager HOST:PORT`: the daemon as an IHE ACM Alert Reporter (docs/hl7.md,
/// "Outbound"). Two loops:
/// - the follower follows the alert board like a watcher (the alerts firing, then each change) and
///   queues each transition of ``AlertReportPlan/reported`` in the store's outbox, after comparing the
///   board with what the outbox last queued (``AlertReportPlan/reconcile(firing:lastQueued:now:)``);
/// - the sender sends the unsent rows in order over MLLP, each waiting for the ACK whose MSA-2 is
///   its control id: AA/CA marks it acknowledged (never sent again), AE/CE refused (logged as an
///   error: the same bytes cannot be taken), and no connection, a timeout or AR/CR keep it for a
///   retry after a backoff (doubling up to ``RetryPolicy/cap``; the outage logged once).
final class HL7AlertReporter: Service, Sendable {
    /// How the sender waits.
    struct RetryPolicy: Sendable {
        /// The first wait after a failed try.
        var initial: Duration = .milliseconds(250)
        /// The longest wait between two tries.
        var cap: Duration = .seconds(10)
        /// How long a connection may take to open.
        var connectTimeout: Duration = .seconds(5)
        /// How long an ACK may take.
        var ackTimeout: Duration = .seconds(10)
    }

    private let board: AlertBoard
    private let store: PumpStore
    private let host: String
    private let port: Int
    private let clock: any DaemonClock
    private let retry: RetryPolicy
    private let logger: Logger
    /// MSH-4 of every report: the host's name.
    private let facility: String
    /// The control ids' prefix: the store's id, so that two stores never send the same one.
    private let controlPrefix: String

    init(
        board: AlertBoard, store: PumpStore, host: String, port: Int, clock: any DaemonClock,
        retry: RetryPolicy = RetryPolicy(), logger: Logger
    ) {
        self.board = board
        self.store = store
        self.host = host
        self.port = port
        self.clock = clock
        self.retry = retry
        self.logger = logger
        self.facility = Self.hostName()
        self.controlPrefix = "PMD\(store.identity.prefix(8))-"
    }

    func run() async throws {
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        // Shutting down cancels both loops: what is unsent stays in the outbox.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.follow(wake: wake) }
                group.addTask { await self.send(wakes: wakes) }
            }
        }
    }

    // MARK: Following the board

    private func follow(wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            let fellBehind = Flag()
            let follow = board.followAlerts { fellBehind.set() }
            do {
                var last = try await store.outboxLastQueued()
                for report in AlertReportPlan.reconcile(
                    firing: follow.firing, lastQueued: last, now: clock.nowMicros())
                {
                    try await queue(report)
                    last[report.outboxKey] = report.status
                }
                wake.yield()
                for await event in follow.changes {
                    guard let alert = event.alert else { continue }
                    let key = OutboxAlertKey(alertname: alert.alertname.rawValue, serial: alert.serial)
                    guard
                        let report = AlertReportPlan.report(
                            for: alert, lastQueued: last[key], now: clock.nowMicros())
                    else { continue }
                    try await queue(report)
                    last[key] = report.status
                    wake.yield()
                }
                // The board ended the stream: shutting down, or this follower fell behind (then the
                // next pass compares the board with the outbox again).
                if !fellBehind.isSet { return }
                logger.warning("The HL7 outbox fell behind the alerts; comparing them again")
            } catch {
                board.unsubscribe(follow.id)
                logger.error(
                    "Cannot queue an alert in the HL7 outbox; trying again in a second",
                    metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Set once by the board when the follower fell behind.
    private final class Flag: Sendable {
        private let value = Atomic(false)
        func set() { value.store(true, ordering: .relaxed) }
        var isSet: Bool { value.load(ordering: .relaxed) }
    }

    private func queue(_ report: PCDAlertReport) async throws(StoreError) {
        let (facility, prefix, now) = (facility, controlPrefix, clock.nowMicros())
        let row = try await store.write { tx in
            try tx.queueOutbox(
                alertname: report.alertname, serial: report.serial, status: report.status, createdAt: now,
                controlPrefix: prefix
            ) { controlID in report.message(controlID: controlID, facility: facility, nowMicros: now) }
        }
        logger.info(
            "Alert queued for the HL7 Alert Manager",
            metadata: [
                "alert.name": "\(report.alertname)", "pump.serial": "\(report.serial)", "alert.status": "\(row.status)",
                "hl7.control_id": "\(row.controlID)",
            ])
    }

    // MARK: Sending

    /// Why a pass over the unsent rows stopped before the end.
    private struct SendFailure: Error {
        var reason: String
    }

    private func send(wakes: AsyncStream<Void>) async {
        var backoff = retry.initial
        var outage: String?
        var woken = wakes.makeAsyncIterator()
        while !Task.isCancelled {
            let rows: [OutboxRow]
            do {
                rows = try await store.outboxUnsent(limit: 256)
            } catch {
                logger.error("Cannot read the HL7 outbox; trying again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff)
                continue
            }
            if rows.isEmpty {
                guard await woken.next() != nil else { return }
                continue
            }
            do {
                try await deliver(rows)
                backoff = retry.initial
                if let reason = outage {
                    outage = nil
                    logger.notice(
                        "The HL7 Alert Manager takes alerts again",
                        metadata: ["hl7.alert_manager": "\(host):\(port)", "error.earlier": "\(reason)"])
                }
            } catch {
                if Task.isCancelled { return }
                let reason = (error as? SendFailure)?.reason ?? "\(error)"
                if outage == nil {
                    logger.warning(
                        "The HL7 Alert Manager does not take alerts; retrying until it does",
                        metadata: [
                            "hl7.alert_manager": "\(host):\(port)", "error": "\(reason)",
                            "hl7.retry.cap_seconds": "\(retry.cap.components.seconds)",
                        ])
                }
                outage = reason
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, retry.cap)
            }
        }
    }

    /// Sends `rows` in order on one connection, each after the previous one's ACK. Throws at the
    /// first row that is neither acknowledged nor refused (it is tried again later).
    private func deliver(_ rows: [OutboxRow]) async throws {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(Int64(Daemon.micros(retry.connectTimeout)) * 1000))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            try? await note(rows[0], error: "cannot connect to \(host):\(port): \(error)")
            throw SendFailure(reason: "cannot connect to \(host):\(port): \(error)")
        }
        let ackTimeout = TimeAmount.microseconds(Daemon.micros(retry.ackTimeout))
        try await channel.executeThenClose { inbound, outbound in
            var reader = inbound.makeAsyncIterator()
            var deframer = MLLPDeframer()
            var frames: [MLLPFrame] = []
            for row in rows {
                try await outbound.write(ByteBuffer(bytes: MLLPDeframer.frame(Array(row.message))))
                // No ACK in time: the connection is closed, which ends the read below.
                let timer = channel.channel.eventLoop.scheduleTask(in: ackTimeout) {
                    channel.channel.close(promise: nil)
                }
                defer { timer.cancel() }
                var found: HL7AckReading?
                while found == nil {
                    if frames.isEmpty {
                        guard let bytes = try? await reader.next() else {
                            let reason =
                                "no ACK for \(row.controlID) within \(retry.ackTimeout) (or the connection closed)"
                            try? await note(row, error: reason)
                            throw SendFailure(reason: reason)
                        }
                        frames = deframer.feed(bytes.readableBytesView)
                        continue
                    }
                    let frame = frames.removeFirst()
                    guard case .message(let bytes) = frame, let reading = HL7AckReading(bytes),
                        reading.controlID == row.controlID
                    else { continue }  // not the ACK of this message (a late one of an earlier try)
                    found = reading
                }
                if let ack = found { try await settle(row, ack: ack) }
            }
        }
    }

    /// Records the ACK of `row`; throws when it is to be sent again (AR/CR).
    private func settle(_ row: OutboxRow, ack: HL7AckReading) async throws {
        let now = clock.nowMicros()
        let text = "\(ack.code)\(ack.errorCode.map { " \($0)" } ?? "")\(ack.text.map { ": \($0)" } ?? "")"
        switch ack.verdict {
        case .accepted:
            try await store.write { tx in try tx.markOutboxAcknowledged(id: row.id, at: now) }
        case .refused:
            try await store.write { tx in try tx.markOutboxRefused(id: row.id, at: now, error: text) }
            logger.error(
                "The HL7 Alert Manager refused an alert; it is not sent again",
                metadata: [
                    "alert.name": "\(row.alertname)", "pump.serial": "\(row.serial)",
                    "hl7.control_id": "\(row.controlID)", "error": "\(text)",
                ])
        case .retry:
            try? await note(row, error: text)
            throw SendFailure(reason: "\(row.controlID) answered \(text)")
        }
    }

    private func note(_ row: OutboxRow, error: String) async throws {
        try await store.write { tx in try tx.noteOutboxAttempt(id: row.id, error: error) }
    }

    private static func hostName() -> String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count) == 0 else { return "pumpmond" }
        let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "pumpmond" : text
    }
}

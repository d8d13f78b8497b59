import Logging
import PumpAlerts
import PumpControlProtocol
import PumpIngest
import PumpStore
import PumpTelemetry
import Synchronization

/// The one owner of what the daemon knows about alerts: every pump in service as the alert rules
/// see it, the alerts firing, and the `watch` connections following them. Built from the store at
/// start, then fed by the commit loop after each commit (`apply`), so its changes go out in commit
/// order right after each commit. A watcher subscribes and takes its snapshot under the same lock
/// the commit loop publishes under: no change is lost or sent twice between the two.
final class AlertBoard: Sendable {
    /// One pump in service.
    struct Pump: Sendable {
        var input: PumpAlertInput
        var battery: String?
        /// The latest reservoir message per code, raised or cleared.
        var reservoir: [String: ReservoirMark] = [:]

        var summary: DeviceSummaryDocument {
            DeviceSummaryDocument(
                serial: input.serial, model: input.model, state: input.state, battery: battery,
                lastSeen: input.lastSeen.map(Timestamp.format(micros:)), reason: input.reason)
        }
    }

    private struct Watcher {
        var continuation: AsyncStream<WatchEventDocument>.Continuation
        var overflow: @Sendable () -> Void
    }

    private struct State {
        var pumps: [String: Pump] = [:]
        var firing: [String: [AlertName: AlertDocument]] = [:]
        var watchers: [Int: Watcher] = [:]
        var nextWatcher = 0
        /// The daemon is shutting down: watchers are ended, new ones get their snapshot and end.
        var closed = false
        /// No pump that is not silent yet can become silent before this moment (µs): the silence
        /// check skips its pass over the pumps until then. Nil: look at the next check.
        var nextSilence: Int64?
    }

    /// `--silence-alert` in µs, nil when off.
    let silenceThreshold: Int64?
    /// The most changes one watcher may have waiting; past that it is closed.
    let queueLimit: Int
    private let logger: Logger
    private let state = Mutex(State())

    init(silenceThreshold: Int64?, queueLimit: Int, logger: Logger) {
        self.silenceThreshold = silenceThreshold
        self.queueLimit = max(1, queueLimit)
        self.logger = logger
    }

    /// Fills the board from the store (at start, before any commit).
    func load(_ seed: AlertSeed, now: Int64) {
        var pumps: [String: Pump] = [:]
        pumps.reserveCapacity(seed.pumps.count)
        for p in seed.pumps {
            pumps[p.summary.serial] = Pump(
                input: PumpAlertInput(
                    serial: p.summary.serial, model: p.summary.model, state: p.summary.state,
                    reason: p.summary.reason, stateSince: p.lastSeen ?? now, lastSeen: p.lastSeen,
                    lastMessageID: p.latestStatusID),
                battery: p.summary.battery)
        }
        for record in seed.records {
            pumps[record.serial]?.attach(record)
            if let createdAt = Timestamp.parseRFC3339(record.createdAt), pumps[record.serial] != nil {
                // The record was raised when the pump entered its state: the best start time kept.
                pumps[record.serial]?.input.stateSince = createdAt
            }
        }
        for r in seed.reservoirs {
            pumps[r.serial]?.note(
                ReservoirMark(
                    code: r.code, raised: r.raised, at: r.at, arrival: r.arrival, messageID: r.messageID,
                    receivedAt: r.receivedAt))
        }
        var firing: [String: [AlertName: AlertDocument]] = [:]
        for (serial, pump) in pumps {
            let alerts = AlertRules.alerts(for: pump.input, now: now, silenceThreshold: silenceThreshold)
            if !alerts.isEmpty { firing[serial] = alerts }
        }
        state.withLock { s in
            s.pumps = pumps
            s.firing = firing
        }
    }

    /// Publishes one commit: its records, then each pump it changed and the alerts that began
    /// firing or were resolved. Called by the commit loop only, in commit order.
    func apply(records: [EligibilityRecordDocument], changes: [PumpChange], now: Int64) {
        guard !records.isEmpty || !changes.isEmpty else { return }
        let at = Timestamp.format(micros: now)
        let overflowed: [Watcher] = state.withLock { s in
            var events: [WatchEventDocument] = []
            var recordsBySerial: [String: [EligibilityRecordDocument]] = [:]
            for record in records {
                events.append(WatchEventDocument(event: .record, at: at, record: record))
                recordsBySerial[record.serial, default: []].append(record)
            }
            for change in changes {
                let records = recordsBySerial.removeValue(forKey: change.serial) ?? []
                update(&s, with: change, records: records, now: now, at: at, into: &events)
            }
            // Records of pumps whose row did not change (requests, implants).
            for (serial, records) in recordsBySerial.sorted(by: { $0.key < $1.key }) {
                for record in records { s.pumps[serial]?.attach(record) }
                recompute(&s, serial: serial, now: now, at: at, into: &events)
            }
            return publish(&s, events)
        }
        close(overflowed)
    }

    /// A pump enrolled before it ever reported: it joins the board as `unknown`.
    func noteEnrolled(serial: String, now: Int64) {
        let overflowed: [Watcher] = state.withLock { s in
            guard s.pumps[serial] == nil else { return [] }
            let pump = Pump(
                input: PumpAlertInput(
                    serial: serial, model: nil, state: "unknown", reason: nil, stateSince: now, lastSeen: nil))
            s.pumps[serial] = pump
            let event = WatchEventDocument(event: .pump, at: Timestamp.format(micros: now), pump: pump.summary)
            return publish(&s, [event])
        }
        close(overflowed)
    }

    /// Fires `PumpSilent` for the pumps that passed the silence threshold. A pass over every pump,
    /// a comparison each, and only once the earliest moment a pump could fall silent has come (a
    /// message resolves `PumpSilent` at its commit, so a pass never has to look for that).
    func checkSilence(now: Int64) {
        guard let threshold = silenceThreshold else { return }
        let at = Timestamp.format(micros: now)
        let overflowed: [Watcher] = state.withLock { s in
            if let next = s.nextSilence, now <= next { return [] }
            var flipped: [String] = []
            var next: Int64?
            for (serial, pump) in s.pumps {
                guard let lastSeen = pump.input.lastSeen else { continue }
                let silent = now - lastSeen > threshold
                if silent != (s.firing[serial]?[.pumpSilent] != nil) { flipped.append(serial) }
                if !silent { next = min(next ?? .max, lastSeen + threshold) }
            }
            s.nextSilence = next
            var events: [WatchEventDocument] = []
            for serial in flipped { recompute(&s, serial: serial, now: now, at: at, into: &events) }
            return publish(&s, events)
        }
        close(overflowed)
    }

    /// The alerts firing now, by serial then name.
    var firingAlerts: [AlertDocument] {
        state.withLock { s in s.firing }.sorted { $0.key < $1.key }.flatMap { _, alerts in
            alerts.sorted { $0.key.rawValue < $1.key.rawValue }.map(\.value)
        }
    }

    /// Starts a watcher: its snapshot (every pump in service, every firing alert, `synced`) and the
    /// stream of the changes published after it. `overflow` is called (once) when the watcher falls
    /// `queueLimit` changes behind; the stream then ends.
    func subscribe(now: Int64, overflow: @escaping @Sendable () -> Void) -> WatchSubscription {
        let (stream, continuation) = AsyncStream<WatchEventDocument>.makeStream(
            bufferingPolicy: .bufferingOldest(queueLimit))
        let (id, pumps, firing) = state.withLock { s in
            let id = s.nextWatcher
            s.nextWatcher += 1
            if s.closed {
                continuation.finish()
            } else {
                s.watchers[id] = Watcher(continuation: continuation, overflow: overflow)
            }
            return (id, s.pumps, s.firing)  // copies on write: the lock is held for no longer than this
        }
        let at = Timestamp.format(micros: now)
        var snapshot: [WatchEventDocument] = []
        snapshot.reserveCapacity(pumps.count + firing.count + 1)
        for serial in pumps.keys.sorted() {
            if let pump = pumps[serial] {
                snapshot.append(WatchEventDocument(event: .pump, at: at, pump: pump.summary))
            }
        }
        for serial in firing.keys.sorted() {
            for (_, alert) in (firing[serial] ?? [:]).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                snapshot.append(WatchEventDocument(event: .alert, at: at, alert: alert))
            }
        }
        snapshot.append(WatchEventDocument(event: .synced, at: at))
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return WatchSubscription(id: id, snapshot: snapshot, changes: stream)
    }

    /// Ends a watcher (its connection closed).
    func unsubscribe(_ id: Int) {
        let watcher = state.withLock { s in s.watchers.removeValue(forKey: id) }
        watcher?.continuation.finish()
    }

    /// Ends every watcher, and every later one after its snapshot: the daemon is shutting down.
    func finishAll() {
        let watchers = state.withLock { s in
            s.closed = true
            defer { s.watchers = [:] }
            return Array(s.watchers.values)
        }
        for watcher in watchers { watcher.continuation.finish() }
    }

    /// How many watchers are connected.
    var watcherCount: Int { state.withLock { $0.watchers.count } }

    // MARK: Under the lock

    private func update(
        _ s: inout State, with change: PumpChange, records: [EligibilityRecordDocument], now: Int64, at: String,
        into events: inout [WatchEventDocument]
    ) {
        var pump =
            s.pumps[change.serial]
            ?? Pump(
                input: PumpAlertInput(
                    serial: change.serial, model: nil, state: "", reason: nil, stateSince: change.changedAt,
                    lastSeen: nil))
        let before = (pump.input.state, pump.input.reason, pump.input.model)
        pump.input.model = change.model
        pump.input.state = change.state
        pump.input.reason = change.reason
        pump.input.lastSeen = change.lastSeen
        pump.battery = change.battery
        if let id = change.lastMessageID { pump.input.lastMessageID = id }
        if let threshold = silenceThreshold, let lastSeen = change.lastSeen {
            s.nextSilence = s.nextSilence.map { min($0, lastSeen + threshold) }
        }
        for mark in change.reservoirAlerts { pump.note(mark) }
        for record in records { pump.attach(record) }
        if (change.state, change.reason) != (before.0, before.1) { pump.input.stateSince = change.changedAt }
        if (change.state, change.reason, change.model) != before {
            events.append(WatchEventDocument(event: .pump, at: at, pump: pump.summary))
        }
        if change.state == "retired" {
            s.pumps[change.serial] = nil
        } else {
            s.pumps[change.serial] = pump
        }
        recompute(&s, serial: change.serial, now: now, at: at, into: &events)
    }

    /// Derives the pump's alerts again and appends what began firing (or changed) and what ended.
    private func recompute(
        _ s: inout State, serial: String, now: Int64, at: String, into events: inout [WatchEventDocument]
    ) {
        let current =
            s.pumps[serial].map { AlertRules.alerts(for: $0.input, now: now, silenceThreshold: silenceThreshold) }
            ?? [:]
        let earlier = s.firing[serial] ?? [:]
        for name in AlertName.allCases {
            if let alert = current[name], alert != earlier[name] {
                events.append(WatchEventDocument(event: .alert, at: at, alert: alert))
            }
        }
        for name in AlertName.allCases {
            if var ended = earlier[name], current[name] == nil {
                ended.status = .resolved
                ended.endsAt = at
                events.append(WatchEventDocument(event: .alert, at: at, alert: ended))
            }
        }
        s.firing[serial] = current.isEmpty ? nil : current
    }

    /// Hands the events to every watcher; returns those that fell too far behind (removed).
    private func publish(_ s: inout State, _ events: [WatchEventDocument]) -> [Watcher] {
        guard !events.isEmpty, !s.watchers.isEmpty else { return [] }
        var overflowed: [Watcher] = []
        for (id, watcher) in s.watchers {
            for event in events {
                if case .dropped = watcher.continuation.yield(event) {
                    overflowed.append(watcher)
                    s.watchers[id] = nil
                    break
                }
            }
        }
        return overflowed
    }

    private func close(_ overflowed: [Watcher]) {
        guard !overflowed.isEmpty else { return }
        logger.warning(
            "Watch connection closed: it fell behind",
            metadata: ["watch.queue.limit": "\(queueLimit)", "watchers.closed": "\(overflowed.count)"])
        for watcher in overflowed {
            watcher.continuation.finish()
            watcher.overflow()
        }
    }
}

/// A watcher's start: the snapshot to send, then the changes.
struct WatchSubscription: Sendable {
    var id: Int
    var snapshot: [WatchEventDocument]
    var changes: AsyncStream<WatchEventDocument>
}

extension AlertBoard.Pump {
    /// Keeps a telemetry record as the one behind the pump's non-functional or impending alert.
    mutating func attach(_ record: EligibilityRecordDocument) {
        guard record.trigger == "telemetry" else { return }
        let mark = RecordMark(id: record.id, clause: record.clause, evidence: record.evidence.map(\.messageID))
        switch record.replacementCriterion {
        case "non_function": input.nonFunctionRecord = mark
        case "impending_failure": input.impendingRecord = mark
        default: break
        }
    }

    /// Keeps the latest reservoir message of its code; the code's alert is open while it is a raise.
    mutating func note(_ mark: ReservoirMark) {
        if let kept = reservoir[mark.code], !mark.supersedes(kept) { return }
        reservoir[mark.code] = mark
        input.openAlerts[mark.code] =
            mark.raised ? OpenAlertMark(messageID: mark.messageID, receivedAt: mark.receivedAt) : nil
    }
}

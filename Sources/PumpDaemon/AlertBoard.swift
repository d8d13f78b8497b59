import Logging
import PumpAlerts
import PumpControlProtocol
import PumpIngest
import PumpStore
import PumpTelemetry
import Synchronization

/// The one owner of what the daemon knows about alerts: the pumps the alert rules act on (those in
/// a failing state or with a record, a reservoir alert or a firing alert; every pump with
/// `--silence-alert`), the alerts firing, and the `watch` connections following them. Built from
/// the store at start, then fed by the commit loop after each commit (`apply`), so its changes go
/// out in commit order right after each commit. A watcher subscribes in the commit loop, between
/// two commits, together with a snapshot of the store (`ControlHandler.subscribe`): no change is
/// lost or sent twice between its snapshot and its stream. A watcher that falls `queueLimit`
/// changes behind is dropped (its connection closed), so a slow reader costs ingest nothing.
final class AlertBoard: Sendable {
    private struct Watcher {
        var continuation: AsyncStream<WatchEventDocument>.Continuation
        var overflow: @Sendable () -> Void
    }

    private struct State {
        var words = WordTable()
        /// The pumps the rules need to see: every one in service with `--silence-alert` (any may
        /// fall silent), else those in a failing state or with a record, a reservoir alert or a
        /// firing alert. Compact: what only some pumps have is in their ``PumpDetail``.
        var pumps: [String: CompactPump] = [:]
        /// With `--silence-alert`: the id of each pump's last message since the start (the evidence
        /// of `PumpSilent`, and only of it: without the flag no id is kept).
        var lastMessage: [String: String] = [:]
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

    /// Fills the board from the store (at start, before any commit), a pump at a time as the store
    /// reads it: those the rules act on, with their records and reservoir alerts.
    func load(from store: PumpStore, now: Int64) async throws(StoreError) {
        let keepsAll = silenceThreshold != nil
        try await store.alertSeed { seed in
            let hasDetail = !seed.records.isEmpty || !seed.reservoirs.isEmpty
            guard keepsAll || hasDetail || Self.isFailing(seed.state) else { return }
            self.state.withLock { s in
                var pump = CompactPump(
                    state: s.words.number(seed.state), reason: s.words.number(seed.reason),
                    model: s.words.number(seed.model), battery: s.words.number(seed.battery),
                    lastSeen: seed.lastSeen ?? .min, detail: nil)
                if hasDetail {
                    pump.changeDetail(now: now) { detail in
                        for record in seed.records {
                            detail.attach(record)
                            // The record of the pump's state was raised when it entered it: the best
                            // start time kept (the time of the message that changed the state is not
                            // stored).
                            let matches =
                                (record.replacementCriterion == "non_function" && seed.state == "non_functional")
                                || (record.replacementCriterion == "impending_failure"
                                    && seed.state == "impending_failure")
                            if matches, let createdAt = Timestamp.parseRFC3339(record.createdAt) {
                                detail.stateSince = createdAt
                            }
                        }
                        for mark in seed.reservoirs { detail.note(mark) }
                    }
                }
                s.pumps[seed.serial] = pump
            }
        }
        state.withLock { s in
            for serial in s.pumps.keys {
                guard let input = Self.input(s, serial: serial, now: now) else { continue }
                let alerts = AlertRules.alerts(for: input, now: now, silenceThreshold: silenceThreshold)
                if !alerts.isEmpty { s.firing[serial] = alerts }
            }
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
            for (serial, records) in recordsBySerial.sorted(by: { $0.key < $1.key }) where s.pumps[serial] != nil {
                s.pumps[serial]!.changeDetail(now: now) { detail in
                    for record in records { detail.attach(record) }
                }
                recompute(&s, serial: serial, now: now, at: at, into: &events)
            }
            return publish(&s, events)
        }
        close(overflowed)
    }

    /// A pump enrolled before it ever reported: it joins the board as `unknown`.
    func noteEnrolled(serial: String, isNew: Bool, now: Int64) {
        guard isNew else { return }
        let event = WatchEventDocument(
            event: .pump, at: Timestamp.format(micros: now),
            pump: DeviceSummaryDocument(serial: serial, model: nil, state: "unknown", battery: nil, lastSeen: nil))
        let overflowed: [Watcher] = state.withLock { s in publish(&s, [event]) }
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
                guard let lastSeen = pump.lastSeenOrNil else { continue }
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

    /// Starts a watcher: its snapshot (every pump in service, every firing alert, `synced`) and the
    /// stream of the changes published after it. `overflow` is called (once) when the watcher falls
    /// `queueLimit` changes behind; the stream then ends.
    func subscribe(now: Int64, store: StoreSnapshot, overflow: @escaping @Sendable () -> Void) -> WatchSubscription {
        let watcher = register(overflow: overflow)
        return WatchSubscription(
            id: watcher.id,
            snapshot: WatchSnapshot(store: store, firing: watcher.firing, at: Timestamp.format(micros: now)),
            changes: watcher.changes)
    }

    /// Follows the alerts without a store snapshot (the HL7 outbox): the alerts firing now and the
    /// stream of changes published after. `overflow` and the end of the stream are as for
    /// ``subscribe(now:store:overflow:)``.
    func followAlerts(overflow: @escaping @Sendable () -> Void) -> AlertFollow {
        let watcher = register(overflow: overflow)
        return AlertFollow(id: watcher.id, firing: watcher.firing, changes: watcher.changes)
    }

    /// Adds a watcher and takes the alerts firing under the same lock, so that no change falls
    /// between them and its stream. (The dictionary copies on write: the lock is held no longer.)
    private func register(
        overflow: @escaping @Sendable () -> Void
    ) -> (id: Int, firing: [String: [AlertName: AlertDocument]], changes: AsyncStream<WatchEventDocument>) {
        let (stream, continuation) = AsyncStream<WatchEventDocument>.makeStream(
            bufferingPolicy: .bufferingOldest(queueLimit))
        let (id, firing) = state.withLock { s in
            let id = s.nextWatcher
            s.nextWatcher += 1
            if s.closed {
                continuation.finish()
            } else {
                s.watchers[id] = Watcher(continuation: continuation, overflow: overflow)
            }
            return (id, s.firing)
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return (id, firing, stream)
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

    /// Alerts firing now, by name (`/metrics`' `pumpmond_alerts_firing`).
    func firingCounts() -> [AlertName: Int] {
        state.withLock { s in
            var counts: [AlertName: Int] = [:]
            for alerts in s.firing.values {
                for name in alerts.keys { counts[name, default: 0] += 1 }
            }
            return counts
        }
    }

    // MARK: Under the lock

    /// The rules' view of a pump, nil when it is not in service.
    private static func input(_ s: State, serial: String, now: Int64) -> PumpAlertInput? {
        guard let pump = s.pumps[serial] else { return nil }
        let detail = pump.detail
        return PumpAlertInput(
            serial: serial, model: s.words.word(pump.model), state: s.words.word(pump.state) ?? "unknown",
            reason: s.words.word(pump.reason), stateSince: detail?.stateSince ?? pump.lastSeenOrNil ?? now,
            openAlerts: detail?.openAlerts ?? [:], nonFunctionRecord: detail?.nonFunctionRecord,
            impendingRecord: detail?.impendingRecord, lastSeen: pump.lastSeenOrNil,
            lastMessageID: s.lastMessage[serial])
    }

    private func update(
        _ s: inout State, with change: PumpChange, records: [EligibilityRecordDocument], now: Int64, at: String,
        into events: inout [WatchEventDocument]
    ) {
        let serial = change.serial
        let (stateChanged, shown) = (change.stateChanged, change.shown)
        let failing = Self.isFailing(change.state)
        var detail = s.pumps[serial]?.detail
        if detail == nil, !records.isEmpty || !change.reservoirAlerts.isEmpty || failing {
            detail = PumpDetail(stateSince: change.changedAt)
        }
        if var d = detail {
            for mark in change.reservoirAlerts { d.note(mark) }
            if let refill = change.refill, d.hasReservoirMark(code: refill.code) { d.note(refill) }
            for record in records { d.attach(record) }
            if stateChanged { d.stateSince = change.changedAt }
            detail = d
        }
        if silenceThreshold != nil, let id = change.lastMessageID { s.lastMessage[serial] = id }
        if change.state == "retired" {
            s.pumps[serial] = nil
            s.lastMessage[serial] = nil
        } else if silenceThreshold != nil || failing || detail != nil || s.firing[serial] != nil {
            s.pumps[serial] = CompactPump(
                state: s.words.number(change.state), reason: s.words.number(change.reason),
                model: s.words.number(change.model), battery: s.words.number(change.battery),
                lastSeen: change.lastSeen ?? .min, detail: detail)
        } else {
            s.pumps[serial] = nil  // nothing the rules act on: not held
        }
        if shown {
            let summary = DeviceSummaryDocument(
                serial: serial, model: change.model, state: change.state, battery: change.battery,
                lastSeen: change.lastSeen.map(Timestamp.format(micros:)), reason: change.reason)
            events.append(WatchEventDocument(event: .pump, at: at, pump: summary))
        }
        if let threshold = silenceThreshold, let lastSeen = change.lastSeen {
            s.nextSilence = s.nextSilence.map { min($0, lastSeen + threshold) }
        }
        recompute(&s, serial: serial, now: now, at: at, into: &events)
    }

    /// States whose alerts need the pump held.
    static func isFailing(_ state: String) -> Bool {
        state == "non_functional" || state == "impending_failure"
    }

    /// Derives the pump's alerts again and appends what began firing (or changed) and what ended.
    private func recompute(
        _ s: inout State, serial: String, now: Int64, at: String, into events: inout [WatchEventDocument]
    ) {
        let current =
            Self.input(s, serial: serial, now: now).map {
                AlertRules.alerts(for: $0, now: now, silenceThreshold: silenceThreshold)
            } ?? [:]
        let earlier = s.firing[serial] ?? [:]
        guard !current.isEmpty || !earlier.isEmpty else { return }
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
    var snapshot: WatchSnapshot
    var changes: AsyncStream<WatchEventDocument>
}

/// A follower's start (``AlertBoard/followAlerts(overflow:)``): the alerts firing, then the changes.
struct AlertFollow: Sendable {
    var id: Int
    var firing: [String: [AlertName: AlertDocument]]
    var changes: AsyncStream<WatchEventDocument>
}

import Foundation
import PumpControlProtocol
import PumpHealth
import PumpJSON
import PumpPolicy
import PumpStore
import PumpTelemetry

/// The work of one ingest transaction: stores each line, runs failure detection on what was
/// accepted, raises the records detection calls for, and keeps the pumps it touched (`dirty`)
/// until they are saved at the end of the batch.
struct BatchState {
    let tx: StoreTransaction
    let writer: IngestWriter
    let rules: StallRules
    let now: Int64
    var dirty: [String: PumpEntry] = [:]
    var raised: [RaisedRecord] = []
    var accepted = 0
    /// What the batch did to each pump beyond its row: the message received last, when its state
    /// or reason last changed, the reservoir alerts stored.
    var touched: [String: Touch] = [:]
    /// Messages stored for retired pumps.
    var retiredMessages: [RetiredPumpMessage] = []

    struct Touch {
        var lastMessageID: String?
        var changedAt: Int64?
        var reservoirAlerts: [ReservoirMark] = []
        var refill: ReservoirMark?
    }

    /// What each pump this batch touched showed before it (nil: the pump is new).
    var before: [String: Shown?] = [:]

    /// What a `pump` event of the watch stream shows that can change.
    struct Shown: Equatable {
        var state: String
        var reason: String?
        var model: String?

        init(_ row: PumpRow) {
            state = row.state
            reason = row.reason
            model = row.model
        }
    }

    init(_ tx: StoreTransaction, writer: IngestWriter, now: Int64) {
        self.tx = tx
        self.writer = writer
        self.rules = writer.rules
        self.now = now
    }

    /// The pump's entry as this transaction sees it, created if unknown.
    mutating func entry(_ serial: String) throws -> PumpEntry {
        let (e, isNew) = try loadEntry(serial)
        if dirty[serial] == nil, before.index(forKey: serial) == nil {
            before[serial] = isNew ? .some(nil) : .some(Shown(e.row))
        }
        return e
    }

    /// The entry, and whether the pump is new (unknown to the store).
    private mutating func loadEntry(_ serial: String) throws -> (PumpEntry, isNew: Bool) {
        if let e = dirty[serial] ?? writer.cachedEntry(serial) { return (e, false) }
        if let row = try tx.pump(serial) {
            var e = try PumpEntry(row: row, rules: rules)
            if e.health.rules != rules {
                // The daemon runs with other stall rules than when this state was saved: judge the
                // pump's whole history again under the rules in force.
                e.health = PumpHealth.replaying(try storedSignals(serial: serial), rules: rules)
            }
            return (e, false)
        }
        return (PumpEntry(serial: serial, firstSeen: now, rules: rules), true)
    }

    /// The index of the pump's entry in `dirty`, loading it first when this batch has not touched it.
    private mutating func dirtyIndex(_ serial: String) throws -> Dictionary<String, PumpEntry>.Index {
        if let i = dirty.index(forKey: serial) { return i }
        dirty[serial] = try entry(serial)
        guard let i = dirty.index(forKey: serial) else { throw StoreError.failed(reason: "pump cache lost \(serial)") }
        return i
    }

    mutating func apply(_ item: IngestItem) throws -> Reply {
        switch item {
        case .rejected(let rejection, let raw, let receivedAt, let source):
            try tx.insert(
                QuarantineRow(
                    receivedAt: receivedAt, reason: rejection.reason.rawValue, detail: rejection.detail,
                    messageID: rejection.id, raw: Data(raw), source: source))
            return Reply(
                id: rejection.id, result: .rejected, reason: rejection.reason.rawValue, detail: rejection.detail)
        case .valid(let m):
            return try store(m)
        }
    }

    private mutating func store(_ m: IngestMessage) throws -> Reply {
        guard let rowID = try tx.insert(m.row) else { return try resend(m) }
        accepted += 1
        let i = try dirtyIndex(m.serial)
        // The entry is changed in place in `dirty` (no copy of its detection state per message).
        let replayed =
            dirty.values[i].health.isInOrder(m.signal)
            ? nil : PumpHealth.replaying(try storedSignals(serial: m.serial), rules: rules)
        let before = (dirty.values[i].row.state, dirty.values[i].row.reason)
        Self.update(&dirty.values[i], with: m, rowID: rowID, replayed: replayed)
        try assessAndRaise(at: i)
        var touch = touched[m.serial] ?? Touch()
        touch.lastMessageID = m.id
        if (dirty.values[i].row.state, dirty.values[i].row.reason) != before { touch.changedAt = m.receivedAt }
        if let code = m.signal.code, m.signal.kind == .alert, ReservoirMark.codes.contains(code) {
            touch.reservoirAlerts.append(
                ReservoirMark(
                    code: code, raised: !m.signal.cleared, at: m.signal.at, arrival: rowID, messageID: m.id,
                    receivedAt: m.receivedAt))
        }
        if m.reportsDrug {
            let refill = ReservoirMark(
                code: "EMPTY_RESERVOIR", raised: false, at: m.signal.at, arrival: rowID, messageID: m.id,
                receivedAt: m.receivedAt)
            if touch.refill.map(refill.supersedes) ?? true { touch.refill = refill }
        }
        touched[m.serial] = touch
        if dirty.values[i].row.state == Self.retired {
            retiredMessages.append(RetiredPumpMessage(serial: m.serial, messageID: m.id))
        }
        return Reply(id: m.id, result: .accepted, reason: nil, detail: nil)
    }

    /// A (serial, id) already stored: the same content is a duplicate, other content a conflict.
    private mutating func resend(_ m: IngestMessage) throws -> Reply {
        var same = false
        if let stored = try tx.message(serial: m.serial, id: m.id), stored.contentHash == m.contentHash,
            let storedJSON = try? JSONParser.parse([UInt8](stored.raw)), let sentJSON = try? JSONParser.parse(m.raw)
        {
            same = JSONWriter.canonical(storedJSON) == JSONWriter.canonical(sentJSON)
        }
        if same {
            return Reply(id: m.id, result: .duplicate, reason: nil, detail: nil)
        }
        let reason = RejectionReason.conflictingDuplicate.rawValue
        let detail = "a different message with serial \(m.serial) and id \(m.id) is already stored"
        try tx.insert(
            QuarantineRow(
                receivedAt: m.receivedAt, reason: reason, detail: detail, messageID: m.id, raw: Data(m.raw),
                source: m.source))
        return Reply(id: m.id, result: .rejected, reason: reason, detail: detail)
    }

    /// Every stored message of the pump as detection signals, in `at` then arrival order.
    private func storedSignals(serial: String) throws -> [HealthSignal] {
        // Stored messages were accepted once: they are read back whatever their `at`.
        let validator = FrameValidator(futureTolerance: .max / 4, earliestAt: .min)
        return try tx.messages(serial: serial).compactMap { row in
            guard case .valid(let m) = validator.validate([UInt8](row.raw), nowMicros: 0) else { return nil }
            var signal = HealthSignal(message: m, receivedAt: row.receivedAt)
            signal.arrival = row.id ?? 0
            return signal
        }
    }

    /// Applies an accepted message to its pump's entry; `replayed` is the pump's state rebuilt from
    /// its stored messages when the message came out of `at` order.
    private static func update(_ entry: inout PumpEntry, with m: IngestMessage, rowID: Int64, replayed: PumpHealth?) {
        var signal = m.signal
        signal.arrival = rowID
        entry.row.lastSeen = max(entry.row.lastSeen ?? signal.receivedAt, signal.receivedAt)
        if signal.kind == .status, signal.at >= (entry.row.latestStatusAt ?? .min) {
            entry.row.latestStatusID = rowID
            entry.row.latestStatusAt = signal.at
            entry.row.model = m.model
            entry.row.battery = signal.battery
        }
        if let replayed {
            entry.health = replayed
        } else {
            entry.health.apply(signal)
        }
    }

    /// `assessAndRaise(_:)` for the entry at `i` in `dirty`, changed in place unless a record is raised.
    private mutating func assessAndRaise(at i: Dictionary<String, PumpEntry>.Index) throws {
        // A retired pump keeps its state and raises nothing: its messages are only stored.
        guard dirty.values[i].row.state != Self.retired else { return }
        let assessment = dirty.values[i].health.assess(now: now)
        let state = assessment.state.rawValue
        if dirty.values[i].row.state != state { dirty.values[i].row.state = state }
        let reason = dirty.values[i].health.reason(for: assessment.state)?.rawValue
        if dirty.values[i].row.reason != reason { dirty.values[i].row.reason = reason }
        guard Self.raisable(assessment, dirty.values[i]) != nil else { return }
        var entry = dirty.values[i]
        try raise(assessment, for: &entry)
        dirty.values[i] = entry
    }

    /// The criterion and evidence of the telemetry record the assessment calls for, if one is due.
    private static func raisable(
        _ assessment: HealthAssessment, _ entry: PumpEntry
    ) -> (ReplacementCriterion, [EvidenceRef])? {
        // A stall that outlasted its grace and recovered since still showed non-function.
        if let evidence = assessment.nonFunctionEvidence ?? assessment.lapsedStallEvidence,
            !entry.row.raisedNonFunction
        {
            return (.nonFunction, evidence)
        }
        if let evidence = assessment.impendingEvidence, !entry.row.raisedNonFunction,
            !entry.row.raisedImpendingFailure
        {
            return (.impendingFailure, evidence)
        }
        return nil
    }

    private mutating func raise(_ assessment: HealthAssessment, for entry: inout PumpEntry) throws {
        guard let (criterion, evidence) = Self.raisable(assessment, entry) else { return }
        try raise(criterion, evidence: evidence, for: &entry)
        switch criterion {
        case .nonFunction: entry.row.raisedNonFunction = true
        case .impendingFailure: entry.row.raisedImpendingFailure = true
        case .none: break
        }
    }

    /// Recomputes the pump's state and raises the telemetry records its criterion calls for: a
    /// non-function record once, an impending-failure record once and only while no non-function
    /// record exists.
    mutating func assessAndRaise(_ entry: inout PumpEntry) throws {
        guard entry.row.state != Self.retired else { return }
        let assessment = entry.health.assess(now: now)
        entry.row.state = assessment.state.rawValue
        entry.row.reason = entry.health.reason(for: assessment.state)?.rawValue
        try raise(assessment, for: &entry)
    }

    /// The state word of a retired pump.
    static let retired = PumpState.retired.rawValue

    /// The pumps this batch touched, as it leaves them.
    var changes: [PumpChange] {
        dirty.values.map { entry in
            let touch = touched[entry.serial]
            let earlier = before[entry.serial] ?? nil
            let now = Shown(entry.row)
            return PumpChange(
                serial: entry.serial, model: entry.row.model, state: entry.row.state, reason: entry.row.reason,
                battery: entry.row.battery, lastSeen: entry.row.lastSeen, lastMessageID: touch?.lastMessageID,
                changedAt: touch?.changedAt ?? self.now, reservoirAlerts: touch?.reservoirAlerts ?? [],
                refill: touch?.refill, shown: earlier != now,
                stateChanged: earlier.map { ($0.state, $0.reason) != (now.state, now.reason) } ?? true)
        }
    }

    private mutating func raise(
        _ criterion: ReplacementCriterion, evidence: [EvidenceRef], for entry: inout PumpEntry
    ) throws {
        let therapy = try tx.currentTherapy(serial: entry.serial)
        let assessment = PolicyEngine.assessReplacement(
            criterion: criterion, trigger: .telemetry, therapy: try therapy?.therapy)
        var record = RecordRow(
            serial: entry.serial, assessment: assessment, evidence: evidence.map(\.document), note: nil,
            therapyID: therapy?.id, createdAt: now)
        try tx.insert(&record)
        raised.append(
            RaisedRecord(
                recordID: record.recordID, serial: entry.serial, criterion: criterion.rawValue,
                determination: assessment.determination.rawValue, clause: assessment.clause.rawValue,
                document: record.document))
    }

    func saveDirtyPumps() throws {
        for entry in dirty.values {
            try tx.save(entry.savedRow)
        }
    }
}

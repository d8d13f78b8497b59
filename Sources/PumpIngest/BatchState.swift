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

    init(_ tx: StoreTransaction, writer: IngestWriter, now: Int64) {
        self.tx = tx
        self.writer = writer
        self.rules = writer.rules
        self.now = now
    }

    /// The pump's entry as this transaction sees it, created if unknown.
    mutating func entry(_ serial: String) throws -> PumpEntry {
        if let e = dirty[serial] ?? writer.cachedEntry(serial) { return e }
        if let row = try tx.pump(serial) {
            var e = try PumpEntry(row: row, rules: rules)
            if e.health.rules != rules {
                // The daemon runs with other stall rules than when this state was saved: judge the
                // pump's whole history again under the rules in force.
                e.health = PumpHealth.replaying(try storedSignals(serial: serial), rules: rules)
            }
            return e
        }
        return PumpEntry(serial: serial, firstSeen: now, rules: rules)
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
        Self.update(&dirty.values[i], with: m, rowID: rowID, replayed: replayed)
        try assessAndRaise(at: i)
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
        let assessment = dirty.values[i].health.assess(now: now)
        let state = assessment.state.rawValue
        if dirty.values[i].row.state != state { dirty.values[i].row.state = state }
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
        let assessment = entry.health.assess(now: now)
        entry.row.state = assessment.state.rawValue
        try raise(assessment, for: &entry)
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
                determination: assessment.determination.rawValue, clause: assessment.clause.rawValue))
    }

    func saveDirtyPumps() throws {
        for entry in dirty.values {
            try tx.save(entry.savedRow)
        }
    }
}

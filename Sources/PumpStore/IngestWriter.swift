import Foundation
import GRDB
import PumpControlProtocol
import PumpHealth
import PumpPolicy
import PumpTelemetry
import Synchronization

/// The single writer of telemetry: commits a batch of lines in one transaction (group commit),
/// runs failure detection on every accepted message in the pump's `at` order, and raises the
/// eligibility records that detection calls for, in the same transaction. Replies are produced
/// only after the commit, so `accepted` means durable.
///
/// Pump rows are cached in memory between batches; a failed transaction leaves the cache as it was.
public final class IngestWriter: Sendable {
    /// The store written to.
    public let store: PumpStore
    /// The stall grace rules.
    public let rules: StallRules
    private let cache = Mutex<[String: PumpEntry]>([:])

    /// Creates the writer for `store`.
    public init(store: PumpStore, rules: StallRules) {
        self.store = store
        self.rules = rules
    }

    /// Commits `items` in one transaction and returns one reply per item. When the store fails,
    /// nothing of the batch is kept and every item is answered `unavailable`.
    public func commit(_ items: [IngestItem], now: Int64) async -> IngestOutcome {
        do {
            let (outcome, dirty) = try await store.write { db in
                var batch = BatchState(db: db, writer: self, now: now)
                var replies: [Reply] = []
                replies.reserveCapacity(items.count)
                for item in items {
                    replies.append(try batch.apply(item))
                }
                try batch.saveDirtyPumps()
                return (IngestOutcome(replies: replies, raised: batch.raised, accepted: batch.accepted), batch.dirty)
            }
            cache.withLock { cache in
                for (serial, entry) in dirty { cache[serial] = entry }
            }
            return outcome
        } catch {
            let reason = error.unavailableReason
            let replies = items.map { item in
                Reply(id: item.replyID, result: .unavailable, reason: reason.rawValue, detail: error.description)
            }
            return IngestOutcome(replies: replies, raised: [], accepted: 0)
        }
    }

    /// Judges stalled pumps that fell silent on the daemon's clock: every pump whose stall grace has
    /// passed since the stall message was received, with no recovery, becomes non-functional and
    /// raises its non-function record. Returns the records raised.
    public func sweepSilentStalls(now: Int64) async throws(StoreError) -> [RaisedRecord] {
        let (raised, dirty) = try await store.write { db in
            var batch = BatchState(db: db, writer: self, now: now)
            let serials = try String.fetchAll(
                db, sql: "SELECT serial FROM pump WHERE stall_deadline IS NOT NULL AND stall_deadline < ?",
                arguments: [now])
            for serial in serials {
                var entry = try batch.entry(serial)
                try batch.assessAndRaise(&entry)
                batch.dirty[serial] = entry
            }
            try batch.saveDirtyPumps()
            return (batch.raised, batch.dirty)
        }
        cache.withLock { cache in
            for (serial, entry) in dirty { cache[serial] = entry }
        }
        return raised
    }

    /// The earliest daemon-clock deadline of a silent stall, if any pump has one.
    public func nextStallDeadline() async throws(StoreError) -> Int64? {
        try await store.read { db in
            try Int64.fetchOne(db, sql: "SELECT min(stall_deadline) FROM pump WHERE stall_deadline IS NOT NULL")
        }
    }

    /// The cached row of a pump, as of the last committed batch.
    func cachedEntry(_ serial: String) -> PumpEntry? {
        cache.withLock { $0[serial] }
    }

    /// Forgets cached pump rows (after another writer changed them, e.g. in tests).
    public func dropCache() {
        cache.withLock { $0.removeAll() }
    }
}

extension IngestItem {
    /// The id the reply echoes.
    public var replyID: String? {
        switch self {
        case .message(let m, _, _): m.id
        case .rejected(let r, _, _): r.id
        }
    }
}

extension Error {
    fileprivate var unavailableReason: UnavailableReason {
        (self as? StoreError)?.unavailableReason ?? .storageError
    }

    fileprivate var description: String {
        (self as? StoreError)?.description ?? String(describing: self)
    }
}

/// The work of one transaction: pumps touched so far and what was raised.
struct BatchState {
    let db: Database
    let writer: IngestWriter
    let rules: StallRules
    let now: Int64
    var dirty: [String: PumpEntry] = [:]
    var raised: [RaisedRecord] = []
    var accepted = 0

    init(db: Database, writer: IngestWriter, now: Int64) {
        self.db = db
        self.writer = writer
        self.rules = writer.rules
        self.now = now
    }

    /// The pump's entry as this transaction sees it, created if unknown.
    mutating func entry(_ serial: String) throws -> PumpEntry {
        if let e = dirty[serial] ?? writer.cachedEntry(serial) { return e }
        if var e = try PumpEntry.load(db, serial: serial, rules: rules) {
            if e.health.rules != rules {
                // The daemon runs with other stall rules than when this state was saved: judge the
                // pump's whole history again under the rules in force.
                e.health = PumpHealth.replaying(try storedSignals(serial: serial), rules: rules)
            }
            return e
        }
        return PumpEntry(serial: serial, firstSeen: now, rules: rules)
    }

    mutating func apply(_ item: IngestItem) throws -> Reply {
        switch item {
        case .rejected(let rejection, let raw, let receivedAt):
            try quarantine(raw: raw, reason: rejection.reason.rawValue, detail: rejection.detail, id: rejection.id,
                receivedAt: receivedAt)
            return Reply(id: rejection.id, result: .rejected, reason: rejection.reason.rawValue, detail: rejection.detail)
        case .message(let m, let raw, let receivedAt):
            return try store(m, raw: raw, receivedAt: receivedAt)
        }
    }

    private func quarantine(raw: [UInt8], reason: String, detail: String, id: String?, receivedAt: Int64) throws {
        try db.cachedStatement(
            sql: "INSERT INTO quarantine (received_at, reason, detail, message_id, raw) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [receivedAt, reason, detail, id, Data(raw)])
    }

    private mutating func store(_ m: TelemetryMessage, raw: [UInt8], receivedAt: Int64) throws -> Reply {
        let canonical = m.content.canonicalBytes()
        let hash = ContentHash.of(canonical)
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO message (serial, message_id, kind, code, alert_state, at, at_text, received_at,
                                     content_hash, raw)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(serial, message_id) DO NOTHING
                """)
        try insert.execute(arguments: [
            m.serial, m.id, m.kind.rawValue, m.codeWord, m.alertStateWord, m.at.micros, m.at.text, receivedAt, hash,
            Data(raw),
        ])
        if db.changesCount == 0 {
            return try resend(m, raw: raw, canonical: canonical, hash: hash, receivedAt: receivedAt)
        }
        accepted += 1
        let rowID = db.lastInsertedRowID
        var entry = try entry(m.serial)
        entry.lastSeen = max(entry.lastSeen ?? receivedAt, receivedAt)
        if case .status(let status) = m.payload, m.at.micros >= (entry.latestStatusAt ?? .min) {
            entry.latestStatusID = rowID
            entry.latestStatusAt = m.at.micros
            entry.model = status.model
            entry.battery = status.battery?.state.rawValue
        }
        let signal = HealthSignal(message: m, receivedAt: receivedAt)
        if !entry.health.isInOrder(signal) {
            entry.health = PumpHealth.replaying(try storedSignals(serial: m.serial), rules: rules)
        } else {
            entry.health.apply(signal)
        }
        try assessAndRaise(&entry)
        dirty[m.serial] = entry
        return Reply(id: m.id, result: .accepted, reason: nil, detail: nil)
    }

    /// A (serial, id) already stored: the same content is a duplicate, other content a conflict.
    private mutating func resend(
        _ m: TelemetryMessage, raw: [UInt8], canonical: [UInt8], hash: Int64, receivedAt: Int64
    ) throws -> Reply {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT content_hash, raw FROM message WHERE serial = ? AND message_id = ?"),
            arguments: [m.serial, m.id])
        var same = false
        if let row, (row[0] as Int64) == hash {
            let storedRaw = [UInt8](row[1] as Data)
            if let stored = try? JSONParser.parse(storedRaw) {
                same = stored.canonicalBytes() == canonical
            }
        }
        if same {
            return Reply(id: m.id, result: .duplicate, reason: nil, detail: nil)
        }
        let detail = "a different message with serial \(m.serial) and id \(m.id) is already stored"
        try quarantine(
            raw: raw, reason: RejectionReason.conflictingDuplicate.rawValue, detail: detail, id: m.id,
            receivedAt: receivedAt)
        return Reply(
            id: m.id, result: .rejected, reason: RejectionReason.conflictingDuplicate.rawValue, detail: detail)
    }

    /// Every stored message of the pump as detection signals, in `at` then arrival order.
    private func storedSignals(serial: String) throws -> [HealthSignal] {
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT raw, received_at FROM message WHERE serial = ? ORDER BY at, id"),
            arguments: [serial])
        let validator = FrameValidator(futureTolerance: .max / 4)
        var signals: [HealthSignal] = []
        while let row = try rows.next() {
            let raw = [UInt8](row[0] as Data)
            if case .valid(let m) = validator.validate(raw, nowMicros: 0) {
                signals.append(HealthSignal(message: m, receivedAt: row[1]))
            }
        }
        return signals
    }

    /// Recomputes the pump's state and raises the telemetry records its criterion calls for: a
    /// non-function record once, an impending-failure record once and only while no non-function
    /// record exists.
    mutating func assessAndRaise(_ entry: inout PumpEntry) throws {
        let assessment = entry.health.assess(now: now)
        entry.state = assessment.state.rawValue
        // A stall that outlasted its grace and recovered since still showed non-function.
        if let evidence = assessment.nonFunctionEvidence ?? assessment.lapsedStallEvidence, !entry.raisedNonFunction {
            try raise(.nonFunction, evidence: evidence, for: &entry)
            entry.raisedNonFunction = true
        } else if let evidence = assessment.impendingEvidence, !entry.raisedNonFunction,
            !entry.raisedImpendingFailure
        {
            try raise(.impendingFailure, evidence: evidence, for: &entry)
            entry.raisedImpendingFailure = true
        }
    }

    private mutating func raise(
        _ criterion: ReplacementCriterion, evidence: [EvidenceRef], for entry: inout PumpEntry
    ) throws {
        let therapy = try TherapyRows.current(db, serial: entry.serial)
        let assessment = PolicyEngine.assessReplacement(
            criterion: criterion, trigger: .telemetry, therapy: therapy?.therapy)
        let id = try RecordWriter.insert(
            db, serial: entry.serial, assessment: assessment, trigger: "telemetry",
            evidence: evidence.map(\.document), note: nil, therapyID: therapy?.id, createdAt: now)
        raised.append(
            RaisedRecord(
                recordID: id, serial: entry.serial, criterion: criterion.rawValue,
                determination: assessment.determination.rawValue, clause: assessment.clause.rawValue))
    }

    func saveDirtyPumps() throws {
        for entry in dirty.values {
            let deadline = entry.state == PumpState.nonFunctional.rawValue ? nil : entry.health.silentStallDeadline
            try entry.save(db, stallDeadline: deadline)
        }
    }
}

extension EvidenceRef {
    /// The record's evidence item.
    var document: EvidenceDocument {
        EvidenceDocument(messageID: messageID, kind: kind.rawValue, code: code, at: atText)
    }
}

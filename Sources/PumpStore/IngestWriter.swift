import Foundation
import GRDB
import PumpControlProtocol
import PumpHealth
import PumpJSON
import PumpPolicy
import PumpTelemetry
import Synchronization

/// The single writer of telemetry: commits a batch of lines in one transaction (group commit),
/// runs failure detection on every accepted message in the pump's `at` order, and raises the
/// eligibility records that detection calls for, in the same transaction. Replies are produced
/// only after the commit, so `accepted` means durable.
///
/// Pump rows are cached in memory between batches, at most `cacheCapacity` of them (the least
/// recently used make room, and are read back from their row when they send again); a failed
/// transaction leaves the cache as it was.
public final class IngestWriter: Sendable {
    /// The store written to.
    public let store: PumpStore
    /// The stall grace rules.
    public let rules: StallRules
    /// The most pump rows kept in memory between batches.
    public let cacheCapacity: Int
    private let cache: Mutex<PumpCache>

    /// The default `cacheCapacity`: a few thousand rows of about a kilobyte each.
    public static let defaultCacheCapacity = 4096

    /// Creates the writer for `store`.
    public init(store: PumpStore, rules: StallRules, cacheCapacity: Int = IngestWriter.defaultCacheCapacity) {
        self.store = store
        self.rules = rules
        self.cacheCapacity = max(1, cacheCapacity)
        self.cache = Mutex(PumpCache(capacity: max(1, cacheCapacity)))
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
                for entry in dirty.values { cache.put(entry) }
            }
            await store.afterIngestCommit()
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
            for entry in dirty.values { cache.put(entry) }
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
        cache.withLock { $0.get(serial) }
    }

    /// How many pump rows are cached (tests).
    var cachedCount: Int {
        cache.withLock { $0.count }
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
        case .valid(let m): m.id
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
    private var insertMessage: Statement?

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

    /// The index of the pump's entry in `dirty`, loading it first when this batch has not touched it.
    private mutating func dirtyIndex(_ serial: String) throws -> Dictionary<String, PumpEntry>.Index {
        if let i = dirty.index(forKey: serial) { return i }
        dirty[serial] = try entry(serial)
        guard let i = dirty.index(forKey: serial) else { throw StoreError.failed(reason: "pump cache lost \(serial)") }
        return i
    }

    mutating func apply(_ item: IngestItem) throws -> Reply {
        switch item {
        case .rejected(let rejection, let raw, let receivedAt):
            try quarantine(raw: raw, reason: rejection.reason.rawValue, detail: rejection.detail, id: rejection.id,
                receivedAt: receivedAt)
            return Reply(id: rejection.id, result: .rejected, reason: rejection.reason.rawValue, detail: rejection.detail)
        case .valid(let m):
            return try store(m)
        }
    }

    private func quarantine(raw: [UInt8], reason: String, detail: String, id: String?, receivedAt: Int64) throws {
        try db.cachedStatement(
            sql: "INSERT INTO quarantine (received_at, reason, detail, message_id, raw) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [receivedAt, reason, detail, id, Data(raw)])
    }

    private mutating func store(_ m: IngestMessage) throws -> Reply {
        let signal = m.signal
        let insert: Statement
        if let statement = insertMessage {
            insert = statement
        } else {
            insert = try db.cachedStatement(
                sql: """
                    INSERT INTO message (serial, message_id, kind, code, alert_state, at, at_text, received_at,
                                         content_hash, raw)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(serial, message_id) DO NOTHING
                    """)
            insertMessage = insert
        }
        try insert.execute(arguments: [
            m.serial, signal.messageID, signal.kind.rawValue, signal.code, m.alertState, signal.at, signal.atText,
            signal.receivedAt, m.contentHash, Data(m.raw),
        ])
        if db.changesCount == 0 {
            return try resend(m)
        }
        accepted += 1
        let rowID = db.lastInsertedRowID
        let i = try dirtyIndex(m.serial)
        // The entry is changed in place in `dirty` (no copy of its detection state per message).
        let replayed =
            dirty.values[i].health.isInOrder(signal)
            ? nil : PumpHealth.replaying(try storedSignals(serial: m.serial), rules: rules)
        Self.update(&dirty.values[i], with: m, rowID: rowID, replayed: replayed)
        try assessAndRaise(at: i)
        return Reply(id: signal.messageID, result: .accepted, reason: nil, detail: nil)
    }

    /// A (serial, id) already stored: the same content is a duplicate, other content a conflict.
    private mutating func resend(_ m: IngestMessage) throws -> Reply {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT content_hash, raw FROM message WHERE serial = ? AND message_id = ?"),
            arguments: [m.serial, m.id])
        var same = false
        if let row, (row[0] as Int64) == m.contentHash {
            let storedRaw = [UInt8](row[1] as Data)
            if let stored = try? JSONParser.parse(storedRaw), let sent = try? JSONParser.parse(m.raw) {
                same = JSONWriter.canonical(stored) == JSONWriter.canonical(sent)
            }
        }
        if same {
            return Reply(id: m.id, result: .duplicate, reason: nil, detail: nil)
        }
        let detail = "a different message with serial \(m.serial) and id \(m.id) is already stored"
        try quarantine(
            raw: m.raw, reason: RejectionReason.conflictingDuplicate.rawValue, detail: detail, id: m.id,
            receivedAt: m.receivedAt)
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

    /// Applies an accepted message to its pump's entry; `replayed` is the pump's state rebuilt from
    /// its stored messages when the message came out of `at` order.
    private static func update(_ entry: inout PumpEntry, with m: IngestMessage, rowID: Int64, replayed: PumpHealth?) {
        let signal = m.signal
        entry.lastSeen = max(entry.lastSeen ?? signal.receivedAt, signal.receivedAt)
        if signal.kind == .status, signal.at >= (entry.latestStatusAt ?? .min) {
            entry.latestStatusID = rowID
            entry.latestStatusAt = signal.at
            entry.model = m.model
            entry.battery = signal.battery
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
        if dirty.values[i].state != state { dirty.values[i].state = state }
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
        if let evidence = assessment.nonFunctionEvidence ?? assessment.lapsedStallEvidence, !entry.raisedNonFunction {
            return (.nonFunction, evidence)
        }
        if let evidence = assessment.impendingEvidence, !entry.raisedNonFunction, !entry.raisedImpendingFailure {
            return (.impendingFailure, evidence)
        }
        return nil
    }

    private mutating func raise(_ assessment: HealthAssessment, for entry: inout PumpEntry) throws {
        guard let (criterion, evidence) = Self.raisable(assessment, entry) else { return }
        try raise(criterion, evidence: evidence, for: &entry)
        switch criterion {
        case .nonFunction: entry.raisedNonFunction = true
        case .impendingFailure: entry.raisedImpendingFailure = true
        case .none: break
        }
    }

    /// Recomputes the pump's state and raises the telemetry records its criterion calls for: a
    /// non-function record once, an impending-failure record once and only while no non-function
    /// record exists.
    mutating func assessAndRaise(_ entry: inout PumpEntry) throws {
        let assessment = entry.health.assess(now: now)
        entry.state = assessment.state.rawValue
        try raise(assessment, for: &entry)
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

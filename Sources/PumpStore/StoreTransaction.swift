import Foundation
import GRDB

/// One write transaction of the store (`PumpStore.write`): the writes and the reads inside a
/// transaction that the layers above need, by row type. Valid only inside the `write` closure.
///
/// The two writes on the ingest path, a message and a pump's row, run prepared statements kept
/// for the whole transaction: a GRDB record insert builds its SQL and its value container per
/// call, which the group commit pays once per message. The reads on that path (a pump's row on a
/// cache miss, the current therapy when a record is raised) run cached statements for the same
/// reason; their rows are still read by column name.
package final class StoreTransaction {
    private let db: Database
    private var insertMessage: Statement?
    private var savePump: Statement?

    init(_ db: Database) {
        self.db = db
    }

    /// The transaction's connection, for the store's own extensions in other files.
    var database: Database { db }

    // MARK: Messages

    /// Inserts the message; nil, and nothing written, when its `(serial, message_id)` is stored.
    /// Returns the new row id.
    package func insert(_ m: MessageRow) throws -> Int64? {
        let statement =
            try insertMessage
            ?? db.cachedStatement(
                sql: """
                    INSERT INTO message (serial, message_id, kind, code, alert_state, at, at_text, received_at,
                                         content_hash, raw, source)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(serial, message_id) DO NOTHING
                    """)
        insertMessage = statement
        try statement.execute(arguments: [
            m.serial, m.messageID, m.kind, m.code, m.alertState, m.at, m.atText, m.receivedAt, m.contentHash, m.raw,
            m.source,
        ])
        return db.changesCount == 0 ? nil : db.lastInsertedRowID
    }

    /// The stored message with this idempotency key.
    package func message(serial: String, id: String) throws -> MessageRow? {
        try MessageRow.filter(MessageRow.Columns.serial == serial && MessageRow.Columns.messageID == id).fetchOne(db)
    }

    /// Every stored message of the pump, in `at` then arrival order.
    package func messages(serial: String) throws -> [MessageRow] {
        try MessageRow.filter(MessageRow.Columns.serial == serial)
            .order(MessageRow.Columns.at, MessageRow.Columns.id)
            .fetchAll(db)
    }

    // MARK: Pumps

    /// The pump's row, nil when the pump was never seen nor enrolled.
    package func pump(_ serial: String) throws -> PumpRow? {
        try PumpRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM pump WHERE serial = ?"), arguments: [serial])
    }

    /// Inserts or updates the pump's row (its `first_seen` stays as first written).
    package func save(_ p: PumpRow) throws {
        let statement =
            try savePump
            ?? db.cachedStatement(
                sql: """
                    INSERT INTO pump (serial, model, battery, state, first_seen, last_seen, latest_status_id,
                                      latest_status_at, health, stall_deadline, raised_non_function,
                                      raised_impending_failure, reason)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(serial) DO UPDATE SET
                        model = excluded.model, battery = excluded.battery, state = excluded.state,
                        reason = excluded.reason,
                        last_seen = excluded.last_seen, latest_status_id = excluded.latest_status_id,
                        latest_status_at = excluded.latest_status_at, health = excluded.health,
                        stall_deadline = excluded.stall_deadline,
                        raised_non_function = excluded.raised_non_function,
                        raised_impending_failure = excluded.raised_impending_failure
                    """)
        savePump = statement
        try statement.execute(arguments: [
            p.serial, p.model, p.battery, p.state, p.firstSeen, p.lastSeen, p.latestStatusID, p.latestStatusAt,
            p.health, p.stallDeadline, p.raisedNonFunction, p.raisedImpendingFailure, p.reason,
        ])
    }

    /// Adds the pump unless it is known.
    package func insertIfUnknown(_ p: PumpRow) throws {
        try p.insert(db, onConflict: .ignore)
    }

    /// The pumps whose silent stall passed its deadline before `now` (daemon clock).
    package func serialsPastStallDeadline(_ now: Int64) throws -> [String] {
        try PumpRow.select(PumpRow.Columns.serial, as: String.self)
            .filter(PumpRow.Columns.stallDeadline != nil && PumpRow.Columns.stallDeadline < now)
            .fetchAll(db)
    }

    // MARK: Therapies and records

    /// The pump's current therapy, nil when never enrolled.
    package func currentTherapy(serial: String) throws -> TherapyRow? {
        try TherapyRow.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM therapy WHERE serial = ? AND current = 1"), arguments: [serial])
    }

    /// Makes `therapy` the pump's current one; the earlier one stays as history.
    package func enroll(_ therapy: inout TherapyRow) throws {
        try TherapyRow.filter(TherapyRow.Columns.serial == therapy.serial && TherapyRow.Columns.current == true)
            .updateAll(db, TherapyRow.Columns.current.set(to: false))
        therapy.current = true
        try therapy.insert(db)
    }

    /// Inserts the record, chained to the last one (`HashChain`), and sets its id.
    package func insert(_ record: inout RecordRow) throws {
        try chain(&record, .record) { $0.chainHash = $1 }
        try record.insert(db)
    }

    // MARK: Logs

    package func insert(_ q: QuarantineRow) throws {
        try q.insert(db)
    }

    /// Appends the audit row, chained to the last one (`HashChain`).
    package func insert(_ a: AuditRow) throws {
        var a = a
        try chain(&a, .audit) { $0.chainHash = $1 }
        try a.insert(db)
    }

    /// Gives the row the id after the chain's head and its chain hash over the head's, computed from
    /// the values the insert will store.
    private func chain<R: EncodableRecord & Identified>(
        _ row: inout R, _ chain: HashChain, set: (inout R, String?) -> Void
    ) throws {
        let head = try chain.head(db)
        row.id = (head?.id ?? 0) + 1
        set(&row, nil)
        let hash = HashChain.link(previous: head?.hash, values: chain.values(of: try row.databaseDictionary))
        set(&row, hash)
    }
}

/// A row whose id the chain assigns.
protocol Identified {
    var id: Int64? { get set }
}

extension RecordRow: Identified {}
extension AuditRow: Identified {}

import Foundation
import GRDB

/// A row of `hl7_outbox` (`Schema.v5HL7Outbox`): one alert transition to send to the HL7 Alert
/// Manager, with the exact message sent.
package struct OutboxRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "hl7_outbox"

    package var id: Int64
    /// The alert's name (`PumpNonFunctional`).
    package var alertname: String
    package var serial: String
    /// `firing` or `resolved`.
    package var status: String
    /// MSH-10 of ``message``, which the ACK's MSA-2 echoes.
    package var controlID: String
    /// The ER7 message, sent as stored.
    package var message: Data
    /// When it was queued (daemon clock, µs).
    package var createdAt: Int64
    /// How many times it was sent (or a connection tried for it).
    package var attempts: Int
    /// Why the last try failed, or the Alert Manager's ERR text of a refusal.
    package var lastError: String?
    /// When the Alert Manager acknowledged it (AA/CA); it is never sent again.
    package var acknowledgedAt: Int64?
    /// When the Alert Manager refused it (AE/CE); it is not sent again.
    package var refusedAt: Int64?

    package enum Columns {
        static let id = Column(CodingKeys.id)
        static let alertname = Column(CodingKeys.alertname)
        static let serial = Column(CodingKeys.serial)
        static let acknowledgedAt = Column(CodingKeys.acknowledgedAt)
        static let refusedAt = Column(CodingKeys.refusedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, alertname, serial, status
        case controlID = "control_id"
        case message
        case createdAt = "created_at"
        case attempts
        case lastError = "last_error"
        case acknowledgedAt = "acknowledged_at"
        case refusedAt = "refused_at"
    }

    /// Whether it still has to be sent.
    package var isUnsent: Bool { acknowledgedAt == nil && refusedAt == nil }
}

/// What the outbox last queued for one alert of one pump.
package struct OutboxAlertKey: Sendable, Hashable, Comparable {
    package var alertname: String
    package var serial: String

    package init(alertname: String, serial: String) {
        self.alertname = alertname
        self.serial = serial
    }

    package static func < (a: Self, b: Self) -> Bool { (a.serial, a.alertname) < (b.serial, b.alertname) }
}

extension StoreTransaction {
    /// Queues a transition: the row gets the next id, its control id is `controlPrefix` + that id,
    /// and `message` writes the ER7 message for that control id.
    package func queueOutbox(
        alertname: String, serial: String, status: String, createdAt: Int64, controlPrefix: String,
        message: (String) -> [UInt8]
    ) throws -> OutboxRow {
        let last = try Int64.fetchOne(database, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'hl7_outbox'") ?? 0
        let id = last + 1
        let controlID = "\(controlPrefix)\(id)"
        let row = OutboxRow(
            id: id, alertname: alertname, serial: serial, status: status, controlID: controlID,
            message: Data(message(controlID)), createdAt: createdAt, attempts: 0, lastError: nil, acknowledgedAt: nil,
            refusedAt: nil)
        try row.insert(database)
        return row
    }

    /// Records a try that did not get the message taken (no connection, a timeout, AR/CR).
    package func noteOutboxAttempt(id: Int64, error: String) throws {
        try database.execute(
            sql: "UPDATE hl7_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?", arguments: [error, id])
    }

    /// Marks a row acknowledged (AA/CA): it is never sent again.
    package func markOutboxAcknowledged(id: Int64, at: Int64) throws {
        try database.execute(
            sql: "UPDATE hl7_outbox SET attempts = attempts + 1, acknowledged_at = ? WHERE id = ?",
            arguments: [at, id])
    }

    /// Marks a row refused (AE/CE) with the Alert Manager's text: it is not sent again.
    package func markOutboxRefused(id: Int64, at: Int64, error: String) throws {
        try database.execute(
            sql: "UPDATE hl7_outbox SET attempts = attempts + 1, refused_at = ?, last_error = ? WHERE id = ?",
            arguments: [at, error, id])
    }
}

extension PumpStore {
    /// The status (`firing`/`resolved`) of the last row queued for each alert of each pump.
    package func outboxLastQueued() async throws(StoreError) -> [OutboxAlertKey: String] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT alertname, serial, status FROM hl7_outbox
                    WHERE id IN (SELECT max(id) FROM hl7_outbox GROUP BY alertname, serial)
                    """)
            var last: [OutboxAlertKey: String] = [:]
            for row in rows {
                last[OutboxAlertKey(alertname: row["alertname"], serial: row["serial"])] = row["status"]
            }
            return last
        }
    }

    /// The rows still to send, oldest first, at most `limit`.
    package func outboxUnsent(limit: Int) async throws(StoreError) -> [OutboxRow] {
        try await read { db in
            try OutboxRow.filter(OutboxRow.Columns.acknowledgedAt == nil && OutboxRow.Columns.refusedAt == nil)
                .order(OutboxRow.Columns.id).limit(limit).fetchAll(db)
        }
    }

    /// How many rows are still to send.
    package func outboxUnsentCount() async throws(StoreError) -> Int {
        try await read { db in
            try OutboxRow.filter(OutboxRow.Columns.acknowledgedAt == nil && OutboxRow.Columns.refusedAt == nil)
                .fetchCount(db)
        }
    }

    /// Every row, oldest first (tests, diagnostics).
    package func outboxRows() async throws(StoreError) -> [OutboxRow] {
        try await read { db in try OutboxRow.order(OutboxRow.Columns.id).fetchAll(db) }
    }
}

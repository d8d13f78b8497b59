import Foundation
import GRDB
import PumpControlProtocol
import PumpJSON
import PumpTelemetry

/// The read side of the control socket: each query builds the `cli.md` document from the store.
extension PumpStore {
    /// Counts for `pumpctl status`.
    public func counts() async throws(StoreError) -> (pumps: Int, messages: Int, records: Int, rejected: Int) {
        try await read { db in
            // Rows are never deleted, so the largest row id is the count (and costs an index seek).
            let messages = try Int.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM message") ?? 0
            let records = try Int.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM record") ?? 0
            let rejected = try Int.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM quarantine") ?? 0
            let pumps = try Int.fetchOne(db, sql: "SELECT count(*) FROM pump") ?? 0
            return (pumps, messages, records, rejected)
        }
    }

    /// Whether the pump was ever seen or enrolled.
    public func pumpExists(_ serial: String) async throws(StoreError) -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM pump WHERE serial = ?", arguments: [serial]) ?? false
        }
    }

    /// `devices`: pumps by serial, optionally only those in `state`.
    public func devices(state: String?) async throws(StoreError) -> DeviceListDocument {
        try await read { db in
            var sql = "SELECT serial, model, state, battery, last_seen FROM pump"
            var arguments: StatementArguments = []
            if let state {
                sql += " WHERE state = ?"
                arguments = [state]
            }
            sql += " ORDER BY serial"
            let devices = try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                DeviceSummaryDocument(
                    serial: row[0], model: row[1], state: row[2], battery: row[3],
                    lastSeen: (row[4] as Int64?).map(Timestamp.format(micros:)))
            }
            return DeviceListDocument(devices: devices)
        }
    }

    /// `device SERIAL`, or nil when the pump is unknown.
    public func device(_ serial: String) async throws(StoreError) -> DeviceDetailDocument? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT model, state, battery, last_seen, latest_status_id FROM pump WHERE serial = ?",
                    arguments: [serial])
            else { return nil }
            var latestStatus: JSONValue?
            if let statusID: Int64 = row[4],
                let status = try Row.fetchOne(
                    db, sql: "SELECT raw, received_at FROM message WHERE id = ?", arguments: [statusID])
            {
                latestStatus = StoredMessageJSON.document(raw: status[0], receivedAt: status[1])
            }
            return DeviceDetailDocument(
                serial: serial, model: row[0], state: row[1], battery: row[2],
                lastSeen: (row[3] as Int64?).map(Timestamp.format(micros:)),
                therapy: try currentTherapyDocument(db, serial: serial),
                openAlerts: try openAlerts(db, serial: serial), latestStatus: latestStatus)
        }
    }

    /// `events SERIAL`: the pump's messages by `at`, newest first.
    public func events(serial: String, limit: Int) async throws(StoreError) -> EventListDocument {
        try await read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT raw, received_at FROM message WHERE serial = ? ORDER BY at DESC, id DESC LIMIT ?",
                arguments: [serial, limit])
            return EventListDocument(
                events: rows.map { StoredMessageJSON.document(raw: $0[0], receivedAt: $0[1]) })
        }
    }

    /// `eligibility`: records, newest first by `created_at`, then `id`.
    public func records(serial: String?, determination: String?) async throws(StoreError) -> RecordListDocument {
        try await read { db in
            let (sql, arguments) = RecordRows.listQuery(serial: serial, determination: determination)
            let records = try Row.fetchAll(db, sql: sql, arguments: arguments).map(RecordRows.document(_:))
            return RecordListDocument(records: records)
        }
    }

    /// `rejected`: quarantined lines, newest first.
    public func rejected(limit: Int) async throws(StoreError) -> RejectedListDocument {
        try await read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT received_at, reason, detail, raw FROM quarantine ORDER BY id DESC LIMIT ?",
                arguments: [limit])
            return RejectedListDocument(
                rejected: rows.map { row in
                    let raw = row[3] as Data
                    return RejectedDocument(
                        receivedAt: Timestamp.format(micros: row[0]), reason: row[1], detail: row[2],
                        raw: String(decoding: raw, as: UTF8.self), rawBase64: raw.base64EncodedString())
                })
        }
    }

    private func currentTherapyDocument(_ db: Database, serial: String) throws -> TherapyDocument? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT patient, indication, drug, route, criteria, enrolled_at
                    FROM therapy WHERE serial = ? AND current = 1
                    """,
                arguments: [serial])
        else { return nil }
        let criteria = try JSONDecoder().decode(CriteriaDocument.self, from: Data((row[4] as String).utf8))
        return TherapyDocument(
            patient: row[0], indication: row[1], drug: row[2], route: row[3], criteria: criteria,
            enrolledAt: Timestamp.format(micros: row[5]))
    }

    /// Alerts whose latest message (by `at`) for their code is a raise.
    private func openAlerts(_ db: Database, serial: String) throws -> [OpenAlertDocument] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT m.raw, m.code, m.alert_state FROM message m
                WHERE m.serial = ? AND m.kind = 'alert'
                  AND m.id = (SELECT m2.id FROM message m2 WHERE m2.serial = m.serial AND m2.kind = 'alert'
                              AND m2.code = m.code ORDER BY m2.at DESC, m2.id DESC LIMIT 1)
                ORDER BY m.at, m.id
                """,
            arguments: [serial])
        var alerts: [OpenAlertDocument] = []
        for row in rows where (row[2] as String?) == "raised" {
            guard case .object(let fields)? = try? JSONParser.parse([UInt8](row[0] as Data)) else { continue }
            alerts.append(
                OpenAlertDocument(
                    messageID: fields["id"]?.stringValue ?? "", code: row[1],
                    severity: fields["severity"]?.stringValue ?? "", at: fields["at"]?.stringValue ?? "",
                    detail: fields["detail"]?.stringValue))
        }
        return alerts
    }
}

/// A stored message as the control socket shows it: the object as received, plus `received_at`,
/// keys sorted.
enum StoredMessageJSON {
    static func document(raw: Data, receivedAt: Int64) -> JSONValue {
        document(raw: [UInt8](raw), receivedAt: receivedAt)
    }

    static func document(raw: [UInt8], receivedAt: Int64) -> JSONValue {
        guard case .object(var fields)? = try? JSONParser.parse(raw) else {
            return .object(["received_at": .string(Timestamp.format(micros: receivedAt))])
        }
        fields["received_at"] = .string(Timestamp.format(micros: receivedAt))
        return .object(fields.sortedByKey())
    }
}

/// Reading records back into their document form.
enum RecordRows {
    static let columns = """
        id, serial, type, trigger, request_reason, determination, clause, replacement_criterion,
        indication_status, indication_clause, missing, supplies_covered, evidence, note, created_at
        """

    static func document(_ row: Row) throws -> EligibilityRecordDocument {
        let decoder = JSONDecoder()
        return EligibilityRecordDocument(
            id: RecordWriter.recordID(row[0]), serial: row[1], type: row[2], trigger: row[3], requestReason: row[4],
            determination: row[5], clause: row[6], replacementCriterion: row[7],
            indication: IndicationDocument(status: row[8], clause: row[9]),
            missing: try decoder.decode([String].self, from: Data((row[10] as String).utf8)),
            suppliesCovered: row[11],
            evidence: try decoder.decode([EvidenceDocument].self, from: Data((row[12] as String).utf8)),
            policy: PolicyIdentityDocument(id: "CG-SURG-79", effective: "2023-09-27"), createdAt: Timestamp.format(micros: row[14]),
            note: row[13])
    }

    /// The `eligibility` query: newest first by `created_at`, then `id`, optionally filtered.
    static func listQuery(serial: String?, determination: String?) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let serial {
            conditions.append("serial = ?")
            arguments += [serial]
        }
        if let determination {
            conditions.append("determination = ?")
            arguments += [determination]
        }
        var sql = "SELECT \(columns) FROM record"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY created_at DESC, id DESC"
        return (sql, arguments)
    }

    static func fetch(_ db: Database, rowID: Int64) throws -> EligibilityRecordDocument? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM record WHERE id = ?", arguments: [rowID]).map(document(_:))
    }
}

import Foundation
import GRDB
import GRDBSQLite
import PumpControlProtocol
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

    /// `devices` as the reply's JSON document (`DeviceListDocument`), written row by row straight
    /// from SQLite's column bytes, in pieces of about 1 MiB (in order): no document is built, and
    /// memory stays at the size of the text.
    public func devicesJSON(state: String?) async throws(StoreError) -> [[UInt8]] {
        try await read { db in
            var sql = "SELECT serial, model, state, battery, last_seen FROM pump"
            var arguments: StatementArguments = []
            if let state {
                sql += " WHERE state = ?"
                arguments = [state]
            }
            sql += " ORDER BY serial"
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments(arguments)
            let columns = StoredColumns(statement)
            var w = DocumentWriter(chunkSize: ControlReplyChunk.size)
            w.beginObject()
            w.key("devices")
            w.beginArray()
            let rows = try Row.fetchCursor(statement)
            while try rows.next() != nil {
                w.element()
                w.beginObject()
                w.key("serial")
                columns.text(0, to: &w)
                w.key("model")
                columns.text(1, to: &w)
                w.key("state")
                columns.text(2, to: &w)
                w.key("battery")
                columns.text(3, to: &w)
                w.key("last_seen")
                columns.timestamp(4, to: &w)
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return w.chunks()
        }
    }

    /// `events SERIAL` as the reply's JSON document (`EventListDocument`): each stored message
    /// with its `received_at`, keys sorted.
    public func eventsJSON(serial: String, limit: Int) async throws(StoreError) -> [[UInt8]] {
        try await read { db in
            let statement = try db.makeStatement(
                sql: "SELECT raw, received_at FROM message WHERE serial = ? ORDER BY at DESC, id DESC LIMIT ?")
            try statement.setArguments([serial, limit])
            let columns = StoredColumns(statement)
            var w = DocumentWriter(capacity: 1 << 14)
            w.beginObject()
            w.key("events")
            w.beginArray()
            let rows = try Row.fetchCursor(statement)
            while try rows.next() != nil {
                w.element()
                try w.value(StoredMessageJSON.document(raw: columns.bytes(0), receivedAt: columns.int64(1)))
            }
            w.endArray()
            w.endObject()
            return w.chunks()
        }
    }

    /// `eligibility` as the reply's JSON document (`RecordListDocument`), row by row.
    public func recordsJSON(serial: String?, determination: String?) async throws(StoreError) -> [[UInt8]] {
        try await read { db in
            let (sql, arguments) = RecordRows.listQuery(serial: serial, determination: determination)
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments(arguments)
            let columns = StoredColumns(statement)
            var w = DocumentWriter(chunkSize: ControlReplyChunk.size)
            w.beginObject()
            w.key("records")
            w.beginArray()
            let rows = try Row.fetchCursor(statement)
            while try rows.next() != nil {
                w.element()
                try RecordRows.write(columns, to: &w)
            }
            w.endArray()
            w.endObject()
            return w.chunks()
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

/// A stored message as the control socket shows it: the object as received, plus `received_at`.
enum StoredMessageJSON {
    static func document(raw: Data, receivedAt: Int64) -> JSONValue {
        document(raw: [UInt8](raw), receivedAt: receivedAt)
    }

    static func document(raw: [UInt8], receivedAt: Int64) -> JSONValue {
        guard case .object(var fields)? = try? JSONParser.parse(raw) else {
            return .object(["received_at": .string(Timestamp.format(micros: receivedAt))])
        }
        fields["received_at"] = .string(Timestamp.format(micros: receivedAt))
        return .object(fields)
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

    /// Writes the current row of `columns` as the record's JSON (the same text as its document's).
    static func write(_ c: StoredColumns, to w: inout DocumentWriter) throws {
        w.beginObject()
        w.key("id")
        w.string(RecordWriter.recordID(c.int64(0)))
        w.key("serial")
        c.text(1, to: &w)
        w.key("type")
        c.text(2, to: &w)
        w.key("trigger")
        c.text(3, to: &w)
        w.key("request_reason")
        c.text(4, to: &w)
        w.key("determination")
        c.text(5, to: &w)
        w.key("clause")
        c.text(6, to: &w)
        w.key("replacement_criterion")
        c.text(7, to: &w)
        w.key("indication")
        w.beginObject()
        w.key("status")
        c.text(8, to: &w)
        w.key("clause")
        c.text(9, to: &w)
        w.endObject()
        w.key("missing")
        let missing = try JSONParser.parse(c.bytes(10))
        guard case .array(let words) = missing else { throw unexpected("missing", missing) }
        w.beginArray()
        for word in words {
            guard case .string(let text) = word else { throw unexpected("missing", missing) }
            w.element()
            w.string(text)
        }
        w.endArray()
        w.key("supplies_covered")
        w.bool(c.int64(11) != 0)
        w.key("evidence")
        let evidence = try JSONParser.parse(c.bytes(12))
        guard case .array(let items) = evidence else { throw unexpected("evidence", evidence) }
        w.beginArray()
        for item in items {
            guard case .object(let fields) = item, case .string(let messageID)? = fields["message_id"],
                case .string(let kind)? = fields["kind"], case .string(let at)? = fields["at"]
            else { throw unexpected("evidence", item) }
            let code: String?
            switch fields["code"] {
            case nil, .null?: code = nil
            case .string(let text)?: code = text
            default: throw unexpected("evidence", item)
            }
            w.element()
            EvidenceDocument(messageID: messageID, kind: kind, code: code, at: at).write(to: &w)
        }
        w.endArray()
        w.key("policy")
        PolicyIdentityDocument(id: "CG-SURG-79", effective: "2023-09-27").write(to: &w)
        w.key("created_at")
        w.timestamp(micros: c.int64(14))
        w.key("note")
        c.text(13, to: &w)
        w.endObject()
    }

    static func unexpected(_ column: String, _ value: JSONValue) -> StoreError {
        .failed(reason: "the stored \(column) of a record is not in the expected form (\(value.typeDescription))")
    }

    static func fetch(_ db: Database, rowID: Int64) throws -> EligibilityRecordDocument? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM record WHERE id = ?", arguments: [rowID]).map(document(_:))
    }
}

/// The columns of a statement's current row, read straight from SQLite (no `Row` values, no
/// `String` or `Data` per column). Valid only while the statement sits on that row.
struct StoredColumns {
    let statement: SQLiteStatement

    init(_ statement: Statement) {
        self.statement = statement.sqliteStatement
    }

    func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(statement, index) == SQLITE_NULL
    }

    func int64(_ index: Int32) -> Int64 {
        sqlite3_column_int64(statement, index)
    }

    /// A BLOB or TEXT column's bytes (empty for NULL).
    func bytes(_ index: Int32) -> [UInt8] {
        guard let pointer = sqlite3_column_blob(statement, index) else { return [] }
        let count = Int(sqlite3_column_bytes(statement, index))
        return Array(UnsafeRawBufferPointer(start: pointer, count: count).bindMemory(to: UInt8.self))
    }

    /// A TEXT column as a JSON string, `null` when NULL. The text is what GRDB would read as a
    /// `String` (`String(cString:)`): up to a NUL, invalid UTF-8 replaced.
    func text(_ index: Int32, to w: inout DocumentWriter) {
        guard sqlite3_column_type(statement, index) != SQLITE_NULL, let pointer = sqlite3_column_text(statement, index)
        else { return w.null() }
        var bytes = UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, index)))
        if let nul = bytes.firstIndex(of: 0) { bytes = UnsafeBufferPointer(rebasing: bytes[..<nul]) }
        if bytes.allSatisfy({ $0 < 0x80 }) || String(validating: bytes, as: UTF8.self) != nil {
            w.string(utf8: bytes)
        } else {
            w.string(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// An INTEGER time column (µs) as `Timestamp.format`'s text, `null` when NULL.
    func timestamp(_ index: Int32, to w: inout DocumentWriter) {
        if isNull(index) { w.null() } else { w.timestamp(micros: int64(index)) }
    }
}

/// The size of the pieces a long reply is written in.
public enum ControlReplyChunk {
    /// About 1 MiB: large enough for few writes, small enough that no piece is copied as it grows.
    public static let size = 1 << 20
}

import Foundation
import GRDB
import PumpControlProtocol
import PumpJSON
import PumpTelemetry

/// The read side of the control socket: each query reads a snapshot and builds the `cli.md`
/// document from the rows.
extension PumpStore {
    /// Counts for `pumpctl status`.
    package func counts() async throws(StoreError) -> (pumps: Int, messages: Int, records: Int, rejected: Int) {
        try await read { db in
            // Rows are never deleted, so the largest row id is the count (and costs an index seek).
            let messages = try MessageRow.select(max(MessageRow.Columns.id), as: Int.self).fetchOne(db) ?? 0
            let records = try RecordRow.select(max(RecordRow.Columns.id), as: Int.self).fetchOne(db) ?? 0
            let rejected = try QuarantineRow.select(max(QuarantineRow.Columns.id), as: Int.self).fetchOne(db) ?? 0
            let pumps = try PumpRow.fetchCount(db)
            return (pumps, messages, records, rejected)
        }
    }

    /// Whether the pump was ever seen or enrolled.
    package func pumpExists(_ serial: String) async throws(StoreError) -> Bool {
        try await read { db in try PumpRow.exists(db, key: serial) }
    }

    /// The earliest daemon-clock deadline of a silent stall, if any pump has one.
    package func nextStallDeadline() async throws(StoreError) -> Int64? {
        try await read { db in
            try PumpRow.filter(PumpRow.Columns.stallDeadline != nil)
                .select(min(PumpRow.Columns.stallDeadline), as: Int64.self)
                .fetchOne(db)
        }
    }

    /// `devices`: pumps by serial, optionally only those in `state`, collected whole from
    /// ``DeviceCursor`` (the daemon streams them instead).
    package func devices(state: String?) async throws(StoreError) -> DeviceListDocument {
        var cursor = DeviceCursor(store: self, state: state)
        return DeviceListDocument(devices: try await cursor.rest())
    }

    /// `device SERIAL`, or nil when the pump is unknown.
    package func device(_ serial: String) async throws(StoreError) -> DeviceDetailDocument? {
        try await read { db in
            guard let pump = try PumpRow.fetchOne(db, key: serial) else { return nil }
            let latestStatus = try pump.latestStatusID.flatMap { id in try MessageRow.fetchOne(db, key: id) }
            let therapy = try TherapyRow.filter(
                TherapyRow.Columns.serial == serial && TherapyRow.Columns.current == true
            )
            .fetchOne(db)
            return DeviceDetailDocument(
                serial: serial, model: pump.model, state: pump.state, battery: pump.battery,
                lastSeen: pump.lastSeen.map(Timestamp.format(micros:)), therapy: therapy?.document,
                openAlerts: try openAlerts(db, serial: serial), latestStatus: latestStatus?.document,
                reason: pump.reason)
        }
    }

    /// `events SERIAL`: the pump's messages by `at`, newest first, collected whole from
    /// ``eventCursor(serial:limit:)`` (the daemon streams them instead).
    package func events(serial: String, limit: Int) async throws(StoreError) -> EventListDocument {
        var cursor = try await eventCursor(serial: serial, limit: limit)
        return EventListDocument(events: try await cursor.rest())
    }

    /// `events SERIAL` read a page at a time (``EventCursor``), for a reply streamed as it is read.
    package func eventCursor(serial: String, limit: Int) async throws(StoreError) -> EventCursor {
        let newest = try await read { db in
            try MessageRow.select(max(MessageRow.Columns.id), as: Int64.self).fetchOne(db) ?? 0
        }
        return EventCursor(store: self, serial: serial, remaining: limit, newestID: newest)
    }

    /// `eligibility`: records, newest first by `created_at`, then `id`.
    package func records(serial: String?, determination: String?) async throws(StoreError) -> RecordListDocument {
        try await read { db in
            var records = RecordRow.all()
            if let serial { records = records.filter(RecordRow.Columns.serial == serial) }
            if let determination { records = records.filter(RecordRow.Columns.determination == determination) }
            let rows = try records.order(RecordRow.Columns.createdAt.desc, RecordRow.Columns.id.desc).fetchAll(db)
            return RecordListDocument(records: rows.map(\.document))
        }
    }

    /// `rejected`: quarantined lines, newest first.
    package func rejected(limit: Int) async throws(StoreError) -> RejectedListDocument {
        try await read { db in
            let rows = try QuarantineRow.order(QuarantineRow.Columns.id.desc).limit(limit).fetchAll(db)
            return RejectedListDocument(
                rejected: rows.map { row in
                    RejectedDocument(
                        receivedAt: Timestamp.format(micros: row.receivedAt), reason: row.reason, detail: row.detail,
                        raw: String(decoding: row.raw, as: UTF8.self), rawBase64: row.raw.base64EncodedString(),
                        source: row.source)
                })
        }
    }

    /// Alerts whose latest message (by `at`) for their code is a raise.
    private func openAlerts(_ db: Database, serial: String) throws -> [OpenAlertDocument] {
        let latestPerCode = try MessageRow.fetchAll(
            db,
            sql: """
                SELECT m.* FROM message m
                WHERE m.serial = ? AND m.kind = 'alert'
                  AND m.id = (SELECT m2.id FROM message m2 WHERE m2.serial = m.serial AND m2.kind = 'alert'
                              AND m2.code = m.code ORDER BY m2.at DESC, m2.id DESC LIMIT 1)
                ORDER BY m.at, m.id
                """,
            arguments: [serial])
        return latestPerCode.compactMap { m in
            guard m.alertState == "raised", case .object(let fields)? = try? JSONParser.parse([UInt8](m.raw)) else {
                return nil
            }
            return OpenAlertDocument(
                messageID: fields["id"]?.stringValue ?? "", code: m.code ?? "",
                severity: fields["severity"]?.stringValue ?? "", at: fields["at"]?.stringValue ?? "",
                detail: fields["detail"]?.stringValue)
        }
    }
}

/// What `devices` lists of a pump: a list of every pump has no use for the rest of the row (the
/// failure-detection state is most of it). Each column is found by its name once per statement,
/// then read at that position in every row: looking the names up in each of 100,000 rows measured
/// a fifth of the query.
struct PumpListing: TableRecord {
    static let databaseTableName = PumpRow.databaseTableName
    static var databaseSelection: [any SQLSelectable] {
        [
            PumpRow.Columns.serial, PumpRow.Columns.model, PumpRow.Columns.state, PumpRow.Columns.battery,
            PumpRow.Columns.lastSeen, PumpRow.Columns.reason,
        ]
    }

    /// The positions of the columns in the statement's rows.
    let serial, model, state, battery, lastSeen, reason: Int

    init(_ statement: Statement) throws {
        func position(_ column: Column) throws -> Int {
            guard let index = statement.index(ofColumn: column.name) else {
                throw DatabaseError(message: "the pump listing has no column \(column.name)")
            }
            return index
        }
        serial = try position(PumpRow.Columns.serial)
        model = try position(PumpRow.Columns.model)
        state = try position(PumpRow.Columns.state)
        battery = try position(PumpRow.Columns.battery)
        lastSeen = try position(PumpRow.Columns.lastSeen)
        reason = try position(PumpRow.Columns.reason)
    }

    func document(_ row: Row) -> DeviceSummaryDocument {
        DeviceSummaryDocument(
            serial: row[serial], model: row[model], state: row[state], battery: row[battery],
            lastSeen: (row[lastSeen] as Int64?).map(Timestamp.format(micros:)), reason: row[reason])
    }
}

extension MessageRow {
    /// The message as the control socket shows it: the object as received plus `received_at`
    /// (written with its keys sorted), then `source`, who sent it (null when unknown), after them.
    var document: JSONValue {
        let receivedAt = JSONValue.string(Timestamp.format(micros: receivedAt))
        let sender = source.map(JSONValue.string) ?? .null
        guard case .object(var fields)? = try? JSONParser.parse([UInt8](raw)) else {
            return .object(["received_at": receivedAt, "source": sender])
        }
        fields["received_at"] = receivedAt
        fields["source"] = nil
        var sorted = fields.sortedByKey()
        sorted["source"] = sender
        return .object(sorted)
    }
}

/// A list the control socket streams, read from the store a page at a time, each page its own
/// short read: the daemon holds about a page whatever the list's length, and reads the next page
/// while it writes this one.
package protocol ListCursor: Sendable {
    associatedtype Element: Encodable & Sendable
    /// The next page; empty when there are no more.
    mutating func next() async throws(StoreError) -> [Element]
}

extension ListCursor {
    /// Every page still to come, collected whole (for callers that do not stream).
    package mutating func rest() async throws(StoreError) -> [Element] {
        var elements: [Element] = []
        while true {
            let page = try await next()
            if page.isEmpty { return elements }
            elements += page
        }
    }
}

/// `devices` by serial, a page of `pageRows` pumps at a time (after the last serial handed out);
/// without a state, every pump that is not retired.
/// A pump first seen while the list is sent is in it when its serial comes later in the order.
package struct DeviceCursor: ListCursor {
    private let store: PumpStore
    private let state: String?
    private let pageRows: Int
    private var lastSerial: String?
    private var done = false

    package init(store: PumpStore, state: String?, pageRows: Int = 8192) {
        self.store = store
        self.state = state
        self.pageRows = max(1, pageRows)
    }

    package mutating func next() async throws(StoreError) -> [DeviceSummaryDocument] {
        guard !done else { return [] }
        let (state, lastSerial, pageRows) = (state, lastSerial, pageRows)
        let page = try await store.read { db in
            var pumps = PumpListing.all()
            if let state {
                pumps = pumps.filter(PumpRow.Columns.state == state)
            } else {
                pumps = pumps.filter(PumpRow.Columns.state != "retired")  // listed only when asked for
            }
            if let lastSerial { pumps = pumps.filter(PumpRow.Columns.serial > lastSerial) }
            let statement = try pumps.order(PumpRow.Columns.serial).limit(pageRows).makePreparedRequest(db)
                .statement
            let columns = try PumpListing(statement)
            return try Array(Row.fetchCursor(statement).map(columns.document))
        }
        done = page.count < pageRows
        self.lastSerial = page.last?.serial
        return page
    }
}

/// The pump's messages, newest first by `at` then row id (the order of `events`), read in pages of
/// about ``pageBytes`` bytes of raw messages, each page its own short read: a reply can be sent
/// page by page while the daemon holds only one. The list is the one the first read saw (rows
/// stored later are left out: row ids only grow), whatever is stored while it is sent.
package struct EventCursor: ListCursor {
    /// About how many bytes of stored messages one page holds (at least one message).
    package static let pageBytes = 1 << 20

    private let store: PumpStore
    private let serial: String
    private var remaining: Int
    private let newestID: Int64
    /// The (`at`, row id) of the last message handed out.
    private var last: (at: Int64, id: Int64)?
    /// The largest stored message seen so far, to size the next page.
    private var largest = 1
    /// Rows the last page asked for: pages start at 16 rows (16 messages at the line limit are
    /// 1 MiB) and at most double, so a page is sized by messages already seen.
    private var pageRows = 8

    init(store: PumpStore, serial: String, remaining: Int, newestID: Int64) {
        self.store = store
        self.serial = serial
        self.remaining = remaining
        self.newestID = newestID
    }

    /// The next page of messages as the control socket shows them; empty when there are no more.
    package mutating func next() async throws(StoreError) -> [JSONValue] {
        guard remaining > 0 else { return [] }
        pageRows = max(1, min(4096, pageRows * 2, Self.pageBytes / largest))
        let count = min(remaining, pageRows)
        let (serial, newestID, last) = (serial, newestID, last)
        let rows = try await store.read { db in
            var request = MessageRow.filter(MessageRow.Columns.serial == serial && MessageRow.Columns.id <= newestID)
            if let last {
                request = request.filter(
                    MessageRow.Columns.at < last.at
                        || (MessageRow.Columns.at == last.at && MessageRow.Columns.id < last.id))
            }
            return try request.order(MessageRow.Columns.at.desc, MessageRow.Columns.id.desc).limit(count).fetchAll(db)
        }
        remaining = rows.count < count ? 0 : remaining - rows.count
        if let final = rows.last, let id = final.id { self.last = (final.at, id) }
        largest = max(largest, rows.map(\.raw.count).max() ?? 0)
        return rows.map(\.document)
    }
}

import GRDB
import PumpControlProtocol
import PumpJSON
import PumpTelemetry

/// What the daemon's alert board is built from at start, pump by pump.
package enum AlertSeed {
    /// A pump in service, as `devices` lists it, with its telemetry records and reservoir alerts.
    package struct Pump: Sendable {
        package var serial: String
        package var model: String?
        package var state: String
        package var reason: String?
        package var battery: String?
        /// The latest `received_at` (µs), nil for a pump that never reported.
        package var lastSeen: Int64?
        /// Its telemetry records (`trigger` = `telemetry`), oldest first.
        package var records: [EligibilityRecordDocument]
        /// The latest message of each reservoir code (`LOW_RESERVOIR`, `EMPTY_RESERVOIR`) by (`at`,
        /// row id): at most one per code.
        package var reservoirs: [ReservoirMark]
    }
}

/// One stored reservoir alert: a pump's alert of a code is open while the latest of its messages
/// by (`at`, arrival) is a raise (as `device`'s open alerts).
package struct ReservoirMark: Sendable, Hashable {
    /// `LOW_RESERVOIR` or `EMPTY_RESERVOIR`.
    package var code: String
    /// Raised (true) or cleared.
    package var raised: Bool
    /// The pump's `at` (µs).
    package var at: Int64
    /// The message's row id: its place in arrival order.
    package var arrival: Int64
    package var messageID: String
    /// When the daemon received it (µs).
    package var receivedAt: Int64

    package init(code: String, raised: Bool, at: Int64, arrival: Int64, messageID: String, receivedAt: Int64) {
        self.code = code
        self.raised = raised
        self.at = at
        self.arrival = arrival
        self.messageID = messageID
        self.receivedAt = receivedAt
    }

    /// The codes kept.
    package static let codes: Set<String> = ["LOW_RESERVOIR", "EMPTY_RESERVOIR"]

    /// Whether this mark is later than `other` in the order that decides which one holds.
    package func supersedes(_ other: ReservoirMark) -> Bool {
        (at, arrival) >= (other.at, other.arrival)
    }
}

extension PumpStore {
    /// Reads the alert board's seed in one snapshot, handing every pump in service to `eachPump` as
    /// it reads it, with its records and reservoir alerts. The pumps (by their key) and the alerts
    /// (by the reservoir index) are both read in serial order and merged as they come, so nothing is
    /// held beyond one pump but the telemetry records. Costs a scan of the pumps and of the
    /// reservoir index; run once at start.
    package func alertSeed(eachPump: @escaping @Sendable (AlertSeed.Pump) -> Void) async throws(StoreError) {
        try await read { db in
            var records: [String: [EligibilityRecordDocument]] = [:]
            for row in try RecordRow.filter(Column("trigger") == "telemetry").order(RecordRow.Columns.id).fetchAll(db) {
                records[row.serial, default: []].append(row.document)
            }
            let alerts = try Row.fetchCursor(
                db,
                sql: """
                    SELECT serial, code, alert_state, at, id, message_id, received_at FROM message
                    WHERE kind = 'alert' AND code IN ('LOW_RESERVOIR', 'EMPTY_RESERVOIR')
                    ORDER BY serial, code, at, id
                    """)
            func nextAlert() throws -> (serial: String, mark: ReservoirMark)? {
                guard let row = try alerts.next() else { return nil }
                let raised = (row["alert_state"] as String?) != "cleared"
                // A clear's id is not read: no alert shows it (the board keeps none).
                return (
                    row["serial"],
                    ReservoirMark(
                        code: row["code"], raised: raised, at: row["at"], arrival: row["id"],
                        messageID: raised ? row["message_id"] : "", receivedAt: row["received_at"])
                )
            }
            var alert = try nextAlert()
            let pumps = try Row.fetchCursor(
                db,
                sql: """
                    SELECT serial, model, state, reason, battery, last_seen FROM pump
                    WHERE state != 'retired' ORDER BY serial
                    """)
            while let row = try pumps.next() {
                var pump = AlertSeed.Pump(
                    serial: row["serial"], model: row["model"], state: row["state"], reason: row["reason"],
                    battery: row["battery"], lastSeen: row["last_seen"], records: records[row["serial"]] ?? [],
                    reservoirs: [])
                // SQLite orders text by its bytes: alerts of serials before this one belong to no pump
                // in service (retired ones) and are passed over.
                while let (serial, mark) = alert, !pump.serial.utf8.lexicographicallyPrecedes(serial.utf8) {
                    if serial == pump.serial {
                        // By code, then (at, row id): a later row of the code is its latest.
                        if pump.reservoirs.last?.code == mark.code {
                            pump.reservoirs[pump.reservoirs.count - 1] = mark
                        } else {
                            pump.reservoirs.append(mark)
                        }
                    }
                    alert = try nextAlert()
                }
                for (i, mark) in pump.reservoirs.enumerated() where mark.raised && mark.code == "EMPTY_RESERVOIR" {
                    if let refill = try refill(after: mark, serial: pump.serial, db) { pump.reservoirs[i] = refill }
                }
                eachPump(pump)
            }
        }
    }

    /// An empty reservoir still raised may have been refilled since: a later status that reports
    /// drug ends the alert (as at ingest). Few pumps have one open; each is read from its newest
    /// status back to the raise, until one reports drug.
    private func refill(after mark: ReservoirMark, serial: String, _ db: Database) throws -> ReservoirMark? {
        let statuses = try MessageRow.filter(
            MessageRow.Columns.serial == serial && MessageRow.Columns.kind == "status"
                && (MessageRow.Columns.at > mark.at
                    || (MessageRow.Columns.at == mark.at && MessageRow.Columns.id > mark.arrival))
        ).order(MessageRow.Columns.at.desc, MessageRow.Columns.id.desc).fetchCursor(db)
        while let status = try statuses.next() {
            let reservoir = (try? JSONParser.parse(Array(status.raw)))?["reservoir_ml"]?.numberValue?.doubleValue
            guard let reservoir, reservoir > 0, let id = status.id else { continue }
            return ReservoirMark(
                code: mark.code, raised: false, at: status.at, arrival: id, messageID: "",
                receivedAt: status.receivedAt)
        }
        return nil
    }
}

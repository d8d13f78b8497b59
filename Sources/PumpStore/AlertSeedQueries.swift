import GRDB
import PumpControlProtocol
import PumpTelemetry

/// What the daemon's alert board is built from at start: every pump in service with the id of
/// its latest status, the telemetry records, and the latest reservoir alert per pump and code.
package struct AlertSeed: Sendable {
    /// A pump in service, as `devices` lists it, plus what the alert rules need.
    package struct Pump: Sendable {
        package var summary: DeviceSummaryDocument
        package var lastSeen: Int64?
        /// The `message_id` of its latest status, when it has one.
        package var latestStatusID: String?
    }

    /// The latest message of one reservoir code of one pump.
    package struct Reservoir: Sendable {
        package var serial: String
        package var code: String
        package var raised: Bool
        package var at: Int64
        package var arrival: Int64
        package var messageID: String
        package var receivedAt: Int64
    }

    package var pumps: [Pump]
    /// Telemetry records (`trigger` = `telemetry`), oldest first.
    package var records: [EligibilityRecordDocument]
    /// Per pump and code (`LOW_RESERVOIR`, `EMPTY_RESERVOIR`), the latest message by (`at`, row id).
    package var reservoirs: [Reservoir]
}

extension PumpStore {
    /// Reads the alert board's seed in one snapshot. Costs a scan of the pumps and of the stored
    /// alert messages (reservoir codes have no index of their own); run once at start.
    package func alertSeed() async throws(StoreError) -> AlertSeed {
        try await read { db in
            let pumps = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.serial, p.model, p.state, p.reason, p.battery, p.last_seen, m.message_id
                    FROM pump p LEFT JOIN message m ON m.id = p.latest_status_id
                    WHERE p.state != 'retired'
                    """
            ).map { row in
                let lastSeen: Int64? = row["last_seen"]
                return AlertSeed.Pump(
                    summary: DeviceSummaryDocument(
                        serial: row["serial"], model: row["model"], state: row["state"], battery: row["battery"],
                        lastSeen: lastSeen.map(Timestamp.format(micros:)), reason: row["reason"]),
                    lastSeen: lastSeen, latestStatusID: row["message_id"])
            }
            let records = try RecordRow.filter(Column("trigger") == "telemetry").order(RecordRow.Columns.id)
                .fetchAll(db).map(\.document)
            var latest: [String: AlertSeed.Reservoir] = [:]
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT serial, code, alert_state, at, id, message_id, received_at FROM message
                    WHERE kind = 'alert' AND code IN ('LOW_RESERVOIR', 'EMPTY_RESERVOIR')
                    """)
            while let row = try cursor.next() {
                let mark = AlertSeed.Reservoir(
                    serial: row["serial"], code: row["code"], raised: (row["alert_state"] as String?) != "cleared",
                    at: row["at"], arrival: row["id"], messageID: row["message_id"], receivedAt: row["received_at"])
                let key = mark.serial + "\u{0}" + mark.code
                if let kept = latest[key], (kept.at, kept.arrival) > (mark.at, mark.arrival) { continue }
                latest[key] = mark
            }
            return AlertSeed(pumps: pumps, records: records, reservoirs: Array(latest.values))
        }
    }
}

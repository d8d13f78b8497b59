import GRDB
import PumpControlProtocol
import PumpJSON
import PumpTelemetry

/// What the daemon's alert board is built from at start, besides the pumps (which it reads one at
/// a time): the telemetry records and the latest reservoir alert per pump and code.
package struct AlertSeed: Sendable {
    /// A pump in service, as `devices` lists it.
    package struct Pump: Sendable {
        package var serial: String
        package var model: String?
        package var state: String
        package var reason: String?
        package var battery: String?
        /// The latest `received_at` (µs), nil for a pump that never reported.
        package var lastSeen: Int64?
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

    /// Telemetry records (`trigger` = `telemetry`), oldest first.
    package var records: [EligibilityRecordDocument]
    /// Per pump and code (`LOW_RESERVOIR`, `EMPTY_RESERVOIR`), the latest message by (`at`, row id).
    package var reservoirs: [Reservoir]
}

extension PumpStore {
    /// Reads the alert board's seed in one snapshot: returns the records and reservoir alerts, and
    /// hands every pump in service to `eachPump` as it reads it (none is held), with whether a record
    /// or a reservoir alert of it is in the seed. Costs a scan of the pumps and of the stored alert
    /// messages (reservoir codes have no index of their own); run once at start.
    package func alertSeed(
        eachPump: @escaping @Sendable (AlertSeed.Pump, _ inSeed: Bool) -> Void
    ) async throws(StoreError) -> AlertSeed {
        try await read { db in
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
            // An empty reservoir still raised may have been refilled since: a later status that
            // reports drug ends the alert (as at ingest). Few pumps have one open; each is read from
            // its newest status back to the raise, until one reports drug.
            for (key, mark) in latest where mark.raised && mark.code == "EMPTY_RESERVOIR" {
                let statuses = try MessageRow.filter(
                    MessageRow.Columns.serial == mark.serial && MessageRow.Columns.kind == "status"
                        && (MessageRow.Columns.at > mark.at
                            || (MessageRow.Columns.at == mark.at && MessageRow.Columns.id > mark.arrival))
                ).order(MessageRow.Columns.at.desc, MessageRow.Columns.id.desc).fetchCursor(db)
                while let status = try statuses.next() {
                    let reservoir = (try? JSONParser.parse(Array(status.raw)))?["reservoir_ml"]?.numberValue?
                        .doubleValue
                    guard let reservoir, reservoir > 0, let id = status.id else { continue }
                    latest[key] = AlertSeed.Reservoir(
                        serial: mark.serial, code: mark.code, raised: false, at: status.at, arrival: id,
                        messageID: status.messageID, receivedAt: status.receivedAt)
                    break
                }
            }
            let seed = AlertSeed(records: records, reservoirs: Array(latest.values))
            let inSeed = Set(seed.records.map(\.serial) + seed.reservoirs.map(\.serial))
            let pumps = try Row.fetchCursor(
                db, sql: "SELECT serial, model, state, reason, battery, last_seen FROM pump WHERE state != 'retired'")
            while let row = try pumps.next() {
                let pump = AlertSeed.Pump(
                    serial: row["serial"], model: row["model"], state: row["state"], reason: row["reason"],
                    battery: row["battery"], lastSeen: row["last_seen"])
                eachPump(pump, inSeed.contains(pump.serial))
            }
            return seed
        }
    }
}

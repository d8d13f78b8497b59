import Foundation
import GRDB
import PumpHealth

/// One pump's row as the ingest writer keeps it in memory between batches: latest state, the
/// failure-detection state, and which telemetry records it has raised.
struct PumpEntry: Sendable {
    var serial: String
    var model: String?
    var battery: String?
    var state: String
    var firstSeen: Int64
    var lastSeen: Int64?
    var latestStatusID: Int64?
    var latestStatusAt: Int64?
    var health: PumpHealth
    var raisedNonFunction: Bool
    var raisedImpendingFailure: Bool

    /// A pump seen for the first time.
    init(serial: String, firstSeen: Int64, rules: StallRules) {
        self.serial = serial
        self.model = nil
        self.battery = nil
        self.state = "unknown"
        self.firstSeen = firstSeen
        self.lastSeen = nil
        self.latestStatusID = nil
        self.latestStatusAt = nil
        self.health = PumpHealth(rules: rules)
        self.raisedNonFunction = false
        self.raisedImpendingFailure = false
    }

    /// Loads the pump's row, or nil when the pump is not in the store.
    static func load(_ db: Database, serial: String, rules: StallRules) throws -> PumpEntry? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT model, battery, state, first_seen, last_seen, latest_status_id, latest_status_at,
                               health, raised_non_function, raised_impending_failure
                        FROM pump WHERE serial = ?
                        """),
                arguments: [serial])
        else { return nil }
        var entry = PumpEntry(serial: serial, firstSeen: row[3], rules: rules)
        entry.model = row[0]
        entry.battery = row[1]
        entry.state = row[2]
        entry.lastSeen = row[4]
        entry.latestStatusID = row[5]
        entry.latestStatusAt = row[6]
        if let blob: [UInt8] = (row[7] as Data?).map({ [UInt8]($0) }), !blob.isEmpty {
            entry.health = try HealthCoding.decode(blob)
        }
        entry.raisedNonFunction = row[8]
        entry.raisedImpendingFailure = row[9]
        return entry
    }

    /// Writes the row (insert or update).
    func save(_ db: Database, stallDeadline: Int64?) throws {
        let health = HealthCoding.encode(health)
        try db.cachedStatement(
            sql: """
                INSERT INTO pump (serial, model, battery, state, first_seen, last_seen, latest_status_id,
                                  latest_status_at, health, stall_deadline, raised_non_function,
                                  raised_impending_failure)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(serial) DO UPDATE SET
                    model = excluded.model, battery = excluded.battery, state = excluded.state,
                    last_seen = excluded.last_seen, latest_status_id = excluded.latest_status_id,
                    latest_status_at = excluded.latest_status_at, health = excluded.health,
                    stall_deadline = excluded.stall_deadline,
                    raised_non_function = excluded.raised_non_function,
                    raised_impending_failure = excluded.raised_impending_failure
                """
        ).execute(arguments: [
            serial, model, battery, state, firstSeen, lastSeen, latestStatusID, latestStatusAt, Data(health),
            stallDeadline, raisedNonFunction, raisedImpendingFailure,
        ])
    }
}

/// The form of `PumpHealth` kept in the pump row: its compact binary form
/// (`PumpHealth.binaryEncoded()`). Rows written by earlier versions hold JSON (they start with `{`)
/// and are still read.
enum HealthCoding {
    static func encode(_ health: PumpHealth) -> [UInt8] {
        health.binaryEncoded()
    }

    static func decode(_ bytes: [UInt8]) throws -> PumpHealth {
        if bytes.first == UInt8(ascii: "{") {
            return try JSONDecoder().decode(PumpHealth.self, from: Data(bytes))
        }
        return try PumpHealth(binary: bytes)
    }
}

/// The writer's pump rows in memory, at most `capacity` of them. When full, a new row takes the
/// place of one not used since the clock hand last passed it (CLOCK, an approximation of least
/// recently used that costs one flag per row); an evicted pump is read back from its row when it
/// sends again.
struct PumpCache {
    private struct Slot {
        var entry: PumpEntry
        var referenced: Bool
    }

    let capacity: Int
    private var index: [String: Int] = [:]
    private var slots: [Slot] = []
    private var hand = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// How many rows are held.
    var count: Int { slots.count }

    /// The pump's row, marked as recently used.
    mutating func get(_ serial: String) -> PumpEntry? {
        guard let i = index[serial] else { return nil }
        slots[i].referenced = true
        return slots[i].entry
    }

    /// Stores the pump's row, evicting another when full.
    mutating func put(_ entry: PumpEntry) {
        if let i = index[entry.serial] {
            slots[i] = Slot(entry: entry, referenced: true)
            return
        }
        if slots.count < capacity {
            index[entry.serial] = slots.count
            slots.append(Slot(entry: entry, referenced: true))
            return
        }
        while slots[hand].referenced {
            slots[hand].referenced = false
            hand = (hand + 1) % slots.count
        }
        index.removeValue(forKey: slots[hand].entry.serial)
        index[entry.serial] = hand
        slots[hand] = Slot(entry: entry, referenced: true)
        hand = (hand + 1) % slots.count
    }

    /// Forgets every row.
    mutating func removeAll() {
        index = [:]
        slots = []
        hand = 0
    }
}

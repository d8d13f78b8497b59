import PumpHealth
import PumpPolicy
import PumpStore

/// One pump as the ingest writer keeps it in memory between batches: its row and its decoded
/// failure-detection state (the row's `health` bytes are written from it at save).
struct PumpEntry: Sendable {
    var row: PumpRow
    var health: PumpHealth

    var serial: String { row.serial }

    /// A pump seen for the first time.
    init(serial: String, firstSeen: Int64, rules: StallRules) {
        row = PumpRow(serial: serial, firstSeen: firstSeen)
        health = PumpHealth(rules: rules)
    }

    /// A pump read from its row.
    init(row: PumpRow, rules: StallRules) throws {
        health = try row.decodedHealth() ?? PumpHealth(rules: rules)
        self.row = row
        self.row.health = nil
    }

    /// The row to write: the entry's state, and the silent-stall deadline unless the pump is
    /// already non-functional.
    var savedRow: PumpRow {
        var saved = row
        saved.health = health.storedForm
        saved.stallDeadline = stallDeadline
        return saved
    }

    /// The silent-stall deadline the row keeps for the sweeper: none once the pump is
    /// non-functional or retired.
    var stallDeadline: Int64? {
        row.state == PumpState.nonFunctional.rawValue || row.state == PumpState.retired.rawValue
            ? nil : health.silentStallDeadline
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
}

import PumpAlerts
import PumpControlProtocol
import PumpIngest
import PumpStore
import PumpTelemetry

/// The words the board's pumps use (states, reasons, models, battery states), each kept once: a
/// pump holds their numbers, so that 100,000 pumps cost a few megabytes.
struct WordTable: Sendable {
    private var words: [String] = [""]
    private var numbers: [String: UInt32] = [:]

    /// The word's number (0 for nil), adding it when new.
    mutating func number(_ word: String?) -> UInt32 {
        guard let word else { return 0 }
        if let n = numbers[word] { return n }
        let n = UInt32(words.count)
        words.append(word)
        numbers[word] = n
        return n
    }

    /// The word of a number (nil for 0).
    func word(_ n: UInt32) -> String? {
        n == 0 || Int(n) >= words.count ? nil : words[Int(n)]
    }
}

/// One pump in service as the board keeps it for every pump: its words as numbers, its last
/// message's receipt (µs, `.min` for none) and, when it has any, its detail.
///
/// The detail is inline, not in a second table keyed by serial: a table of 26,501 entries (the
/// bench's pumps with a reservoir alert in their history) has 65,536 buckets, each paying a key.
struct CompactPump: Sendable {
    var state: UInt32
    var reason: UInt32
    var model: UInt32
    var battery: UInt32
    var lastSeen: Int64
    var detail: PumpDetail?

    var lastSeenOrNil: Int64? { lastSeen == .min ? nil : lastSeen }

    /// Changes the pump's detail, making one first when it has none (its state taken to start at
    /// its last message, else `now`).
    mutating func changeDetail(now: Int64, _ change: (inout PumpDetail) -> Void) {
        var changed = detail ?? PumpDetail(stateSince: lastSeenOrNil ?? now)
        detail = nil  // the only copy while it changes: its marks are not copied
        change(&changed)
        detail = changed
    }
}

/// What the board keeps only for pumps that have it: the telemetry records behind an alert, the
/// latest reservoir message per code, when the pump entered its state.
///
/// Every pump with a reservoir alert in its history has one (26,501 of the bench's 100,000 pumps),
/// so it is kept narrow (24 bytes): the records, which few pumps have, in a box, and the reservoir
/// marks (one per code, two codes) in a small array. Inline records and a dictionary of marks held
/// 16.3 MB at start, 6.9 MB this way. The last message's id is not here: only `PumpSilent` shows
/// it, so the board keeps it only with `--silence-alert`.
struct PumpDetail: Sendable {
    var stateSince: Int64
    /// Nil when the pump has neither record.
    private var records: RecordMarks?
    /// The latest reservoir message of each code, at most one per code.
    private var reservoir: [ReservoirMark] = []

    init(stateSince: Int64) {
        self.stateSince = stateSince
    }

    /// The telemetry record behind the pump's non-functional alert.
    var nonFunctionRecord: RecordMark? {
        get { records?.nonFunction }
        set { records = RecordMarks(nonFunction: newValue, impending: impendingRecord) }
    }

    /// The telemetry record behind the pump's impending-failure alert.
    var impendingRecord: RecordMark? {
        get { records?.impending }
        set { records = RecordMarks(nonFunction: nonFunctionRecord, impending: newValue) }
    }

    /// Keeps a telemetry record as the one behind the pump's non-functional or impending alert.
    mutating func attach(_ record: EligibilityRecordDocument) {
        guard record.trigger == "telemetry" else { return }
        let mark = RecordMark(id: record.id, clause: record.clause, evidence: record.evidence.map(\.messageID))
        switch record.replacementCriterion {
        case "non_function": nonFunctionRecord = mark
        case "impending_failure": impendingRecord = mark
        default: break
        }
    }

    /// Keeps the latest reservoir message of its code (by `at`, then arrival). A cleared mark only
    /// orders the messages after it, and no alert shows its id: the id is not kept (most marks
    /// are cleared ones, and an id longer than 15 bytes is an allocation of its own).
    mutating func note(_ mark: ReservoirMark) {
        var mark = mark
        if !mark.raised { mark.messageID = "" }
        guard let i = reservoir.firstIndex(where: { $0.code == mark.code }) else {
            reservoir.append(mark)
            return
        }
        if mark.supersedes(reservoir[i]) { reservoir[i] = mark }
    }

    /// Whether a reservoir message of the code is kept.
    func hasReservoirMark(code: String) -> Bool {
        reservoir.contains { $0.code == code }
    }

    /// The open reservoir alerts: those whose latest message is a raise.
    var openAlerts: [String: OpenAlertMark] {
        var open: [String: OpenAlertMark] = [:]
        for mark in reservoir where mark.raised {
            open[mark.code] = OpenAlertMark(messageID: mark.messageID, receivedAt: mark.receivedAt)
        }
        return open
    }

    /// Whether there is anything to keep beyond the pump's compact row.
    var isEmpty: Bool { records == nil && reservoir.isEmpty }
}

/// A pump's telemetry records behind its alerts, boxed apart from its ``PumpDetail``. Immutable: a
/// change makes a new box, so copies of a detail stay independent.
private final class RecordMarks: Sendable {
    let nonFunction: RecordMark?
    let impending: RecordMark?

    /// Nil when there is neither record.
    init?(nonFunction: RecordMark?, impending: RecordMark?) {
        guard nonFunction != nil || impending != nil else { return nil }
        self.nonFunction = nonFunction
        self.impending = impending
    }
}

/// What a watcher's snapshot is made of, taken between two commits: the store as it was then (its
/// pumps are read a page at a time as they are sent) and the alerts firing then (copied under the
/// board's lock, which costs nothing while it is held: the dictionary is copied on write).
struct WatchSnapshot: Sendable {
    var store: StoreSnapshot
    var firing: [String: [AlertName: AlertDocument]]
    var at: String

    /// Hands each event to `body` in order: every pump in service by serial, every firing alert by
    /// serial and name, then `synced`.
    func forEachEvent(_ body: (WatchEventDocument) async throws -> Void) async throws {
        var pumps = store.pumps()
        while true {
            let page = try await pumps.next()
            if page.isEmpty { break }
            for pump in page { try await body(WatchEventDocument(event: .pump, at: at, pump: pump)) }
        }
        for serial in firing.keys.sorted() {
            for (_, alert) in (firing[serial] ?? [:]).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try await body(WatchEventDocument(event: .alert, at: at, alert: alert))
            }
        }
        try await body(WatchEventDocument(event: .synced, at: at))
    }
}

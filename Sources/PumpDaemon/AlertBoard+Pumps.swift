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

/// One pump in service as the board keeps it for every pump: its words as numbers and its last
/// message's receipt (µs, `.min` for none).
struct CompactPump: Sendable {
    var state: UInt32
    var reason: UInt32
    var model: UInt32
    var battery: UInt32
    var lastSeen: Int64

    var lastSeenOrNil: Int64? { lastSeen == .min ? nil : lastSeen }
}

/// What the board keeps only for pumps that have it: the telemetry records behind an alert, the
/// latest reservoir message per code, when the pump entered its state, its last message's id.
struct PumpDetail: Sendable {
    var stateSince: Int64
    var lastMessageID: String?
    var nonFunctionRecord: RecordMark?
    var impendingRecord: RecordMark?
    var reservoir: [String: ReservoirMark] = [:]

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

    /// Keeps the latest reservoir message of its code (by `at`, then arrival).
    mutating func note(_ mark: ReservoirMark) {
        if let kept = reservoir[mark.code], !mark.supersedes(kept) { return }
        reservoir[mark.code] = mark
    }

    /// The open reservoir alerts: those whose latest message is a raise.
    var openAlerts: [String: OpenAlertMark] {
        var open: [String: OpenAlertMark] = [:]
        for (code, mark) in reservoir where mark.raised {
            open[code] = OpenAlertMark(messageID: mark.messageID, receivedAt: mark.receivedAt)
        }
        return open
    }

    /// Whether there is anything to keep beyond the pump's compact row.
    var isEmpty: Bool { nonFunctionRecord == nil && impendingRecord == nil && reservoir.isEmpty }
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

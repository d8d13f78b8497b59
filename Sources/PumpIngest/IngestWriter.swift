import PumpHealth
import PumpPolicy
import PumpStore
import PumpTelemetry
import Synchronization

/// The single writer of telemetry: validates nothing itself (lines come validated), but runs
/// failure detection on every accepted message in the pump's `at` order, decides the eligibility
/// records detection calls for, and stores a whole batch of lines with them in one store
/// transaction (group commit). Replies are produced only after the commit, so `accepted` means
/// durable.
///
/// Pump rows are cached in memory between batches, at most `cacheCapacity` of them (the least
/// recently used make room, and are read back from their row when they send again); a failed
/// transaction leaves the cache as it was.
package final class IngestWriter: Sendable {
    package let store: PumpStore
    package let rules: StallRules
    /// The most pump rows kept in memory between batches.
    package let cacheCapacity: Int
    private let cache: Mutex<PumpCache>

    /// The default `cacheCapacity`: a few thousand rows of about a kilobyte each.
    package static let defaultCacheCapacity = 4096

    package init(store: PumpStore, rules: StallRules, cacheCapacity: Int = IngestWriter.defaultCacheCapacity) {
        self.store = store
        self.rules = rules
        self.cacheCapacity = max(1, cacheCapacity)
        self.cache = Mutex(PumpCache(capacity: max(1, cacheCapacity)))
    }

    /// Commits `items` in one transaction and returns one reply per item. When the store fails,
    /// nothing of the batch is kept; a failure that may lie in one pump's rows (damaged pages or an
    /// unreadable row: `corrupt`, `failed`) is retried pump by pump, so that only the lines of the
    /// pumps whose own transaction fails are answered `unavailable`. A failure of the whole store
    /// (full, read-only, replaced) answers every item `unavailable` at once.
    package func commit(_ items: [IngestItem], now: Int64) async -> IngestOutcome {
        let error: StoreError
        do {
            return try await commitOnce(items, now: now)
        } catch let e {
            error = e
        }
        let groups = Self.groupsByPump(items)
        guard error.mayBeConfinedToRows, groups.count > 1 else { return Self.unavailable(items, error) }
        var replies = [Reply?](repeating: nil, count: items.count)
        var outcome = IngestOutcome(replies: [], raised: [], accepted: 0)
        for group in groups {
            let part = group.map { items[$0] }
            let partOutcome: IngestOutcome
            do {
                partOutcome = try await commitOnce(part, now: now)
            } catch {
                partOutcome = Self.unavailable(part, error)
            }
            for (k, i) in group.enumerated() { replies[i] = partOutcome.replies[k] }
            outcome.raised += partOutcome.raised
            outcome.accepted += partOutcome.accepted
            outcome.changes += partOutcome.changes
            outcome.retiredMessages += partOutcome.retiredMessages
            if let d = partOutcome.earliestStallDeadline {
                outcome.earliestStallDeadline = min(outcome.earliestStallDeadline ?? d, d)
            }
        }
        outcome.replies = replies.enumerated().map { i, reply in
            reply ?? Self.unavailable([items[i]], error).replies[0]
        }
        return outcome
    }

    /// The batch in one transaction.
    private func commitOnce(_ items: [IngestItem], now: Int64) async throws(StoreError) -> IngestOutcome {
        let (outcome, dirty) = try await store.write { tx in
            var batch = BatchState(tx, writer: self, now: now)
            var replies: [Reply] = []
            replies.reserveCapacity(items.count)
            for item in items {
                replies.append(try batch.apply(item))
            }
            try batch.saveDirtyPumps()
            let deadline = batch.dirty.values.lazy.compactMap(\.stallDeadline).min()
            let outcome = IngestOutcome(
                replies: replies, raised: batch.raised, accepted: batch.accepted, earliestStallDeadline: deadline,
                changes: batch.changes, retiredMessages: batch.retiredMessages)
            return (outcome, batch.dirty)
        }
        remember(dirty)
        await store.afterIngestCommit()
        return outcome
    }

    /// Every item answered `unavailable` for `error`.
    private static func unavailable(_ items: [IngestItem], _ error: StoreError) -> IngestOutcome {
        let replies = items.map { item in
            Reply(
                id: item.replyID, result: .unavailable, reason: error.unavailableReason.rawValue,
                detail: error.description)
        }
        return IngestOutcome(replies: replies, raised: [], accepted: 0)
    }

    /// The items' indices grouped by pump, in order of first appearance; rejected lines (which touch
    /// no pump) form one group of their own.
    static func groupsByPump(_ items: [IngestItem]) -> [[Int]] {
        var groups: [[Int]] = []
        var groupOf: [String?: Int] = [:]
        for (i, item) in items.enumerated() {
            let key: String? =
                switch item {
                case .valid(let m): m.serial
                case .rejected: nil
                }
            if let g = groupOf[key] {
                groups[g].append(i)
            } else {
                groupOf[key] = groups.count
                groups.append([i])
            }
        }
        return groups
    }

    /// Judges stalled pumps that fell silent on the daemon's clock: every pump whose stall grace has
    /// passed since the stall message was received, with no recovery, becomes non-functional and
    /// raises its non-function record. Returns the records raised.
    package func sweepSilentStalls(now: Int64) async throws(StoreError) -> [RaisedRecord] {
        try await sweepSilentStallsWithChanges(now: now).raised
    }

    /// `sweepSilentStalls(now:)`, with the pumps it judged as committed (for the alert board).
    package func sweepSilentStallsWithChanges(
        now: Int64
    ) async throws(StoreError) -> (raised: [RaisedRecord], changes: [PumpChange]) {
        let (raised, changes, dirty) = try await store.write { tx in
            var batch = BatchState(tx, writer: self, now: now)
            for serial in try tx.serialsPastStallDeadline(now) {
                var entry = try batch.entry(serial)
                try batch.assessAndRaise(&entry)
                batch.dirty[serial] = entry
            }
            try batch.saveDirtyPumps()
            return (batch.raised, batch.changes, batch.dirty)
        }
        remember(dirty)
        return (raised, changes)
    }

    /// Retires a pump (`pumpctl retire`): its state becomes `retired` for good, its reason the
    /// retirement's, and the retirement is stored. Runs in the writer's order (the daemon calls it
    /// from its commit loop) so that the cached row agrees with the stored one.
    package func retire(
        serial: String, reason: RetirementReason, replacedBy: String?, note: String?, now: Int64
    ) async throws(StoreError) -> RetireOutcome {
        let (outcome, dirty) = try await store.write { tx -> (RetireOutcome, [String: PumpEntry]) in
            var batch = BatchState(tx, writer: self, now: now)
            guard try tx.pump(serial) != nil || batch.dirty[serial] != nil else { return (.unknown, [:]) }
            if let earlier = try tx.retirement(serial) { return (.alreadyRetired(earlier), [:]) }
            var entry = try batch.entry(serial)
            let retirement = RetirementRow(
                serial: serial, reason: reason.rawValue, replacedBy: replacedBy, note: note, retiredAt: now,
                previousState: entry.row.state)
            try tx.insert(retirement)
            entry.row.state = PumpState.retired.rawValue
            entry.row.reason = reason.rawValue
            batch.dirty[serial] = entry
            try batch.saveDirtyPumps()
            return (.retired(retirement, batch.changes[0]), batch.dirty)
        }
        remember(dirty)
        return outcome
    }

    /// The cached row of a pump, as of the last committed batch.
    func cachedEntry(_ serial: String) -> PumpEntry? {
        cache.withLock { $0.get(serial) }
    }

    /// How many pump rows are cached.
    var cachedCount: Int {
        cache.withLock { $0.count }
    }

    private func remember(_ committed: [String: PumpEntry]) {
        cache.withLock { cache in
            for entry in committed.values { cache.put(entry) }
        }
    }
}

extension IngestItem {
    /// The id the reply echoes.
    package var replyID: String? {
        switch self {
        case .valid(let m): m.id
        case .rejected(let r, _, _, _): r.id
        }
    }
}

/// What `IngestWriter.retire` did.
package enum RetireOutcome: Sendable {
    /// Retired now: the stored retirement and the pump as it is now.
    case retired(RetirementRow, PumpChange)
    /// The pump was retired before (a retirement is final); nothing changed.
    case alreadyRetired(RetirementRow)
    /// No pump with this serial is known.
    case unknown
}

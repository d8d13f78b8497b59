/// One motor-stall episode: from the first stall signal after the last recovery to the next
/// recovery. Repeated stall signals do not restart it.
package struct StallEpisode: Sendable, Hashable, Codable {
    /// The message that began the episode.
    package var start: EvidenceRef
    /// When the daemon first received a stall signal of this episode, on its own clock (µs): the
    /// receipt of `start`, or of a repeat received before it (a replay in `at` order may begin the
    /// episode at a stall signal stamped earlier but received later).
    package var startReceivedAt: Int64
    /// The MRI exposure that lengthened the grace, if one did.
    package var mriExposure: EvidenceRef?
    /// The grace that applies to this episode (µs).
    package var grace: Int64
    /// The first message at or after the deadline while the stall had not recovered: once set,
    /// the stall is non-function on the pump's clock.
    package var pastDeadline: EvidenceRef?

    package init(start: EvidenceRef, startReceivedAt: Int64, grace: Int64) {
        self.start = start
        self.startReceivedAt = startReceivedAt
        self.grace = grace
    }

    /// The last pump-clock moment a recovery still counts (the grace interval is closed).
    var deadline: Int64 { start.at.saturatingAdd(grace) }

    /// The daemon-clock moment after which a silent pump's stall becomes non-function.
    var silentDeadline: Int64 { startReceivedAt.saturatingAdd(grace) }

    /// The stall's evidence, ordered by `at`: the MRI exposure (if any), the start, and the
    /// message past the deadline (if any).
    var evidence: [EvidenceRef] {
        orderedEvidence([mriExposure, start, pastDeadline].compactMap { $0 })
    }
}

/// The recovery a stall signal applied after it (in `at` order) may still be ended by: one stamped
/// at most `StallRules.recoveryTolerance` before the stall but received after it (a pump clock
/// corrected backwards).
package struct RecoveryMark: Sendable, Hashable, Codable {
    /// The recovery's `at` (µs).
    package var at: Int64
    /// The recovery's place in the daemon's order of receipt (`HealthSignal.arrival`).
    package var arrival: Int64

    package init(at: Int64, arrival: Int64) {
        self.at = at
        self.arrival = arrival
    }
}

/// Orders references by `at` (stable: ties keep the given order) and keeps the first of each
/// message id.
func orderedEvidence(_ refs: [EvidenceRef]) -> [EvidenceRef] {
    var seen = Set<String>()
    let unique = refs.filter { seen.insert($0.messageID).inserted }
    return unique.enumerated()
        .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
        .map(\.element)
}

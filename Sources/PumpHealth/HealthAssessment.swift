/// A pump's health, by precedence: `nonFunctional` > `stalled` > `impendingFailure` >
/// `functional`; `unknown` while no message decides anything.
package enum HealthState: String, Sendable, Hashable, Codable, CaseIterable {
    /// The pump reports itself working, and no failure holds.
    case functional
    /// A built-in notification of a coming failure holds (`ERI`, `IMPENDING_FAILURE`), and no
    /// worse state.
    case impendingFailure = "impending_failure"
    /// The pump does not function: end of service, a low-battery reset, an uncleared critical
    /// error, or a stall not recovered within its grace.
    case nonFunctional = "non_functional"
    /// The motor is stalled and the stall is still within its grace period.
    case stalled
    /// No message has decided anything yet (an enrolled pump that never reported, say).
    case unknown
}

/// The replacement criterion the pump's telemetry shows (`policy.md`, "Replacement assessment").
package enum Finding: String, Sendable, Hashable, Codable, CaseIterable {
    /// `MN.replacement.non_function`: the device is not functioning.
    case nonFunction = "non_function"
    /// `MN.replacement.impending_failure`: a built-in system notifies an impending failure.
    case impendingFailure = "impending_failure"
    /// The device reports itself functional (a stall still within grace included).
    case none
}

/// The outcome of assessing one pump at one moment: its state, its replacement criterion, and
/// the messages behind them. Every evidence list is ordered by `at` (ties in the order the
/// messages were applied) and names each message once.
package struct HealthAssessment: Sendable, Hashable, Codable {
    /// The pump's state.
    package var state: HealthState
    /// The replacement criterion: non-function outranks impending failure when both hold.
    package var finding: Finding
    /// The messages behind every non-function condition that holds now; `nil` when none holds.
    /// For a stall: the message that began it, any MRI exposure that lengthened its grace, and
    /// the first message at or after its deadline (none when judged on the daemon's clock).
    /// For the other conditions: the message that first showed it.
    package var nonFunctionEvidence: [EvidenceRef]?
    /// The messages that first showed each impending-failure condition that holds now; `nil`
    /// when none holds.
    package var impendingEvidence: [EvidenceRef]?
    /// The evidence for `finding`: `nonFunctionEvidence` or `impendingEvidence`, and for
    /// `Finding.none` the latest status, if any.
    package var findingEvidence: [EvidenceRef]
    /// The most recent stall that ran past its grace on the pump's clock and recovered
    /// afterwards: the stall, any MRI exposure that lengthened its grace, and the first message
    /// at or after its deadline (which may be the recovery itself). `nil` when there is none.
    ///
    /// Such a stall met the non-function criterion, yet the pump functions again, so it no longer
    /// counts in `state` or `finding` (like a cleared critical error). It is kept so the daemon
    /// can still raise a non-function record when it never saw the pump non-functional: when the
    /// recovery itself was the first message past the deadline, or when a backlog replayed in
    /// `at` order passes over the lapse.
    package var lapsedStallEvidence: [EvidenceRef]?

    package init(
        state: HealthState, finding: Finding, nonFunctionEvidence: [EvidenceRef]?,
        impendingEvidence: [EvidenceRef]?, findingEvidence: [EvidenceRef], lapsedStallEvidence: [EvidenceRef]? = nil
    ) {
        self.state = state
        self.finding = finding
        self.nonFunctionEvidence = nonFunctionEvidence
        self.impendingEvidence = impendingEvidence
        self.findingEvidence = findingEvidence
        self.lapsedStallEvidence = lapsedStallEvidence
    }
}

// The replacement table of `policy.md`: the telemetry's replacement criterion, combined with the
// indication finding of the pump's enrolled therapy.

extension PolicyEngine {
    /// The replacement assessment of a pump (`policy.md`, "Replacement assessment").
    ///
    /// - `non_function` or `impending_failure`, whatever the reason or trigger: covered indication,
    ///   medically necessary under `MN.replacement.non_function` / `MN.replacement.impending_failure`
    ///   (so an upgrade or convenience request at ERI is medically necessary); not covered, NMN under
    ///   the indication's NMN clause; unknown, needs review under the replacement clause, `missing` the
    ///   indication's missing facts.
    /// - `none` with `convenience` or `upgrade`: NMN under `NMN.replacement.convenience` /
    ///   `NMN.replacement.upgrade`, whatever the indication.
    /// - `none` with `malfunction` (claimed, not shown): covered, needs review under
    ///   `MN.replacement.non_function` with `missing: ["malfunction_evidence"]`; unknown, the same with the
    ///   indication's missing facts appended; not covered, NMN under the indication's NMN clause.
    /// - `none` raised by telemetry: the daemon never raises such a record, but the answer is defined as
    ///   the safest reading, a replacement nobody has justified: exactly as a malfunction claim without
    ///   evidence (needs review, `missing` starting with `malfunction_evidence`, clause
    ///   `MN.replacement.non_function`; NMN under the indication's clause when not covered), with no
    ///   request reason. It is never medically necessary and never NMN for want of a fact.
    ///
    /// The caller passes one criterion: when the telemetry shows both non-function and impending
    /// failure, non-function outranks it (`ReplacementCriterion.strongest(of:)`).
    ///
    /// - Parameters:
    ///   - criterion: what the pump's telemetry shows.
    ///   - trigger: the telemetry, or a request with its reason.
    ///   - therapy: the pump's enrolled therapy; `nil` when the pump was never enrolled.
    package static func assessReplacement(
        criterion: ReplacementCriterion, trigger: ReplacementTrigger, therapy: Therapy?
    ) -> Assessment {
        let finding = indicationFinding(for: therapy)
        let reason = trigger.requestReason
        let (determination, clause, missing): (Determination, Clause, [String])
        switch (criterion, reason) {
        case (.nonFunction, _):
            (determination, clause, missing) = shownFailure(.mnReplacementNonFunction, finding)
        case (.impendingFailure, _):
            (determination, clause, missing) = shownFailure(.mnReplacementImpendingFailure, finding)
        case (.none, .convenience):
            (determination, clause, missing) = (.notMedicallyNecessary, .nmnReplacementConvenience, [])
        case (.none, .upgrade):
            (determination, clause, missing) = (.notMedicallyNecessary, .nmnReplacementUpgrade, [])
        case (.none, .malfunction), (.none, nil):
            (determination, clause, missing) = unshownMalfunction(finding)
        }
        return Assessment(
            type: .replacement, determination: determination, clause: clause, replacementCriterion: criterion,
            requestReason: reason, indication: finding, missing: missing,
            suppliesCovered: determination == .medicallyNecessary)
    }

    /// Non-function or impending failure, shown by telemetry: the indication decides.
    private static func shownFailure(
        _ clause: Clause, _ finding: IndicationFinding
    ) -> (Determination, Clause, [String]) {
        switch finding.status {
        case .covered: (.medicallyNecessary, clause, [])
        case .notCovered: (.notMedicallyNecessary, finding.clause ?? .nmnUseOther, [])
        case .unknown: (.needsReview, clause, finding.missing)
        }
    }

    /// A failure nobody has shown: at best it needs the evidence, unless the indication denies it.
    private static func unshownMalfunction(_ finding: IndicationFinding) -> (Determination, Clause, [String]) {
        let evidence = Fact.malfunctionEvidence.rawValue
        switch finding.status {
        case .covered: return (.needsReview, .mnReplacementNonFunction, [evidence])
        case .notCovered: return (.notMedicallyNecessary, finding.clause ?? .nmnUseOther, [])
        case .unknown: return (.needsReview, .mnReplacementNonFunction, [evidence] + finding.missing)
        }
    }
}

extension ReplacementCriterion {
    /// The criterion's rank: non-function (2) outranks impending failure (1), which outranks none (0).
    package var precedence: Int {
        switch self {
        case .nonFunction: 2
        case .impendingFailure: 1
        case .none: 0
        }
    }

    /// The criterion to assess when the telemetry shows several: the highest ranked, `none` if empty.
    package static func strongest(of criteria: some Sequence<ReplacementCriterion>) -> ReplacementCriterion {
        criteria.max { $0.precedence < $1.precedence } ?? .none
    }
}

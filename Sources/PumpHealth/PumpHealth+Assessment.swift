extension PumpHealth {
    /// Judges the pump now.
    ///
    /// - Parameter now: the daemon's clock (µs since the Unix epoch), used only to judge an open
    ///   stall whose pump fell silent: non-function once `now` is past the stall's receipt plus
    ///   its grace. `nil` judges on the pump's clock alone.
    package func assess(now: Int64?) -> HealthAssessment {
        let stallEvidence: [EvidenceRef]? = stall.flatMap { open in
            if open.pastDeadline != nil { return open.evidence }
            if let now, now > open.silentDeadline { return open.evidence }
            return nil
        }
        let nonFunction = [endOfService, lowBatteryReset, criticalError].compactMap { $0 } + (stallEvidence ?? [])
        let impending = [electiveReplacement, impendingFailure].compactMap { $0 }
        let nonFunctionEvidence = nonFunction.isEmpty ? nil : orderedEvidence(nonFunction)
        let impendingEvidence = impending.isEmpty ? nil : orderedEvidence(impending)

        let state = state(nonFunction: nonFunctionEvidence != nil, impending: impendingEvidence != nil)
        let finding: Finding =
            nonFunctionEvidence != nil ? .nonFunction : impendingEvidence != nil ? .impendingFailure : .none
        let findingEvidence = nonFunctionEvidence ?? impendingEvidence ?? latestStatus.map { [$0] } ?? []
        return HealthAssessment(
            state: state, finding: finding, nonFunctionEvidence: nonFunctionEvidence,
            impendingEvidence: impendingEvidence, findingEvidence: findingEvidence,
            lapsedStallEvidence: lapsedStall?.evidence)
    }

    /// The state by precedence. An open stall is within its grace here: past it, it is a
    /// non-function condition.
    private func state(nonFunction: Bool, impending: Bool) -> HealthState {
        if nonFunction { return .nonFunctional }
        if stall != nil { return .stalled }
        if impending { return .impendingFailure }
        return decided ? .functional : .unknown
    }
}

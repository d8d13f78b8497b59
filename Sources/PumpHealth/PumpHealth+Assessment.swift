extension PumpHealth {
    /// Judges the pump now.
    ///
    /// - Parameter now: the daemon's clock (µs since the Unix epoch), used only to judge an open
    ///   stall whose pump fell silent: non-function once `now` is past the stall's receipt plus
    ///   its grace. `nil` judges on the pump's clock alone.
    public func assess(now: Int64?) -> HealthAssessment {
        let stallEvidence: [EvidenceRef]? = stall.flatMap { open in
            if open.pastDeadline != nil { return open.evidence }
            if let now, now > open.silentDeadline { return open.evidence }
            return nil
        }
        let nonFunction = [endOfService, lowBatteryReset, criticalError].compactMap { $0 } + (stallEvidence ?? [])
        let impending = [electiveReplacement, impendingFailure].compactMap { $0 }
        let nonFunctionEvidence = nonFunction.isEmpty ? nil : orderedEvidence(nonFunction)
        let impendingEvidence = impending.isEmpty ? nil : orderedEvidence(impending)

        let state: HealthState
        let finding: Finding
        let findingEvidence: [EvidenceRef]
        if let nonFunctionEvidence {
            (state, finding, findingEvidence) = (.nonFunctional, .nonFunction, nonFunctionEvidence)
        } else if let impendingEvidence {
            (state, finding, findingEvidence) = (stall != nil ? .stalled : .impendingFailure, .impendingFailure, impendingEvidence)
        } else {
            let none = latestStatus.map { [$0] } ?? []
            (state, finding, findingEvidence) = (stall != nil ? .stalled : decided ? .functional : .unknown, .none, none)
        }
        return HealthAssessment(
            state: state, finding: finding, nonFunctionEvidence: nonFunctionEvidence,
            impendingEvidence: impendingEvidence, findingEvidence: findingEvidence,
            lapsedStallEvidence: lapsedStall?.evidence)
    }
}

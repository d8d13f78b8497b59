import PumpPolicy

/// Why a pump truly stopped working (the simulator's ground truth, never sent to the daemon).
package enum FailureReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The battery reached end of service.
    case endOfService = "end_of_service"
    /// The motor stalled and never recovered.
    case unrecoveredStall = "unrecovered_stall"
    /// A critical error that was never cleared.
    case criticalError = "critical_error"
    /// A low-battery reset.
    case lowBatteryReset = "low_battery_reset"
}

/// What truly happened to one simulated pump: the answer key the daemon's records are checked against.
package struct PumpTruth: Sendable, Hashable, Codable {
    /// The pump's serial.
    package var serial: String
    /// The kind of pump.
    package var kind: PumpModelKind
    /// The `at` of the first message that showed ERI, when the pump reached it before failing.
    package var reachedERIAt: SimTime?
    /// Why the pump failed, when it did within the simulated span.
    package var failure: FailureReason?
    /// When it failed.
    package var failedAt: SimTime?
    /// Motor stalls that recovered within their grace (brief ones and MRI ones): not failures.
    package var recoveredStalls: Int
    package var mriExposures: Int

    package init(serial: String, kind: PumpModelKind) {
        self.serial = serial
        self.kind = kind
        self.reachedERIAt = nil
        self.failure = nil
        self.failedAt = nil
        self.recoveredStalls = 0
        self.mriExposures = 0
    }

    /// The replacement criterion the pump's telemetry truly shows at the end.
    package var criterion: ReplacementCriterion {
        if failure != nil { return .nonFunction }
        if reachedERIAt != nil { return .impendingFailure }
        return .none
    }

    /// The state the daemon should report for the pump at the end of the run.
    package var expectedState: PumpState {
        switch criterion {
        case .nonFunction: .nonFunctional
        case .impendingFailure: .impendingFailure
        case .none: .functional
        }
    }

    /// Whether the pump only ever stalled briefly (a stall that recovered, and no failure).
    package var onlyStalledBriefly: Bool { failure == nil && recoveredStalls > 0 }
}

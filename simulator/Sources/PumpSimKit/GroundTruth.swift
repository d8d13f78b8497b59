import PumpPolicy

/// Why a pump truly stopped working (the simulator's ground truth, never sent to the daemon).
public enum FailureReason: String, Sendable, Hashable, Codable, CaseIterable {
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
public struct PumpTruth: Sendable, Hashable, Codable {
    /// The pump's serial.
    public var serial: String
    /// The kind of pump.
    public var kind: PumpModelKind
    /// The `at` of the first message that showed ERI, when the pump reached it before failing.
    public var reachedERIAt: SimTime?
    /// Why the pump failed, when it did within the simulated span.
    public var failure: FailureReason?
    /// When it failed.
    public var failedAt: SimTime?
    /// Motor stalls that recovered within their grace (brief ones and MRI ones): not failures.
    public var recoveredStalls: Int
    /// MRI exposures.
    public var mriExposures: Int

    /// Creates a truth with nothing happened yet.
    public init(serial: String, kind: PumpModelKind) {
        self.serial = serial
        self.kind = kind
        self.reachedERIAt = nil
        self.failure = nil
        self.failedAt = nil
        self.recoveredStalls = 0
        self.mriExposures = 0
    }

    /// The replacement criterion the pump's telemetry truly shows at the end.
    public var criterion: ReplacementCriterion {
        if failure != nil { return .nonFunction }
        if reachedERIAt != nil { return .impendingFailure }
        return .none
    }

    /// The state the daemon should report for the pump at the end of the run.
    public var expectedState: PumpState {
        switch criterion {
        case .nonFunction: .nonFunctional
        case .impendingFailure: .impendingFailure
        case .none: .functional
        }
    }

    /// Whether the pump only ever stalled briefly (a stall that recovered, and no failure).
    public var onlyStalledBriefly: Bool { failure == nil && recoveredStalls > 0 }
}

/// Why a pump is in its state: the condition behind `non_functional`, `impending_failure` or
/// `stalled`, as `devices` and `device` show it (`reason`) and as alerts label it.
package enum StateReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// Battery end of service (status `EOS` or alert `BATTERY_EOS`).
    case endOfService = "end_of_service"
    /// `LOW_BATTERY_RESET`.
    case lowBatteryReset = "low_battery_reset"
    /// A `CRITICAL_ERROR` not cleared.
    case criticalError = "critical_error"
    /// A motor stall not recovered within its grace.
    case motorStall = "motor_stall"
    /// Battery elective replacement indicator (status `ERI` or alert `BATTERY_ERI`).
    case batteryERI = "battery_eri"
    /// `IMPENDING_FAILURE`.
    case impendingFailure = "impending_failure"
    /// The motor is stalled, still within its grace.
    case stall
}

extension PumpHealth {
    /// The reason for `state` (as `assess(now:)` gave it): when several conditions hold, the first of
    /// end of service, low-battery reset, critical error and motor stall (non-functional), or of
    /// battery ERI and impending failure. Nil for `functional` and `unknown`.
    package func reason(for state: HealthState) -> StateReason? {
        switch state {
        case .nonFunctional:
            if endOfService != nil { return .endOfService }
            if lowBatteryReset != nil { return .lowBatteryReset }
            if criticalError != nil { return .criticalError }
            return .motorStall
        case .stalled:
            return .stall
        case .impendingFailure:
            return electiveReplacement != nil ? .batteryERI : .impendingFailure
        case .functional, .unknown:
            return nil
        }
    }
}

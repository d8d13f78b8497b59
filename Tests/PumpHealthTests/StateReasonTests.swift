import PumpHealth
import Testing

/// Why a pump is in its state, one row per case: `devices` and `device` show it, alerts label it.
struct StateReasonTests {
    static let table: [(String, [HealthSignal], HealthState, StateReason?)] = [
        ("a working pump", [status("s1", at: 0)], .functional, nil),
        ("nothing decided", [alert("a1", "MRI_EXPOSURE", at: 0)], .unknown, nil),
        ("EOS by status", [status("s1", at: 0, battery: "EOS")], .nonFunctional, .endOfService),
        (
            "EOS by alert, the latest status still MOS",
            [status("s1", at: 0), alert("a1", "BATTERY_EOS", at: hour), status("s2", at: 2 * hour)],
            .nonFunctional, .endOfService
        ),
        ("low-battery reset", [alert("a1", "LOW_BATTERY_RESET", at: 0)], .nonFunctional, .lowBatteryReset),
        ("critical error", [alert("a1", "CRITICAL_ERROR", at: 0)], .nonFunctional, .criticalError),
        (
            "a stall past its grace",
            [alert("a1", "MOTOR_STALL", at: 0), status("s1", at: 3 * hour, motor: "stalled")], .nonFunctional,
            .motorStall
        ),
        ("a stall within its grace", [alert("a1", "MOTOR_STALL", at: 0)], .stalled, .stall),
        ("ERI", [status("s1", at: 0, battery: "ERI")], .impendingFailure, .batteryERI),
        ("IMPENDING_FAILURE", [alert("a1", "IMPENDING_FAILURE", at: 0)], .impendingFailure, .impendingFailure),
        (
            "EOS and a critical error: end of service first",
            [alert("a1", "CRITICAL_ERROR", at: 0), alert("a2", "BATTERY_EOS", at: hour)], .nonFunctional,
            .endOfService
        ),
    ]

    @Test("The reason of each state", arguments: table.indices)
    func reasonFollowsTheState(row: Int) {
        let (name, signals, state, reason) = Self.table[row]
        let health = fold(signals)
        let assessed = health.assess(now: nil).state
        #expect(assessed == state, "\(name)")
        #expect(health.reason(for: assessed) == reason, "\(name)")
    }
}

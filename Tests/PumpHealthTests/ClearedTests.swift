import PumpHealth
import Testing

@Test func aClearedCriticalErrorEndsTheNonFunction() {
    let raised = fold([status("s1", at: 0), alert("c1", "CRITICAL_ERROR", at: 1 * hour)])
    #expect(raised.assess(now: nil).state == .nonFunctional)
    var health = raised
    health.apply(alert("c2", "CRITICAL_ERROR", at: 2 * hour, cleared: true))
    let assessment = health.assess(now: nil)
    #expect(assessment.state == .functional)
    #expect(assessment.finding == .none)
    #expect(assessment.nonFunctionEvidence == nil)
}

@Test func oneClearedEndsRepeatedRaisesAndANewRaiseIsItsOwnEvidence() {
    let health = fold([
        alert("c1", "CRITICAL_ERROR", at: 0),
        alert("c2", "CRITICAL_ERROR", at: 1 * hour),
        alert("cl", "CRITICAL_ERROR", at: 2 * hour, cleared: true),
    ])
    #expect(health.assess(now: nil).state == .functional)
    var again = health
    again.apply(alert("c3", "CRITICAL_ERROR", at: 3 * hour))
    #expect(ids(again.assess(now: nil).nonFunctionEvidence) == ["c3"])
}

@Test func repeatedCriticalErrorRaisesCiteTheFirst() {
    let health = fold([alert("c1", "CRITICAL_ERROR", at: 0), alert("c2", "CRITICAL_ERROR", at: 1 * hour)])
    #expect(ids(health.assess(now: nil).nonFunctionEvidence) == ["c1"])
}

@Test(
    "a cleared with no earlier raise changes nothing",
    arguments: ["CRITICAL_ERROR", "MOTOR_STALL"])
func clearedWithoutRaiseChangesNothing(code: String) {
    let fresh = fold([alert("cl", code, at: 0, cleared: true)])
    #expect(fresh.assess(now: nil).state == .unknown)
    let healthy = fold([status("s1", at: 0), alert("cl", code, at: 1 * hour, cleared: true)])
    #expect(healthy.assess(now: nil).state == .functional)
    #expect(ids(healthy.assess(now: nil).findingEvidence) == ["s1"])
}

@Test(
    "a cleared for any code other than CRITICAL_ERROR and MOTOR_STALL changes nothing",
    arguments: [
        "MOTOR_STALL_RECOVERED", "BATTERY_ERI", "BATTERY_EOS", "LOW_BATTERY_RESET", "IMPENDING_FAILURE",
        "LOW_RESERVOIR", "EMPTY_RESERVOIR", "PUMP_RESET", "MRI_EXPOSURE", "X-ACME-DOOR-OPEN",
    ])
func clearedForOtherCodesChangesNothing(code: String) {
    // Alone: not a raise, so nothing is decided.
    #expect(fold([alert("cl", code, at: 0, cleared: true)]).assess(now: nil).state == .unknown)
    // After a stall: a cleared MOTOR_STALL_RECOVERED is no recovery, a cleared MRI_EXPOSURE no exposure.
    let stalled = fold([status("s1", at: 0, motor: "stalled"), alert("cl", code, at: 1 * hour, cleared: true)])
    #expect(stalled.assess(now: nil).state == .stalled)
    #expect(stalled.silentStallDeadline == base + delivery + 2 * hour)
}

@Test func aClearedMriExposureDoesNotLengthenALaterStallsGrace() {
    let health = fold([
        alert("m1", "MRI_EXPOSURE", at: 0, cleared: true),
        alert("st", "MOTOR_STALL", at: 10 * minute),
        status("s2", at: 10 * minute + 2 * hour, motor: "stalled"),
    ])
    #expect(health.assess(now: nil).state == .nonFunctional)
}

@Test func aClearedMotorStallIsARecovery() {
    let health = fold([alert("st", "MOTOR_STALL", at: 0), alert("cl", "MOTOR_STALL", at: 30 * minute, cleared: true)])
    let assessment = health.assess(now: base + 10 * hour)
    #expect(assessment.state == .functional)
    #expect(assessment.lapsedStallEvidence == nil)
    #expect(health.silentStallDeadline == nil)
}

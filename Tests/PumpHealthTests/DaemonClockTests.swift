import PumpHealth
import Testing

@Test func aSilentPumpsStallBecomesNonFunctionOnTheDaemonClockOnlyAfterTheGrace() {
    let received = base + 3 * hour  // a gateway delivered the stall late
    let health = fold([status("s0", at: 0), alert("st", "MOTOR_STALL", at: 1 * hour, receivedAt: received)])
    #expect(health.silentStallDeadline == received + 2 * hour)
    #expect(health.assess(now: nil).state == .stalled)
    #expect(health.assess(now: received + 2 * hour).state == .stalled)
    let failed = health.assess(now: received + 2 * hour + 1)
    #expect(failed.state == .nonFunctional)
    #expect(failed.finding == .nonFunction)
    #expect(ids(failed.findingEvidence) == ["st"])
}

@Test func theDaemonClockHonoursTheMriGraceAndCitesTheExposure() {
    let health = fold([alert("mri", "MRI_EXPOSURE", at: 0), status("st", at: 20 * minute, motor: "stalled")])
    let received = base + 20 * minute + delivery
    #expect(health.silentStallDeadline == received + 24 * hour)
    #expect(health.assess(now: received + 23 * hour).state == .stalled)
    #expect(ids(health.assess(now: received + 24 * hour + 1).nonFunctionEvidence) == ["mri", "st"])
}

@Test func aRecoveryEndsTheSilentDeadline() {
    var health = fold([alert("st", "MOTOR_STALL", at: 0)])
    #expect(health.silentStallDeadline != nil)
    health.apply(status("ok", at: 1 * hour))
    #expect(health.silentStallDeadline == nil)
    #expect(health.assess(now: base + 100 * hour).state == .functional)
}

@Test func aStallAlreadyFailedOnThePumpClockNeedsNoSweep() {
    let health = fold([alert("st", "MOTOR_STALL", at: 0), alert("late", "LOW_RESERVOIR", at: 3 * hour)])
    #expect(health.silentStallDeadline == nil)
    #expect(ids(health.assess(now: base + 100 * hour).nonFunctionEvidence) == ["st", "late"])
}

@Test func theDaemonClockJudgesNothingButAnOpenStall() {
    let health = fold([status("s0", at: 0), alert("low", "LOW_RESERVOIR", at: 1 * hour)])
    #expect(health.silentStallDeadline == nil)
    #expect(health.assess(now: base + 1_000 * hour).state == .functional)
}

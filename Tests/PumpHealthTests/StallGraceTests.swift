import PumpHealth
import Testing

@Test func anMriStallRecoveringAfterTenHoursIsNotAFailure() {
    let signals = [
        status("s0", at: 0),
        alert("mri", "MRI_EXPOSURE", at: 1 * hour),
        alert("st", "MOTOR_STALL", at: 1 * hour + 30 * minute),
        status("s1", at: 6 * hour, motor: "stalled"),
    ]
    let stalled = fold(signals)
    #expect(stalled.assess(now: base + 9 * hour).state == .stalled)
    #expect(stalled.assess(now: base + 9 * hour).finding == .none)
    var recovered = stalled
    recovered.apply(alert("rec", "MOTOR_STALL_RECOVERED", at: 11 * hour + 30 * minute))
    let assessment = recovered.assess(now: base + 12 * hour)
    #expect(assessment.state == .functional)
    #expect(assessment.finding == .none)
    #expect(assessment.lapsedStallEvidence == nil)
    #expect(ids(assessment.findingEvidence) == ["s1"])
}

@Test func aPlainStallRecoveringAfterThreeHoursIsAFailureShownByALaterMessage() {
    var health = fold([status("s0", at: 0), alert("st", "MOTOR_STALL", at: 1 * hour)])
    #expect(health.assess(now: nil).state == .stalled)
    health.apply(status("s1", at: 3 * hour + 30 * minute, motor: "stalled"))
    let failed = health.assess(now: nil)
    #expect(failed.state == .nonFunctional)
    #expect(failed.finding == .nonFunction)
    #expect(ids(failed.findingEvidence) == ["st", "s1"])
    // It recovers 3 hours after it began: functional again, the lapse stays visible.
    health.apply(alert("rec", "MOTOR_STALL_RECOVERED", at: 4 * hour))
    let recovered = health.assess(now: nil)
    #expect(recovered.state == .functional)
    #expect(recovered.finding == .none)
    #expect(ids(recovered.lapsedStallEvidence) == ["st", "s1"])
}

@Test func aRecoveryThatIsTheFirstMessagePastTheDeadlineStillShowsTheLapse() {
    let health = fold([alert("st", "MOTOR_STALL", at: 0), status("ok", at: 3 * hour, motor: "ok")])
    let assessment = health.assess(now: nil)
    #expect(assessment.state == .functional)
    #expect(ids(assessment.lapsedStallEvidence) == ["st", "ok"])
}

@Test(
    "a recovery stamped exactly at the deadline counts",
    arguments: [
        alert("rec", "MOTOR_STALL_RECOVERED", at: 2 * hour),
        alert("rec", "MOTOR_STALL", at: 2 * hour, cleared: true),
        status("rec", at: 2 * hour, motor: "ok"),
    ])
func aRecoveryExactlyAtTheDeadlineCounts(recovery: HealthSignal) {
    let health = fold([alert("st", "MOTOR_STALL", at: 0), recovery])
    let assessment = health.assess(now: nil)
    #expect(assessment.state == .functional)
    #expect(assessment.lapsedStallEvidence == nil)
    #expect(assessment.nonFunctionEvidence == nil)
}

@Test(
    "any message exactly at the deadline that is not a recovery makes the stall non-function",
    arguments: [
        status("late", at: 2 * hour, motor: "stalled"),
        status("late", at: 2 * hour, motor: "none"),
        alert("late", "MOTOR_STALL", at: 2 * hour),
        alert("late", "LOW_RESERVOIR", at: 2 * hour),
        alert("late", "X-ACME-PING", at: 2 * hour),
        alert("late", "BATTERY_ERI", at: 2 * hour, cleared: true),
        alert("late", "MOTOR_STALL_RECOVERED", at: 2 * hour, cleared: true),
    ])
func aNonRecoveryMessageExactlyAtTheDeadlineFails(message: HealthSignal) {
    let health = fold([status("st", at: 0, motor: "stalled"), message])
    let assessment = health.assess(now: nil)
    #expect(assessment.state == .nonFunctional)
    #expect(ids(assessment.nonFunctionEvidence) == ["st", "late"])
    #expect(health.silentStallDeadline == nil)
}

@Test func aMessageOneMicrosecondBeforeTheDeadlineLeavesTheStallWithinGrace() {
    let health = fold([alert("st", "MOTOR_STALL", at: 0), status("s1", at: 2 * hour - 1, motor: "stalled")])
    #expect(health.assess(now: nil).state == .stalled)
}

@Test func repeatedStallSignalsDoNotRestartTheEpisode() {
    let health = fold([
        alert("st", "MOTOR_STALL", at: 0),
        alert("st2", "MOTOR_STALL", at: 1 * hour),
        status("s1", at: 1 * hour + 30 * minute, motor: "stalled"),
        status("s2", at: 2 * hour, motor: "stalled"),
    ])
    let assessment = health.assess(now: nil)
    #expect(assessment.state == .nonFunctional)
    #expect(ids(assessment.nonFunctionEvidence) == ["st", "s2"])
}

@Test func aStallAfterARecoveryBeginsANewEpisode() {
    let health = fold([
        alert("st1", "MOTOR_STALL", at: 0),
        alert("rec", "MOTOR_STALL_RECOVERED", at: 1 * hour),
        alert("st2", "MOTOR_STALL", at: 1 * hour + 30 * minute),
        status("s1", at: 3 * hour, motor: "stalled"),
    ])
    #expect(health.assess(now: nil).state == .stalled)
    #expect(health.silentStallDeadline == base + 1 * hour + 30 * minute + delivery + 2 * hour)
}

@Test func aLapsedStallStaysNonFunctionUntilItRecovers() {
    var health = fold([alert("st", "MOTOR_STALL", at: 0), alert("late", "PUMP_RESET", at: 5 * hour)])
    health.apply(status("s1", at: 6 * hour, motor: "stalled"))
    #expect(ids(health.assess(now: nil).nonFunctionEvidence) == ["st", "late"])
    health.apply(status("s2", at: 7 * hour, motor: "ok"))
    #expect(health.assess(now: nil).state == .functional)
    health.apply(alert("st2", "MOTOR_STALL", at: 8 * hour))
    let again = health.assess(now: nil)
    #expect(again.state == .stalled)
    #expect(ids(again.lapsedStallEvidence) == ["st", "late"])
}

struct MRIWindowRow: Sendable, CustomStringConvertible {
    let stallAfterExposure: Int64
    let grace: Int64
    var description: String { "stall \(stallAfterExposure)us after the exposure" }
}

@Test(
    "the MRI grace applies to a stall 0 to 60 minutes (closed) after the exposure",
    arguments: [
        MRIWindowRow(stallAfterExposure: 0, grace: 24 * hour),
        MRIWindowRow(stallAfterExposure: 30 * minute, grace: 24 * hour),
        MRIWindowRow(stallAfterExposure: 60 * minute, grace: 24 * hour),
        MRIWindowRow(stallAfterExposure: 60 * minute + 1, grace: 2 * hour),
        MRIWindowRow(stallAfterExposure: 5 * hour, grace: 2 * hour),
    ])
func mriWindowEdgesDecideTheGrace(row: MRIWindowRow) {
    let stallAt = 1 * hour + row.stallAfterExposure
    let start = [
        status("s0", at: 0),
        alert("mri", "MRI_EXPOSURE", at: 1 * hour),
        status("st", at: stallAt, motor: "stalled"),
    ]
    let stalled = fold(start)
    #expect(stalled.silentStallDeadline == base + stallAt + delivery + row.grace)

    let justInside = fold(start + [status("in", at: stallAt + row.grace - 1, motor: "stalled")])
    #expect(justInside.assess(now: nil).state == .stalled)

    let atDeadline = fold(start + [status("late", at: stallAt + row.grace, motor: "stalled")]).assess(now: nil)
    #expect(atDeadline.state == .nonFunctional)
    let expected = row.grace == 24 * hour ? ["mri", "st", "late"] : ["st", "late"]
    #expect(ids(atDeadline.nonFunctionEvidence) == expected)
}

@Test func anExposureStampedAtTheStallsOwnAtButAppliedAfterItStillLengthensTheGrace() {
    let health = fold([
        alert("st", "MOTOR_STALL", at: 0),
        alert("mri", "MRI_EXPOSURE", at: 0),
        status("s1", at: 10 * hour, motor: "stalled"),
    ])
    #expect(health.assess(now: nil).state == .stalled)
    #expect(health.silentStallDeadline == base + delivery + 24 * hour)
}

@Test func theLatestExposureBeforeTheStallIsTheOneCited() {
    let health = fold([
        alert("mri1", "MRI_EXPOSURE", at: 0),
        alert("mri2", "MRI_EXPOSURE", at: 30 * minute),
        alert("st", "MOTOR_STALL", at: 80 * minute),
        status("late", at: 80 * minute + 24 * hour, motor: "stalled"),
    ])
    #expect(ids(health.assess(now: nil).nonFunctionEvidence) == ["mri2", "st", "late"])
}

@Test func customRulesAreHonoured() {
    let rules = StallRules(stallGrace: 10 * minute, mriStallGrace: 1 * hour, mriWindow: 5 * minute)
    let plain = fold(
        [alert("st", "MOTOR_STALL", at: 0), status("s1", at: 10 * minute, motor: "stalled")], rules: rules)
    #expect(plain.assess(now: nil).state == .nonFunctional)
    let mri = fold(
        [
            alert("mri", "MRI_EXPOSURE", at: 0),
            alert("st", "MOTOR_STALL", at: 5 * minute),
            status("s1", at: 64 * minute, motor: "stalled"),
        ], rules: rules)
    #expect(mri.assess(now: nil).state == .stalled)
}

@Test func anExposureIsRememberedUntilTheLastMomentAStallCouldUseIt() {
    let health = fold([
        alert("mri", "MRI_EXPOSURE", at: 0),
        status("s1", at: 60 * minute),
        alert("st", "MOTOR_STALL", at: 60 * minute),
        status("s2", at: 60 * minute + 10 * hour, motor: "stalled"),
    ])
    #expect(health.assess(now: nil).state == .stalled)
    #expect(health.silentStallDeadline == base + 60 * minute + delivery + 24 * hour)
}

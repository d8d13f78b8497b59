import PumpHealth
import Testing

/// One row per alert code of the protocol's table (and a vendor code): what a raised alert does
/// to a pump whose last status was healthy.
struct CodeRow: Sendable, CustomStringConvertible {
    let code: String
    let state: HealthState
    let finding: Finding
    var description: String { code }
}

let codeTable: [CodeRow] = [
    CodeRow(code: "MOTOR_STALL", state: .stalled, finding: .none),
    CodeRow(code: "MOTOR_STALL_RECOVERED", state: .functional, finding: .none),
    CodeRow(code: "CRITICAL_ERROR", state: .nonFunctional, finding: .nonFunction),
    CodeRow(code: "BATTERY_ERI", state: .impendingFailure, finding: .impendingFailure),
    CodeRow(code: "BATTERY_EOS", state: .nonFunctional, finding: .nonFunction),
    CodeRow(code: "LOW_BATTERY_RESET", state: .nonFunctional, finding: .nonFunction),
    CodeRow(code: "IMPENDING_FAILURE", state: .impendingFailure, finding: .impendingFailure),
    CodeRow(code: "LOW_RESERVOIR", state: .functional, finding: .none),
    CodeRow(code: "EMPTY_RESERVOIR", state: .functional, finding: .none),
    CodeRow(code: "PUMP_RESET", state: .functional, finding: .none),
    CodeRow(code: "MRI_EXPOSURE", state: .functional, finding: .none),
    CodeRow(code: "X-ACME-DOOR-OPEN", state: .functional, finding: .none),
]

@Test(
    "each protocol alert code, raised after a healthy status, gives the table's state and finding",
    arguments: codeTable)
func raisedAlertCodeGivesTheTablesStateAndFinding(row: CodeRow) {
    let health = fold([status("s1", at: 0), alert("a1", row.code, at: 10 * minute)])
    let assessment = health.assess(now: base + 10 * minute + delivery)
    #expect(assessment.state == row.state)
    #expect(assessment.finding == row.finding)
    switch row.finding {
    case .nonFunction:
        #expect(ids(assessment.findingEvidence) == ["a1"])
        #expect(ids(assessment.nonFunctionEvidence) == ["a1"])
    case .impendingFailure:
        #expect(ids(assessment.findingEvidence) == ["a1"])
        #expect(ids(assessment.impendingEvidence) == ["a1"])
    case .none:
        #expect(ids(assessment.findingEvidence) == ["s1"])
        #expect(assessment.nonFunctionEvidence == nil)
        #expect(assessment.impendingEvidence == nil)
    }
}

@Test(
    "alerts that are not failures decide nothing for a pump that never reported a status",
    arguments: [
        "MOTOR_STALL_RECOVERED", "LOW_RESERVOIR", "EMPTY_RESERVOIR", "PUMP_RESET", "MRI_EXPOSURE",
        "X-ACME-DOOR-OPEN",
    ])
func nonFailureAlertAloneLeavesThePumpUnknown(code: String) {
    let assessment = fold([alert("a1", code, at: 0)]).assess(now: nil)
    #expect(assessment.state == .unknown)
    #expect(assessment.finding == .none)
    #expect(assessment.findingEvidence.isEmpty)
}

@Test(
    "a failure alert decides the state even without any status",
    arguments: codeTable.filter { $0.finding != .none || $0.code == "MOTOR_STALL" })
func failureAlertAloneDecidesTheState(row: CodeRow) {
    let assessment = fold([alert("a1", row.code, at: 0)]).assess(now: nil)
    #expect(assessment.state == row.state)
    #expect(assessment.finding == row.finding)
}

@Test func aPumpThatSentNothingIsUnknownWithNoEvidence() {
    let health = PumpHealth()
    let assessment = health.assess(now: base)
    #expect(
        assessment
            == HealthAssessment(
                state: .unknown, finding: .none, nonFunctionEvidence: nil, impendingEvidence: nil, findingEvidence: []))
    #expect(health.latestAt == nil)
    #expect(health.silentStallDeadline == nil)
}

@Test func eachMessageIsBelievedOnItsOwn() {
    let stalledWithoutMotor = fold([
        status("s1", at: 0, battery: nil, motor: "none"), alert("a1", "MOTOR_STALL", at: 1),
    ])
    #expect(stalledWithoutMotor.assess(now: nil).state == .stalled)
    let eriWithoutBattery = fold([status("s1", at: 0, battery: nil, motor: "none"), alert("a1", "BATTERY_ERI", at: 1)])
    #expect(eriWithoutBattery.assess(now: nil).finding == .impendingFailure)
}

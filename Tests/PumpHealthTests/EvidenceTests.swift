import PumpHealth
import Testing

struct EvidenceRow: Sendable, CustomStringConvertible {
    let name: String
    let signals: [HealthSignal]
    let finding: Finding
    let evidence: [String]
    var description: String { name }
}

@Test(
    "each criterion cites the message that first showed it",
    arguments: [
        EvidenceRow(
            name: "status EOS",
            signals: [
                status("s0", at: 0), status("e1", at: 1, battery: "EOS"),
                status("e2", at: 2, battery: "EOS"),
            ],
            finding: .nonFunction, evidence: ["e1"]),
        EvidenceRow(
            name: "BATTERY_EOS then status EOS",
            signals: [alert("e1", "BATTERY_EOS", at: 1), status("e2", at: 2, battery: "EOS")],
            finding: .nonFunction, evidence: ["e1"]),
        EvidenceRow(
            name: "LOW_BATTERY_RESET",
            signals: [
                alert("l1", "LOW_BATTERY_RESET", at: 1),
                alert("l2", "LOW_BATTERY_RESET", at: 2),
            ],
            finding: .nonFunction, evidence: ["l1"]),
        EvidenceRow(
            name: "CRITICAL_ERROR",
            signals: [
                alert("c1", "CRITICAL_ERROR", at: 1),
                alert("c2", "CRITICAL_ERROR", at: 2),
            ],
            finding: .nonFunction, evidence: ["c1"]),
        EvidenceRow(
            name: "status ERI then BATTERY_ERI",
            signals: [status("r1", at: 1, battery: "ERI"), alert("r2", "BATTERY_ERI", at: 2)],
            finding: .impendingFailure, evidence: ["r1"]),
        EvidenceRow(
            name: "IMPENDING_FAILURE",
            signals: [
                alert("i1", "IMPENDING_FAILURE", at: 1),
                alert("i2", "IMPENDING_FAILURE", at: 2),
            ],
            finding: .impendingFailure, evidence: ["i1"]),
        EvidenceRow(
            name: "ERI and IMPENDING_FAILURE together, by at",
            signals: [alert("i1", "IMPENDING_FAILURE", at: 1), status("r1", at: 2, battery: "ERI")],
            finding: .impendingFailure, evidence: ["i1", "r1"]),
        EvidenceRow(
            name: "plain stall on the pump clock",
            signals: [
                alert("st", "MOTOR_STALL", at: 0), status("s1", at: 1 * hour, motor: "stalled"),
                alert("late", "PUMP_RESET", at: 2 * hour + 1), status("s2", at: 3 * hour, motor: "stalled"),
            ],
            finding: .nonFunction, evidence: ["st", "late"]),
        EvidenceRow(
            name: "MRI stall on the pump clock",
            signals: [
                alert("mri", "MRI_EXPOSURE", at: 0), status("st", at: 1 * hour, motor: "stalled"),
                status("late", at: 25 * hour, motor: "stalled"),
            ],
            finding: .nonFunction, evidence: ["mri", "st", "late"]),
        EvidenceRow(
            name: "several non-function conditions, by at",
            signals: [
                alert("st", "MOTOR_STALL", at: 0), alert("c1", "CRITICAL_ERROR", at: 1 * hour),
                status("late", at: 2 * hour, battery: "EOS", motor: "stalled"),
            ],
            finding: .nonFunction, evidence: ["st", "c1", "late"]),
        EvidenceRow(
            name: "none: the latest status",
            signals: [status("s1", at: 0), status("s2", at: 1), alert("low", "LOW_RESERVOIR", at: 2)],
            finding: .none, evidence: ["s2"]),
        EvidenceRow(
            name: "none without any status",
            signals: [alert("st", "MOTOR_STALL", at: 0)],
            finding: .none, evidence: []),
    ])
func evidenceCitesTheFirstMessageThatShowedEachCriterion(row: EvidenceRow) {
    let assessment = fold(row.signals).assess(now: nil)
    #expect(assessment.finding == row.finding)
    #expect(ids(assessment.findingEvidence) == row.evidence)
}

@Test func evidenceCarriesTheMessagesOwnStamp() {
    let assessment = fold([alert("c1", "CRITICAL_ERROR", at: 42)]).assess(now: nil)
    #expect(
        assessment.findingEvidence == [
            EvidenceRef(messageID: "c1", kind: .alert, code: "CRITICAL_ERROR", at: base + 42, atText: text(42))
        ])
    let statusEvidence = fold([status("s1", at: 7, battery: "EOS")]).assess(now: nil).findingEvidence
    #expect(statusEvidence == [EvidenceRef(messageID: "s1", kind: .status, at: base + 7, atText: text(7))])
}

@Test func aMessageThatShowsTwoConditionsIsCitedOnce() {
    let assessment = fold([
        status("s1", at: 0, battery: "EOS", motor: "stalled"),
        status("s2", at: 2 * hour, battery: "EOS", motor: "stalled"),
    ]).assess(now: nil)
    #expect(ids(assessment.nonFunctionEvidence) == ["s1", "s2"])
}

struct PrecedenceRow: Sendable, CustomStringConvertible {
    let name: String
    let signals: [HealthSignal]
    let state: HealthState
    let finding: Finding
    var description: String { name }
}

@Test(
    "state precedence: non_functional > stalled > impending_failure > functional > unknown",
    arguments: [
        PrecedenceRow(name: "nothing", signals: [], state: .unknown, finding: .none),
        PrecedenceRow(name: "healthy", signals: [status("s", at: 0)], state: .functional, finding: .none),
        PrecedenceRow(
            name: "ERI", signals: [status("s", at: 0, battery: "ERI")],
            state: .impendingFailure, finding: .impendingFailure),
        PrecedenceRow(
            name: "ERI and a stall within grace", signals: [status("s", at: 0, battery: "ERI", motor: "stalled")],
            state: .stalled, finding: .impendingFailure),
        PrecedenceRow(
            name: "a stall within grace", signals: [alert("st", "MOTOR_STALL", at: 0)],
            state: .stalled, finding: .none),
        PrecedenceRow(
            name: "critical error and a stall within grace",
            signals: [alert("st", "MOTOR_STALL", at: 0), alert("c", "CRITICAL_ERROR", at: 1)],
            state: .nonFunctional, finding: .nonFunction),
        PrecedenceRow(
            name: "EOS and IMPENDING_FAILURE",
            signals: [alert("i", "IMPENDING_FAILURE", at: 0), alert("e", "BATTERY_EOS", at: 1)],
            state: .nonFunctional, finding: .nonFunction),
        PrecedenceRow(
            name: "lapsed stall and ERI",
            signals: [
                status("s", at: 0, battery: "ERI", motor: "stalled"),
                status("t", at: 3 * hour, battery: "ERI", motor: "stalled"),
            ],
            state: .nonFunctional, finding: .nonFunction),
    ])
func statePrecedence(row: PrecedenceRow) {
    let assessment = fold(row.signals).assess(now: nil)
    #expect(assessment.state == row.state)
    #expect(assessment.finding == row.finding)
}

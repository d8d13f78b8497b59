import PumpHealth
import Testing

struct BatteryRow: Sendable, CustomStringConvertible {
    let battery: String?
    let motor: String
    let state: HealthState
    let finding: Finding
    var description: String { "\(battery ?? "null")/\(motor)" }
}

@Test(
    "a status alone: its battery and motor words decide the state",
    arguments: [
        BatteryRow(battery: "BOS", motor: "ok", state: .functional, finding: .none),
        BatteryRow(battery: "MOS", motor: "ok", state: .functional, finding: .none),
        BatteryRow(battery: "ERI", motor: "ok", state: .impendingFailure, finding: .impendingFailure),
        BatteryRow(battery: "EOS", motor: "ok", state: .nonFunctional, finding: .nonFunction),
        BatteryRow(battery: nil, motor: "none", state: .functional, finding: .none),
        BatteryRow(battery: "MOS", motor: "none", state: .functional, finding: .none),
        BatteryRow(battery: "MOS", motor: "stalled", state: .stalled, finding: .none),
        BatteryRow(battery: "ERI", motor: "stalled", state: .stalled, finding: .impendingFailure),
        BatteryRow(battery: "EOS", motor: "stalled", state: .nonFunctional, finding: .nonFunction),
    ])
func statusBatteryAndMotorDecideTheState(row: BatteryRow) {
    let assessment = fold([status("s1", at: 0, battery: row.battery, motor: row.motor)]).assess(now: nil)
    #expect(assessment.state == row.state)
    #expect(assessment.finding == row.finding)
    #expect(ids(assessment.findingEvidence) == ["s1"])
}

struct StickyRow: Sendable, CustomStringConvertible {
    let name: String
    let first: HealthSignal
    let finding: Finding
    var description: String { name }
}

@Test(
    "sticky conditions survive better readings, cleared alerts and recoveries",
    arguments: [
        StickyRow(name: "status EOS", first: status("x", at: 0, battery: "EOS"), finding: .nonFunction),
        StickyRow(name: "BATTERY_EOS", first: alert("x", "BATTERY_EOS", at: 0), finding: .nonFunction),
        StickyRow(name: "LOW_BATTERY_RESET", first: alert("x", "LOW_BATTERY_RESET", at: 0), finding: .nonFunction),
        StickyRow(name: "status ERI", first: status("x", at: 0, battery: "ERI"), finding: .impendingFailure),
        StickyRow(name: "BATTERY_ERI", first: alert("x", "BATTERY_ERI", at: 0), finding: .impendingFailure),
        StickyRow(name: "IMPENDING_FAILURE", first: alert("x", "IMPENDING_FAILURE", at: 0), finding: .impendingFailure),
    ])
func stickyConditionsSurviveBetterReadings(row: StickyRow) {
    let code = row.first.code ?? "BATTERY_EOS"
    let health = fold([
        row.first,
        status("s-bos", at: 1 * hour, battery: "BOS"),
        alert("clear", code, at: 2 * hour, cleared: true),
        alert("recovered", "MOTOR_STALL_RECOVERED", at: 3 * hour),
        alert("reset", "PUMP_RESET", at: 4 * hour),
        status("s-mos", at: 5 * hour, battery: "MOS"),
    ])
    let assessment = health.assess(now: nil)
    #expect(assessment.finding == row.finding)
    #expect(ids(assessment.findingEvidence) == ["x"])
}

@Test func eosOutranksEriAndBothEvidenceListsAreKept() {
    let assessment = fold([
        status("s1", at: 0, battery: "ERI"),
        status("s2", at: 1 * hour, battery: "EOS"),
    ]).assess(now: nil)
    #expect(assessment.state == .nonFunctional)
    #expect(assessment.finding == .nonFunction)
    #expect(ids(assessment.nonFunctionEvidence) == ["s2"])
    #expect(ids(assessment.impendingEvidence) == ["s1"])
    #expect(ids(assessment.findingEvidence) == ["s2"])
}

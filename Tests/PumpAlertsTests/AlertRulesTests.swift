import PumpAlerts
import PumpControlProtocol
import Testing

/// Issue 13's alert table, one row per case.
struct AlertRulesTests {
    static let t0: Int64 = 1_795_000_000_000_000
    static let eos = RecordMark(id: "R-000002", clause: "MN.replacement.non_function", evidence: ["m1", "m2"])
    static let eri = RecordMark(id: "R-000001", clause: "MN.replacement.impending_failure", evidence: ["m0"])

    static func pump(
        state: String, reason: String? = nil, open: [String: OpenAlertMark] = [:], lastSeen: Int64? = t0
    ) -> PumpAlertInput {
        PumpAlertInput(
            serial: "SM2-000001", model: "SynchroMed II", state: state, reason: reason, stateSince: t0,
            openAlerts: open, nonFunctionRecord: eos, impendingRecord: eri, lastSeen: lastSeen, lastMessageID: "m9")
    }

    static let empty = ["EMPTY_RESERVOIR": OpenAlertMark(messageID: "a1", receivedAt: t0 + 5)]
    static let low = ["LOW_RESERVOIR": OpenAlertMark(messageID: "a2", receivedAt: t0 + 6)]

    /// (the pump, silence threshold in s or nil, seconds after its last message, the alerts that fire).
    static let table: [(PumpAlertInput, Int64?, Int64, Set<AlertName>)] = [
        (pump(state: "functional"), nil, 10, []),
        (pump(state: "unknown", lastSeen: nil), 60, 1000, []),
        (pump(state: "stalled", reason: "stall"), nil, 10, []),
        (pump(state: "impending_failure", reason: "battery_eri"), nil, 10, [.pumpImpendingFailure]),
        (pump(state: "non_functional", reason: "end_of_service"), nil, 10, [.pumpNonFunctional]),
        (
            pump(state: "non_functional", reason: "motor_stall", open: empty), nil, 10,
            [.pumpNonFunctional, .pumpReservoirEmpty]
        ),
        (pump(state: "functional", open: low), nil, 10, [.pumpReservoirLow]),
        (
            pump(state: "functional", open: empty.merging(low) { a, _ in a }), nil, 10,
            [.pumpReservoirEmpty, .pumpReservoirLow]
        ),
        (pump(state: "functional"), 60, 60, []),
        (pump(state: "functional"), 60, 61, [.pumpSilent]),
        (pump(state: "functional"), nil, 1_000_000, []),
        (pump(state: "retired", reason: "explanted", open: empty), 60, 1000, []),
    ]

    @Test("The alert table", arguments: table.indices)
    func alertsFollowTheTable(row: Int) {
        let (pump, threshold, after, expected) = Self.table[row]
        let alerts = AlertRules.alerts(
            for: pump, now: Self.t0 + after * 1_000_000, silenceThreshold: threshold.map { $0 * 1_000_000 })
        #expect(Set(alerts.keys) == expected)
        for (name, alert) in alerts {
            #expect(alert.alertname == name)
            #expect(alert.status == .firing)
            #expect(alert.endsAt == nil)
            #expect(alert.severity == name.severity)
            #expect(alert.serial == "SM2-000001")
            #expect(alert.command == "pumpctl device SM2-000001")
            #expect(!alert.summary.contains("\n"))
        }
    }

    @Test func nonFunctionalCarriesItsRecordClauseEvidenceAndReason() throws {
        let alerts = AlertRules.alerts(
            for: Self.pump(state: "non_functional", reason: "end_of_service"), now: Self.t0, silenceThreshold: nil)
        let alert = try #require(alerts[.pumpNonFunctional])
        #expect(alert.severity == "critical")
        #expect(alert.reason == "end_of_service")
        #expect(alert.clause == "MN.replacement.non_function")
        #expect(alert.recordID == "R-000002")
        #expect(alert.evidence == ["m1", "m2"])
        #expect(alert.model == "SynchroMed II")
        #expect(alert.startsAt == "2026-11-18T11:06:40.000Z")
        #expect(
            alert.summary
                == "Pump SM2-000001 (SynchroMed II) is not functioning (end of service): no drug may be delivered")
    }

    @Test func impendingFailureCarriesTheImpendingRecord() throws {
        let alerts = AlertRules.alerts(
            for: Self.pump(state: "impending_failure", reason: "battery_eri"), now: Self.t0, silenceThreshold: nil)
        let alert = try #require(alerts[.pumpImpendingFailure])
        #expect(alert.severity == "warning")
        #expect(alert.recordID == "R-000001")
        #expect(alert.clause == "MN.replacement.impending_failure")
        #expect(alert.reason == "battery_eri")
    }

    @Test func reservoirAlertsCiteTheirMessageAndItsReceipt() throws {
        let alerts = AlertRules.alerts(
            for: Self.pump(state: "functional", open: Self.empty), now: Self.t0, silenceThreshold: nil)
        let alert = try #require(alerts[.pumpReservoirEmpty])
        #expect(alert.severity == "critical")
        #expect(alert.reason == "EMPTY_RESERVOIR")
        #expect(alert.evidence == ["a1"])
        #expect(alert.clause == nil)
        #expect(alert.recordID == nil)
        #expect(alert.startsAt == "2026-11-18T11:06:40.000Z")
    }

    @Test func silentStartsWhenTheThresholdPassed() throws {
        let alerts = AlertRules.alerts(
            for: Self.pump(state: "functional"), now: Self.t0 + 200_000_000, silenceThreshold: 120_000_000)
        let alert = try #require(alerts[.pumpSilent])
        #expect(alert.reason == "silent")
        #expect(alert.evidence == ["m9"])
        #expect(alert.startsAt == "2026-11-18T11:08:40.000Z")
        #expect(alert.summary.contains("more than 2 min"))
    }
}

import PumpControlProtocol
import PumpStore
import Testing

@testable import PumpDaemon

/// The HL7 outbox's rule: queue a transition only where the board and the outbox's last queued
/// status differ, so a restart queues nothing twice and a crash before the outbox write loses nothing.
@Suite struct AlertReportPlanTests {
    static let now: Int64 = 1_795_863_600_000_000

    static func alert(_ name: AlertName, _ serial: String, _ status: AlertDocument.Status = .firing) -> AlertDocument {
        AlertDocument(
            alertname: name, status: status, serial: serial, model: "SynchroMed II", reason: "end_of_service",
            clause: nil, summary: "\(serial) \(name.rawValue)", recordID: nil, evidence: [], command: "",
            startsAt: "2026-11-28T10:00:00Z", endsAt: status == .resolved ? "2026-11-28T10:30:00Z" : nil)
    }

    static func key(_ name: AlertName, _ serial: String) -> OutboxAlertKey {
        OutboxAlertKey(alertname: name.rawValue, serial: serial)
    }

    @Test func aStartQueuesTheFiringAlertsNotQueuedAndResolvesThoseNoLongerFiring() {
        let firing: [String: [AlertName: AlertDocument]] = [
            "A": [.pumpNonFunctional: Self.alert(.pumpNonFunctional, "A")],  // queued firing already
            "B": [
                .pumpReservoirEmpty: Self.alert(.pumpReservoirEmpty, "B"),  // lost between commit and outbox
                .pumpReservoirLow: Self.alert(.pumpReservoirLow, "B"),  // not reported over HL7
            ],
            "D": [.pumpImpendingFailure: Self.alert(.pumpImpendingFailure, "D")],  // resolved earlier, firing again
        ]
        let last: [OutboxAlertKey: String] = [
            Self.key(.pumpNonFunctional, "A"): "firing",
            Self.key(.pumpNonFunctional, "C"): "firing",  // resolved while the daemon was down
            Self.key(.pumpImpendingFailure, "D"): "resolved",
            Self.key(.pumpReservoirEmpty, "E"): "resolved",
        ]
        let reports = AlertReportPlan.reconcile(firing: firing, lastQueued: last, now: Self.now)
        #expect(
            reports.map { "\($0.serial) \($0.alertname) \($0.status)" } == [
                "B PumpReservoirEmpty firing", "D PumpImpendingFailure firing", "C PumpNonFunctional resolved",
            ])
        #expect(reports[0].eventMicros == 1_795_860_000_000_000)  // its startsAt
        #expect(reports[2].eventMicros == Self.now)
        #expect(reports[2].severity == "critical")
    }

    @Test func aSecondStartWithTheOutboxUpToDateQueuesNothing() {
        let firing: [String: [AlertName: AlertDocument]] = [
            "A": [.pumpNonFunctional: Self.alert(.pumpNonFunctional, "A")]
        ]
        let first = AlertReportPlan.reconcile(firing: firing, lastQueued: [:], now: Self.now)
        var last: [OutboxAlertKey: String] = [:]
        for report in first { last[report.outboxKey] = report.status }
        #expect(first.count == 1)
        #expect(AlertReportPlan.reconcile(firing: firing, lastQueued: last, now: Self.now).isEmpty)
    }

    @Test func aChangeIsQueuedOnlyWhenItFlipsTheLastQueuedStatus() {
        let firing = Self.alert(.pumpNonFunctional, "A")
        let resolved = Self.alert(.pumpNonFunctional, "A", .resolved)
        #expect(AlertReportPlan.report(for: firing, lastQueued: nil, now: Self.now)?.ended == false)
        #expect(AlertReportPlan.report(for: firing, lastQueued: "resolved", now: Self.now)?.ended == false)
        #expect(AlertReportPlan.report(for: firing, lastQueued: "firing", now: Self.now) == nil)
        #expect(AlertReportPlan.report(for: resolved, lastQueued: nil, now: Self.now) == nil)
        let end = AlertReportPlan.report(for: resolved, lastQueued: "firing", now: Self.now)
        #expect(end?.ended == true)
        #expect(end?.eventMicros == 1_795_861_800_000_000)  // its endsAt
        #expect(AlertReportPlan.report(for: Self.alert(.pumpSilent, "A"), lastQueued: nil, now: Self.now) == nil)
    }
}

import Foundation
import PumpCtlKit
import PumpTesting
import Testing

/// What the control side's writes do to the store, through the real daemon: enrolling a pump never
/// seen, enrolling again, and a replacement request citing the telemetry it relied on.
@Suite("Against the real daemon: enrollment and requests")
struct LiveEnrollmentTests {
    static let spasticity = [
        "--patient", "MRN-1", "--indication", "spasticity", "--drug", "baclofen", "--route", "intrathecal",
        "--severe-refractory", "true", "--oral-baclofen-failed", "true",
    ]

    @Test func enrollingAPumpNeverSeenCreatesItAndItsTelemetryJoinsLater() throws {
        let daemon = try LiveDaemon()
        #expect(daemon.pumpctl(["device", "SM2-000050"]).exitCode == 66)
        let record = try decode(daemon.pumpctlOK(["enroll", "SM2-000050"] + Self.spasticity + ["--json"]))
        #expect(record["id"] as? String == "R-000001")
        #expect(record["determination"] as? String == "medically_necessary")
        #expect(record["clause"] as? String == "MN.indication.3")

        var device = try decode(daemon.pumpctlOK(["device", "SM2-000050", "--json"]))
        #expect(device["state"] as? String == "unknown")
        #expect(device["last_seen"] is NSNull)
        #expect(device["model"] is NSNull)
        #expect((device["therapy"] as? [String: Any])?["patient"] as? String == "MRN-1")
        #expect(daemon.pumpctlOK(["events", "SM2-000050"]) == "No messages from this pump.\n")

        try daemon.ingest([
            #"{"v":1,"id":"s1","serial":"SM2-000050","kind":"status","at":"2026-01-05T08:00:00Z","model":"SynchroMed II","battery":{"state":"BOS"},"motor":"ok"}"#
        ])
        device = try decode(daemon.pumpctlOK(["device", "SM2-000050", "--json"]))
        #expect(device["state"] as? String == "functional")
        #expect(device["model"] as? String == "SynchroMed II")
        #expect(device["last_seen"] is String)
        #expect((device["therapy"] as? [String: Any])?["indication"] as? String == "spasticity")
        #expect(try decode(daemon.pumpctlOK(["status", "--json"]))["pumps"] as? Int == 1)
    }

    @Test func enrollingAgainReplacesTheTherapyAndKeepsTheEarlierAssessment() throws {
        let daemon = try LiveDaemon.withFleet()
        let before = try records(daemon, serial: "SM2-004211")
        let again = try decode(
            daemon.pumpctlOK([
                "enroll", "SM2-004211", "--patient", "MRN-55512", "--indication", "spasticity", "--drug", "baclofen",
                "--route", "intrathecal", "--severe-refractory", "true", "--oral-baclofen-failed", "false", "--json",
            ]))
        #expect(again["determination"] as? String == "not_medically_necessary")
        #expect(again["clause"] as? String == "NMN.use.other")

        // The earlier records are untouched and still listed; the new one comes first.
        let after = try records(daemon, serial: "SM2-004211")
        #expect(after.count == before.count + 1)
        #expect(NSArray(array: Array(after.dropFirst())).isEqual(to: before))
        #expect(after.first?["id"] as? String == again["id"] as? String)

        // The device shows the new therapy only; the store keeps both, one of them current.
        let therapy = try decode(daemon.pumpctlOK(["device", "SM2-004211", "--json"]))["therapy"] as? [String: Any]
        #expect((therapy?["criteria"] as? [String: Any])?["oral_baclofen_failed"] as? Bool == false)
        let history = try AuditTrail.sql(
            daemon.storePath,
            "SELECT current, criteria LIKE '%\"oral_baclofen_failed\":true%' AS baclofen_failed "
                + "FROM therapy WHERE serial = 'SM2-004211' ORDER BY id", readOnly: true)
        #expect(
            history.stdout.filter { !$0.isWhitespace }
                == #"[{"current":0,"baclofen_failed":1},{"current":1,"baclofen_failed":0}]"#)

        // A request now is judged against the new therapy: ERI, but not a covered use.
        let request = try decode(
            daemon.pumpctlOK(["request-replacement", "SM2-004211", "--reason", "upgrade", "--json"]))
        #expect(request["determination"] as? String == "not_medically_necessary")
        #expect(request["clause"] as? String == "NMN.use.other")
        #expect(request["replacement_criterion"] as? String == "impending_failure")
    }

    /// After enrolling a pump whose telemetry record needed review for want of an indication, the
    /// clinician asks again: the answer cites the telemetry message that showed the failure.
    @Test func aRequestAfterEnrollingCitesTheTelemetryItReliedOn() throws {
        let daemon = try LiveDaemon.withFleet()
        daemon.pumpctlOK([
            "enroll", "SM2-007700", "--patient", "MRN-2", "--indication", "pulmonary_arterial_hypertension", "--drug",
            "treprostinil", "--route", "intravenous", "--prior-external-treprostinil", "true",
        ])
        let record = try decode(
            daemon.pumpctlOK(["request-replacement", "SM2-007700", "--reason", "malfunction", "--json"]))
        #expect(record["determination"] as? String == "medically_necessary")
        #expect(record["clause"] as? String == "MN.replacement.non_function")
        #expect(record["request_reason"] as? String == "malfunction")
        #expect((record["indication"] as? [String: Any])?["clause"] as? String == "MN.indication.4")
        let evidence = try #require(record["evidence"] as? [[String: Any]])
        #expect(evidence.map { $0["message_id"] as? String } == ["b2"])
        #expect(evidence.first?["code"] as? String == "BATTERY_EOS")
        #expect(evidence.first?["at"] as? String == "2026-01-05T10:20:00Z")
        // The message cited is the pump's own, as `events` shows it.
        let events = try #require(
            try decode(daemon.pumpctlOK(["events", "SM2-007700", "--json"]))["events"] as? [[String: Any]])
        #expect(events.contains { $0["id"] as? String == "b2" && $0["code"] as? String == "BATTERY_EOS" })
    }

    /// A pump that works: a convenience request is not medically necessary and cites its latest status.
    @Test func aConvenienceRequestForAWorkingPumpCitesItsLatestStatus() throws {
        let daemon = try LiveDaemon.withFleet()
        let record = try decode(
            daemon.pumpctlOK(["request-replacement", "C3000-0107", "--reason", "upgrade", "--json"]))
        #expect(record["determination"] as? String == "not_medically_necessary")
        #expect(record["clause"] as? String == "NMN.replacement.upgrade")
        #expect(record["replacement_criterion"] as? String == "none")
        let evidence = try #require(record["evidence"] as? [[String: Any]])
        #expect(evidence.map { $0["message_id"] as? String } == ["c1"])
        #expect(evidence.first?["code"] is NSNull)
    }

    private func records(_ daemon: LiveDaemon, serial: String) throws -> [[String: Any]] {
        try decode(daemon.pumpctlOK(["eligibility", "--serial", serial, "--json"]))["records"] as? [[String: Any]] ?? []
    }

    private func decode(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}

/// Replies far larger than the socket's kernel buffer arrive whole, also to a reader slower than
/// the daemon (the daemon used to close the connection with part of the reply still pending).
@Suite("Against the real daemon: large replies")
struct LiveLargeReplyTests {
    @Test func threeThousandEventsArriveWhole() throws {
        let daemon = try LiveDaemon()
        let start = Date(timeIntervalSince1970: 1_767_600_000)  // 2026-01-05T08:00:00Z
        let lines = (0..<3000).map { i in
            let at = start.addingTimeInterval(Double(i)).formatted(.iso8601)
            return
                #"{"v":1,"id":"e\#(i)","serial":"SM2-003000","kind":"status","at":"\#(at)","model":"SynchroMed II","battery":{"state":"MOS","volts":2.85,"months_remaining":30},"motor":"ok","reservoir_ml":18.25,"infusing":true,"firmware":"4.2.1"}"#
        }
        let replies = try daemon.ingest(lines)
        #expect(replies.count == 3000)
        #expect(replies.allSatisfy { $0.contains(#""accepted""#) })
        let json = daemon.pumpctl(["events", "SM2-003000", "--limit", "3000", "--json"])
        #expect(json.exitCode == 0, "\(json.stderr)")
        let events = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let list = try #require(events?["events"] as? [[String: Any]])
        #expect(list.count == 3000)
        #expect(list.first?["id"] as? String == "e2999")
        #expect(list.last?["id"] as? String == "e0")
        // The same through the executable, as a table: one header and 3000 rows.
        let run = try ProgramRun.run(
            pumpctlExecutable(), ["events", "SM2-003000", "--limit", "3000", "--socket", daemon.process.controlSocket],
            environment: ["PATH": "/usr/bin:/bin", "TZ": "UTC"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").count == 3001)
    }
}

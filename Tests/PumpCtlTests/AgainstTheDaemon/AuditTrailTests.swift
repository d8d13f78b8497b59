import Foundation
import PumpCtlKit
import PumpTesting
import Testing

/// The audit trail of the real daemon: who asked what, and what they were told. Pump serials and
/// patient references are protected health information; the audit table answers "who looked?".
@Suite("Against the real daemon: audit trail")
struct AuditTrailTests {
    @Test func everyRequestIsOneAuditRowWithUidCommandArgumentsAndOutcome() throws {
        let daemon = try LiveDaemon()
        daemon.pumpctlOK(["status"])
        daemon.pumpctlOK(["devices", "--state", "functional", "--json"])
        daemon.pumpctlOK([
            "enroll", "SM2-000042", "--patient", "MRN-1", "--indication", "spasticity", "--drug", "baclofen",
            "--route", "intrathecal", "--severe-refractory", "true",
        ])
        daemon.pumpctlOK(["device", "SM2-000042"])
        daemon.pumpctlOK(["events", "SM2-000042", "--limit", "2"])
        daemon.pumpctlOK(["eligibility", "--serial", "SM2-000042", "--determination", "needs_review"])
        daemon.pumpctlOK(["request-replacement", "SM2-000042", "--reason", "malfunction", "--note", "beeps"])
        daemon.pumpctlOK(["rejected", "--limit", "1"])
        #expect(daemon.pumpctl(["device", "SM2-999999"]).exitCode == 66)
        #expect(try ControlLine.exchange("hello", socket: daemon.process.controlSocket).contains(#""bad_usage""#))
        // Refused by pumpctl itself (64, 65): nothing reached the daemon, so nothing to audit.
        #expect(daemon.pumpctl(["status", "--verbose"]).exitCode == 64)
        #expect(daemon.pumpctl(["devices", "--state", "broken"]).exitCode == 65)

        let root = AuditRow(uid: 0, user: "root", command: "", arguments: "", outcome: "allowed: ok")
        func row(_ command: String, _ arguments: String, _ outcome: String = "allowed: ok") -> AuditRow {
            var r = root
            (r.command, r.arguments, r.outcome) = (command, arguments, outcome)
            return r
        }
        let rows = try AuditTrail.rows(daemon.storePath)
        let expected = [
            row("status", #"{"op":"status"}"#),
            row("devices", #"{"op":"devices","state":"functional"}"#),
            row(
                "enroll",
                #"{"op":"enroll","serial":"SM2-000042","therapy":{"patient":"MRN-1","indication":"spasticity","drug":"baclofen","route":"intrathecal","criteria":{"severe_refractory":true,"oral_baclofen_failed":null,"metastases_limited_to_liver":null,"prior_external_treprostinil":null,"severe_chronic_intractable":null,"trial_reduction_percent":null,"trial_route":null}}}"#
            ),
            row("device", #"{"op":"device","serial":"SM2-000042"}"#),
            row("events", #"{"op":"events","serial":"SM2-000042","limit":2}"#),
            row("eligibility", #"{"op":"eligibility","serial":"SM2-000042","determination":"needs_review"}"#),
            row(
                "request-replacement",
                #"{"op":"request-replacement","serial":"SM2-000042","reason":"malfunction","note":"beeps"}"#),
            row("rejected", #"{"op":"rejected","limit":1}"#),
            row("device", #"{"op":"device","serial":"SM2-999999"}"#, "allowed: not_found"),
            row("unreadable", "hello", "allowed: bad_usage"),
        ]
        #expect(rows == expected)
    }

    /// The row is committed before the answer: a second process sees it as soon as pumpctl returns,
    /// stamped with the daemon's clock.
    @Test func theAuditRowIsCommittedBeforeTheAnswer() throws {
        let daemon = try LiveDaemon()
        for n in 1...5 {
            let before = Int64(Date().timeIntervalSince1970 * 1_000_000)
            daemon.pumpctlOK(["rejected", "--limit", "\(n)"])
            let after = Int64(Date().timeIntervalSince1970 * 1_000_000)
            let rows = try AuditTrail.rows(daemon.storePath)
            #expect(rows.count == n)
            #expect(rows.last?.arguments == #"{"op":"rejected","limit":\#(n)}"#)
            let at = try #require(try AuditTrail.times(daemon.storePath).last)
            #expect(at >= before && at <= after)
        }
    }

    @Test func auditRowsCannotBeChangedNorDeleted() throws {
        let daemon = try LiveDaemon()
        daemon.pumpctlOK(["status"])
        #expect(daemon.process.stop() == 0)
        for statement in [
            "UPDATE audit SET outcome = 'allowed: ok', uid = 0", "DELETE FROM audit", "DELETE FROM audit WHERE id = 1",
        ] {
            let run = try AuditTrail.sql(daemon.storePath, statement)
            #expect(run.status != 0, "\(statement)")
            #expect(run.stderr.contains("the audit trail is append-only"))
        }
        #expect(
            try AuditTrail.rows(daemon.storePath) == [
                AuditRow(
                    uid: 0, user: "root", command: "status", arguments: #"{"op":"status"}"#, outcome: "allowed: ok")
            ])
    }

    /// `pumpctl` has no command that changes the audit trail: its commands are the eight of
    /// `cli.md`, `verify` (which only reads), `retire` and `watch` (issue 13; neither touches the
    /// trail but by being audited), `record` (issue 16; only reads), `backup` (issue 17: copies the
    /// store, changes nothing in it), and any other word is a usage error.
    @Test func pumpctlOffersNoCommandToChangeTheAuditTrail() throws {
        let help = PumpCtl.run(arguments: ["--help"], environment: PumpCtlEnvironment())
        #expect(help.exitCode == 0)
        let section = help.stdout.components(separatedBy: "SUBCOMMANDS:").last ?? ""
        let commands = section.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.drop { $0 == " " }
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let word = trimmed.split(separator: " ").first else {
                return nil
            }
            return String(word)
        }.filter { $0.first?.isLowercase == true }
        #expect(
            Set(commands) == [
                "status", "devices", "device", "events", "eligibility", "enroll", "request-replacement", "rejected",
                "verify", "retire", "watch", "record", "backup",
            ])
        for word in ["audit", "delete-audit", "purge"] {
            #expect(PumpCtl.run(arguments: [word], environment: PumpCtlEnvironment()).exitCode == 64)
        }
    }
}

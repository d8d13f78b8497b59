import Foundation
import PumpCtlKit
import PumpTesting
import Testing

/// Each exit code of `cli.md`, provoked for real against a real `pumpmond`; stdout stays empty on
/// every error, also with `--json`.
@Suite("Against the real daemon: exit codes")
struct LiveExitCodeTests {
    @Test func wrongFlagExits64AndNeverReachesTheDaemon() throws {
        let daemon = try LiveDaemon()
        for arguments in [["status", "--verbose"], ["events", "SM2-004211", "--limit", "0"], ["frobnicate"]] {
            let outcome = daemon.pumpctl(arguments + ["--json"])
            #expect(outcome.exitCode == 64, "\(arguments)")
            #expect(outcome.stdout == "")
            #expect(outcome.stderr.contains("Usage: pumpctl"))
        }
        #expect(try AuditTrail.rows(daemon.storePath).isEmpty)
    }

    @Test func unknownWordExits65AndListsTheAcceptedWords() throws {
        let daemon = try LiveDaemon.withFleet()
        let outcome = daemon.pumpctl(["request-replacement", "SM2-004211", "--reason", "whim", "--json"])
        #expect(outcome.exitCode == 65)
        #expect(outcome.stdout == "")
        #expect(
            outcome.stderr
                == "pumpctl: --reason: unknown reason 'whim': accepted words are convenience, upgrade, malfunction\n"
        )
        let state = daemon.pumpctl(["devices", "--state", "broken"])
        #expect(state.exitCode == 65)
        #expect(state.stderr.contains("functional, impending_failure, non_functional, stalled, unknown"))
    }

    /// The daemon checks the words too (pumpctl is not the only possible client): a request with an
    /// unknown word, sent raw, gets `bad_data` with the accepted words.
    @Test func theDaemonRefusesAnUnknownWordItself() throws {
        let daemon = try LiveDaemon()
        let reply = try ControlLine.exchange(
            #"{"op":"devices","state":"broken"}"#, socket: daemon.process.controlSocket)
        #expect(reply.hasPrefix(#"{"ok":false,"error":{"code":"bad_data","message":"#))
        #expect(reply.contains("functional, impending_failure, non_functional, stalled, unknown"))
        let enroll = try ControlLine.exchange(
            #"{"op":"enroll","serial":"SM2-000001","therapy":{"patient":"P","indication":"migraine","drug":"baclofen","route":"intrathecal","criteria":{}}}"#,
            socket: daemon.process.controlSocket)
        #expect(enroll.contains(#""code":"bad_data""#))
        #expect(enroll.contains("migraine"))
        #expect(daemon.pumpctlOK(["status", "--json"]).contains(#""pumps": 0"#))
    }

    static let unknownPumpCommands: [[String]] = [
        ["device", "SM2-999999"],
        ["events", "SM2-999999"],
        ["eligibility", "--serial", "SM2-999999"],
        ["request-replacement", "SM2-999999", "--reason", "upgrade"],
    ]

    @Test(arguments: unknownPumpCommands)
    func unknownSerialExits66AndNamesIt(_ arguments: [String]) throws {
        let daemon = try LiveDaemon.withFleet()
        let outcome = daemon.pumpctl(arguments + ["--json"])
        #expect(outcome.exitCode == 66)
        #expect(outcome.stdout == "")
        #expect(
            outcome.stderr
                == "pumpctl: no pump with serial SM2-999999 is known: it has never reported nor been enrolled\n")
        // Asking about it left no trace but the audit row: no pump, no record.
        #expect(daemon.pumpctlOK(["status", "--json"]).contains(#""pumps": 4"#))
    }

    @Test func daemonDownExits69AndSaysWhichSocketAndHowToStartIt() throws {
        let daemon = try LiveDaemon()
        daemon.pumpctlOK(["status"])
        #expect(daemon.process.stop() == 0)
        for arguments in [["status"], ["devices", "--json"]] {
            let outcome = daemon.pumpctl(arguments)
            #expect(outcome.exitCode == 69)
            #expect(outcome.stdout == "")
            #expect(
                outcome.stderr.hasPrefix(
                    "pumpctl: cannot reach pumpmond on control socket \(daemon.process.controlSocket): "))
            #expect(outcome.stderr.contains("systemctl start pumpmond.socket"))
        }
        let run = try ProgramRun.run(
            pumpctlExecutable(), ["status", "--socket", daemon.process.controlSocket],
            environment: ["PATH": "/usr/bin:/bin"])
        #expect(run.status == 69)
        #expect(run.stdout == "")
    }
}

/// Who may use the control socket, decided by the daemon from the kernel's credentials of the
/// caller (`SO_PEERCRED`, `SO_PEERGROUPS`). The socket file is opened to everybody (0666, in a
/// directory others may traverse) so that the daemon's check is the only one in the way.
@Suite(
    "Against the real daemon: access control", .serialized,
    .enabled(if: getuid() == 0, "needs root: creates groups and users, runs pumpctl under other uids"))
struct LiveAccessTests {
    /// A daemon whose control group is a fresh temporary group, with its socket open to all.
    final class Setup {
        let group: TemporaryGroup
        let sockets: TemporaryDirectory
        let daemon: LiveDaemon
        let stranger = UnusedUID.find(from: 4242)

        init() throws {
            group = try TemporaryGroup()
            // The state directory is the daemon's alone (0700): the sockets live in a directory of
            // their own, as under systemd's RuntimeDirectory=, traversable by others (not listable),
            // so the socket's own mode decides who reaches it.
            sockets = try TemporaryDirectory(prefix: "pm")
            chmod(sockets.path, 0o711)
            daemon = try LiveDaemon(extraArguments: ["--control-group", group.name], socketDirectory: sockets)
            // Answered requests prove the daemon has set its own mode (0660) on the socket, which it
            // does after binding: open it up only now, or the daemon's chmod could come second.
            try daemon.loadFleet()
            chmod(daemon.process.controlSocket, 0o666)
        }

        deinit {
            group.remove()
            sockets.remove()
        }

        func pumpctl(
            uid: UInt32, gid: UInt32, groups: [UInt32] = [], _ arguments: [String]
        ) throws -> ProgramRun {
            try ProgramRun.run(
                asUID: uid, gid: gid, groups: groups, pumpctlExecutable(),
                arguments + ["--socket", daemon.process.controlSocket], environment: ["PATH": "/usr/bin:/bin"])
        }
    }

    @Test func aCallerOutsideTheGroupExits77AndLearnsNothing() throws {
        let setup = try Setup()
        let arguments: [[String]] = [
            ["device", "SM2-004211", "--json"], ["eligibility"], ["devices"], ["status"], ["watch"],
            ["watch", "--json"],
            ["retire", "SM2-004211", "--reason", "other"],
        ]
        for arguments in arguments {
            let run = try setup.pumpctl(uid: setup.stranger, gid: setup.stranger, arguments)
            #expect(run.status == 77, "\(arguments): \(run.stderr)")
            #expect(run.stdout == "")
            #expect(
                run.stderr
                    == "pumpctl: not permitted: the control socket is for root, the daemon's user and members of the "
                    + "group '\(setup.group.name)'; ask an administrator to add you to it\n")
            #expect(!run.stderr.contains("SM2-"))
            #expect(!run.stderr.contains("MRN-"))
        }
        #expect(setup.daemon.pumpctlOK(["device", "SM2-004211"]).contains("impending failure"))  // not retired
    }

    /// The raw reply to a refused caller is the failure and nothing else (no `result`, no serial).
    @Test func aRefusedReplyCarriesOnlyTheNotPermittedMessage() throws {
        let setup = try Setup()
        let reply = try ControlLine.exchange(
            #"{"op":"device","serial":"SM2-004211"}"#, socket: setup.daemon.process.controlSocket,
            asUID: setup.stranger, gid: setup.stranger)
        #expect(
            reply
                == #"{"ok":false,"error":{"code":"not_permitted","message":"not permitted: the control socket is for root, the daemon's user and members of the group '"#
                + setup.group.name + #"'; ask an administrator to add you to it"}}"#)
    }

    @Test func aMemberOfTheControlGroupIsAllowed() throws {
        let setup = try Setup()
        // A supplementary group: known to the daemon from SO_PEERGROUPS (the uid has no passwd entry).
        let member = try setup.pumpctl(uid: setup.stranger, gid: setup.stranger, groups: [setup.group.gid], ["devices"])
        #expect(member.status == 0, "\(member.stderr)")
        #expect(member.stdout.hasPrefix("SERIAL"))
        #expect(member.stdout.contains("SM2-004211"))
        // The primary group.
        let primary = try setup.pumpctl(uid: setup.stranger, gid: setup.group.gid, ["eligibility", "--json"])
        #expect(primary.status == 0, "\(primary.stderr)")
        #expect(primary.stdout.contains(#""records": ["#))
    }

    /// A named user listed as a member in the group database is allowed even when the process
    /// runs without that supplementary group (it has not logged in again since `usermod -aG`);
    /// the audit row carries the user's name.
    @Test func aUserListedInTheGroupDatabaseIsAllowedAndNamedInTheAudit() throws {
        let setup = try Setup()
        let user = try TemporaryUser(groups: [setup.group.name])
        defer { user.remove() }
        let run = try setup.pumpctl(uid: user.uid, gid: user.gid, ["device", "SM2-004211"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("Pump SM2-004211\n"))
        let last = try AuditTrail.rows(setup.daemon.storePath).last
        #expect(
            last
                == AuditRow(
                    uid: Int64(user.uid), user: user.name, command: "device",
                    arguments: #"{"op":"device","serial":"SM2-004211"}"#, outcome: "allowed: ok"))
        // The same user without the membership is refused, and audited by name too.
        let outsider = try TemporaryUser()
        defer { outsider.remove() }
        let refused = try setup.pumpctl(uid: outsider.uid, gid: outsider.gid, ["devices"])
        #expect(refused.status == 77)
        #expect(refused.stdout == "")
        #expect(try AuditTrail.rows(setup.daemon.storePath).last?.user == outsider.name)
    }

    @Test func theDaemonsOwnUserIsAllowed() throws {
        let setup = try Setup()
        let root = try ProgramRun.run(
            pumpctlExecutable(), ["status", "--socket", setup.daemon.process.controlSocket],
            environment: ["PATH": "/usr/bin:/bin"])
        #expect(root.status == 0)
    }

    /// Every request, allowed or refused, is one audit row with the caller's uid, the command, its
    /// arguments and the outcome, committed before the answer.
    @Test func everyRequestAllowedOrRefusedIsOneAuditRow() throws {
        let setup = try Setup()
        let before = try AuditTrail.rows(setup.daemon.storePath).count
        _ = try setup.pumpctl(uid: setup.stranger, gid: setup.stranger, ["device", "SM2-004211"])
        _ = try setup.pumpctl(
            uid: setup.stranger, gid: setup.stranger, groups: [setup.group.gid],
            ["events", "SM2-004211", "--limit", "3"])
        _ = try setup.pumpctl(
            uid: setup.stranger, gid: setup.stranger, groups: [setup.group.gid], ["device", "SM2-999999"])
        let rows = Array(try AuditTrail.rows(setup.daemon.storePath).dropFirst(before))
        let stranger = Int64(setup.stranger)
        #expect(
            rows == [
                AuditRow(
                    uid: stranger, user: nil, command: "device", arguments: #"{"op":"device","serial":"SM2-004211"}"#,
                    outcome: "refused: not permitted"),
                AuditRow(
                    uid: stranger, user: nil, command: "events",
                    arguments: #"{"op":"events","serial":"SM2-004211","limit":3}"#, outcome: "allowed: ok"),
                AuditRow(
                    uid: stranger, user: nil, command: "device", arguments: #"{"op":"device","serial":"SM2-999999"}"#,
                    outcome: "allowed: not_found"),
            ])
    }
}

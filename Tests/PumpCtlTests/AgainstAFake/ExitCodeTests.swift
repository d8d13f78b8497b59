import Foundation
import PumpControlProtocol
import PumpCtlKit
import Testing

/// Every exit code of `cli.md`, provoked for real; stdout stays empty on every error.
@Suite("Exit codes")
struct ExitCodeTests {
    static let anyReply = GoldenFiles.reply("status")

    /// Runs against a live fake daemon and returns the outcome and how many requests reached it.
    func run(_ arguments: [String], reply: String = anyReply) throws -> (PumpCtlOutcome, Int) {
        let (outcome, requests) = try runAgainstFake(arguments, reply: reply)
        #expect(outcome.stdout == "", "stdout must stay empty on an error")
        return (outcome, requests.count)
    }

    static let usageErrors: [[String]] = [
        ["status", "--verbose"],
        ["devices", "--state"],
        ["frobnicate"],
        ["events"],
        ["events", "SM2-004211", "--limit", "0"],
        ["rejected", "--limit", "-3"],
        ["events", "SM2-004211", "--limit", "many"],
        ["enroll", "SM2-004211", "--indication", "spasticity", "--drug", "baclofen", "--route", "intrathecal"],
        ["request-replacement", "SM2-004211"],
    ]

    @Test(arguments: usageErrors)
    func badUsageExits64BeforeConnecting(_ arguments: [String]) throws {
        let (outcome, connections) = try run(arguments)
        #expect(outcome.exitCode == 64)
        #expect(connections == 0)
        #expect(outcome.stderr.contains("Usage: pumpctl"))
    }

    @Test func limitBelowOneSaysSo() throws {
        let (outcome, _) = try run(["events", "SM2-004211", "--limit", "0"])
        #expect(outcome.stderr.hasPrefix("Error: --limit must be at least 1 (got 0)"))
    }

    static let dataErrors: [([String], String)] = [
        (
            [
                "enroll", "SM2-1", "--patient", "P", "--indication", "migraine", "--drug", "baclofen", "--route",
                "intrathecal",
            ],
            "pumpctl: --indication: unknown indication 'migraine': accepted words are primary_liver_cancer, "
                + "colorectal_liver_metastases, spasticity, pulmonary_arterial_hypertension, chronic_intractable_pain, "
                + "thromboembolic_disease, osteomyelitis, diabetes, other\n"
        ),
        (
            [
                "enroll", "SM2-1", "--patient", "P", "--indication", "spasticity", "--drug", "baclofen", "--route",
                "oral",
            ],
            "pumpctl: --route: unknown route 'oral': accepted words are intrahepatic_arterial, intrathecal, epidural, "
                + "intravenous, subcutaneous, other\n"
        ),
        (
            [
                "enroll", "SM2-1", "--patient", "P", "--indication", "spasticity", "--drug", "Baclofen", "--route",
                "intrathecal",
            ],
            "pumpctl: --drug: unknown drug 'Baclofen': accepted words are chemotherapy, baclofen, treprostinil, opioid, "
                + "nonopioid_analgesic, heparin, antibiotic, insulin, other\n"
        ),
        (
            [
                "enroll", "SM2-1", "--patient", "P", "--indication", "chronic_intractable_pain", "--drug", "opioid",
                "--route", "intrathecal", "--trial-route", "nasal",
            ],
            "pumpctl: --trial-route: unknown route 'nasal': accepted words are intrahepatic_arterial, intrathecal, "
                + "epidural, intravenous, subcutaneous, other\n"
        ),
        (
            [
                "enroll", "SM2-1", "--patient", "P", "--indication", "spasticity", "--drug", "baclofen", "--route",
                "intrathecal", "--severe-refractory", "yes",
            ],
            "pumpctl: --severe-refractory: 'yes' is not a BOOL: write true or false (absent means unknown)\n"
        ),
        (
            [
                "enroll", "SM2-1", "--patient", "P", "--indication", "spasticity", "--drug", "baclofen", "--route",
                "intrathecal", "--oral-baclofen-failed", "TRUE",
            ],
            "pumpctl: --oral-baclofen-failed: 'TRUE' is not a BOOL: write true or false (absent means unknown)\n"
        ),
        (
            [
                "enroll", "SM2-1", "--patient", "P", "--indication", "chronic_intractable_pain", "--drug", "opioid",
                "--route", "intrathecal", "--trial-reduction-percent", "101",
            ],
            "pumpctl: --trial-reduction-percent: '101' is not a percentage from 0 to 100\n"
        ),
        (
            [
                "enroll", "SM2-1", "--patient", "P", "--indication", "chronic_intractable_pain", "--drug", "opioid",
                "--route", "intrathecal", "--trial-reduction-percent=-1",
            ],
            "pumpctl: --trial-reduction-percent: '-1' is not a percentage from 0 to 100\n"
        ),
        (
            [
                "enroll", "SM2-1", "--patient", "P", "--indication", "chronic_intractable_pain", "--drug", "opioid",
                "--route", "intrathecal", "--trial-reduction-percent", "nan",
            ],
            "pumpctl: --trial-reduction-percent: 'nan' is not a percentage from 0 to 100\n"
        ),
        (
            [
                "enroll", "SM2-1", "--patient", " ", "--indication", "spasticity", "--drug", "baclofen", "--route",
                "intrathecal",
            ],
            "pumpctl: --patient: give a non-empty reference on one line, e.g. the patient's record number\n"
        ),
        (
            ["request-replacement", "SM2-004211", "--reason", "broken"],
            "pumpctl: --reason: unknown reason 'broken': accepted words are convenience, upgrade, malfunction\n"
        ),
        (
            ["devices", "--state", "non-functional"],
            "pumpctl: --state: unknown state 'non-functional': accepted words are functional, impending_failure, "
                + "non_functional, stalled, unknown, retired\n"
        ),
        (
            ["eligibility", "--determination", "approved"],
            "pumpctl: --determination: unknown determination 'approved': accepted words are medically_necessary, "
                + "not_medically_necessary, needs_review\n"
        ),
        (
            ["device", "SM2.004211"],
            "pumpctl: SERIAL: 'SM2.004211' is not a pump serial: 3 to 32 letters, digits or '-', starting with a letter or "
                + "digit (e.g. SM2-004211)\n"
        ),
        (
            ["events", "SM"],
            "pumpctl: SERIAL: 'SM' is not a pump serial: 3 to 32 letters, digits or '-', starting with a letter or "
                + "digit (e.g. SM2-004211)\n"
        ),
        (
            ["eligibility", "--serial", "SM2_004211"],
            "pumpctl: --serial: 'SM2_004211' is not a pump serial: 3 to 32 letters, digits or '-', starting with a "
                + "letter or digit (e.g. SM2-004211)\n"
        ),
    ]

    @Test(arguments: dataErrors)
    func badDataExits65BeforeConnecting(_ arguments: [String], _ message: String) throws {
        let (outcome, connections) = try run(arguments)
        #expect(outcome.exitCode == 65)
        #expect(outcome.stderr == message)
        #expect(connections == 0)
    }

    @Test func badDataWinsOverJSONAndStaysText() throws {
        let (outcome, _) = try run(["request-replacement", "SM2-004211", "--reason", "whim", "--json"])
        #expect(outcome.exitCode == 65)
        #expect(outcome.stderr.hasPrefix("pumpctl: --reason: unknown reason 'whim'"))
    }

    @Test(arguments: [false, true])
    func unknownSerialExits66WithTheDaemonsMessage(json: Bool) throws {
        let reply = Fixtures.failure(.notFound, "no pump SM2-777777: it never reported and was never enrolled")
        let (outcome, connections) = try run(["device", "SM2-777777"] + (json ? ["--json"] : []), reply: reply)
        #expect(outcome.exitCode == 66)
        #expect(outcome.stderr == "pumpctl: no pump SM2-777777: it never reported and was never enrolled\n")
        #expect(connections == 1)
    }

    @Test func notPermittedExits77WithTheDaemonsMessage() throws {
        let reply = Fixtures.failure(
            .notPermitted, "user 1001 may not use the control socket: members of the pumpmon group may")
        let (outcome, _) = try run(["eligibility", "--json"], reply: reply)
        #expect(outcome.exitCode == 77)
        #expect(outcome.stderr.contains("pumpmon group"))
    }

    @Test(arguments: [
        (ControlFailureCode.badUsage, Int32(64)), (.badData, 65), (.notFound, 66), (.unavailable, 69),
        (.notPermitted, 77), (.internalError, 70),
    ])
    func everyDaemonFailureClassEndsWithItsExitCode(_ code: ControlFailureCode, _ exit: Int32) throws {
        let (outcome, _) = try run(["status"], reply: Fixtures.failure(code, "what went wrong"))
        #expect(outcome.exitCode == exit)
        #expect(outcome.stderr == "pumpctl: what went wrong\n")
    }

    @Test(arguments: [false, true])
    func missingSocketExits69NamingTheSocketAndHowToStartTheService(json: Bool) {
        let path = temporaryDirectory() + "/control.sock"
        let outcome = PumpCtl.run(
            arguments: ["status", "--socket", path] + (json ? ["--json"] : []), environment: PumpCtlEnvironment())
        #expect(outcome.exitCode == 69)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr.contains("control socket \(path): no such socket"))
        #expect(outcome.stderr.contains("systemctl start pumpmond.socket"))
        #expect(outcome.stderr.contains("pumpmond --state-dir DIR"))
    }

    @Test func defaultSocketIsNamedWhenNothingIsConfigured() throws {
        let outcome = PumpCtl.run(arguments: ["status"], environment: PumpCtlEnvironment())
        try #require(
            outcome.exitCode == 69, "a pumpmond answers on /run/pumpmond/control.sock: stop it to run this test")
        #expect(outcome.stderr.contains("/run/pumpmond/control.sock"))
    }

    @Test func socketWithNobodyListeningExits69() {
        let path = temporaryDirectory() + "/control.sock"
        let fd = FakeControlServer.bindOnly(path)
        close(fd)
        defer { unlink(path) }
        let outcome = PumpCtl.run(arguments: ["devices", "--socket", path], environment: PumpCtlEnvironment())
        #expect(outcome.exitCode == 69)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr.contains("control socket \(path): nothing is listening"))
    }

    @Test func daemonClosingWithoutAnswerExits69() throws {
        let server = try FakeControlServer(respond: { _ in nil })
        defer { server.stop() }
        let outcome = PumpCtl.run(arguments: ["status", "--socket", server.path], environment: PumpCtlEnvironment())
        #expect(outcome.exitCode == 69)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr.contains("closed the connection without answering"))
    }

    @Test(arguments: [
        "this is not json", #"{"ok":true}"#, #"{"ok":true,"result":{"devices":"none"}}"#, #"{"ok":false}"#,
    ])
    func unreadableReplyExits70(_ reply: String) throws {
        let (outcome, _) = try run(["devices"], reply: reply)
        #expect(outcome.exitCode == 70)
        #expect(outcome.stderr.contains("sent a reply pumpctl cannot read"))
    }

    @Test func failureOfAnUnknownClassShowsTheDaemonsMessageAndExits70() throws {
        let reply = #"{"ok":false,"error":{"code":"read_only","message":"the store is read-only"}}"#
        let (outcome, _) = try run(["status"], reply: reply)
        #expect(outcome.exitCode == 70)
        #expect(outcome.stderr == "pumpctl: the store is read-only (read_only)\n")
    }

    @Test func socketPathTooLongIsAUsageError() {
        let path = "/tmp/" + String(repeating: "p", count: 200) + ".sock"
        let outcome = PumpCtl.run(arguments: ["status", "--socket", path], environment: PumpCtlEnvironment())
        #expect(outcome.exitCode == 64)
        #expect(outcome.stdout == "")
    }

    @Test func helpAndCompletionScriptsExit0OnStdout() {
        let help = PumpCtl.run(arguments: ["enroll", "--help"], environment: PumpCtlEnvironment())
        #expect(help.exitCode == 0)
        #expect(help.stderr == "")
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("chronic_intractable_pain"))
        #expect(words.contains("Determinations: medically_necessary, not_medically_necessary, needs_review."))

        let devicesHelp = PumpCtl.run(arguments: ["help", "devices"], environment: PumpCtlEnvironment())
        #expect(devicesHelp.exitCode == 0)
        let devicesWords = devicesHelp.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(devicesWords.contains("functional, impending_failure, non_functional, stalled, unknown"))

        for shell in ["bash", "zsh", "fish"] {
            let script = PumpCtl.run(
                arguments: ["--generate-completion-script", shell], environment: PumpCtlEnvironment())
            #expect(script.exitCode == 0)
            #expect(script.stdout.contains("request-replacement"))
            #expect(script.stdout.contains("trial-reduction-percent"))
        }
    }
}

import Foundation
import PumpCtlKit
import Testing

/// `--socket` and `--json` are accepted before or after the subcommand (`pumpctl --socket PATH
/// eligibility`, as git, systemctl and kubectl take their global options), and listed in every help.
@Suite("Global options")
struct GlobalOptionTests {
    static let placements: [[String]] = [
        ["--socket", "SOCKET", "--json", "eligibility"],
        ["--json", "eligibility", "--socket", "SOCKET"],
        ["--socket", "SOCKET", "eligibility", "--json"],
        ["eligibility", "--json", "--socket", "SOCKET"],
        ["eligibility", "--socket=SOCKET", "--json"],
    ]

    @Test(arguments: placements)
    func socketAndJSONWorkBeforeOrAfterTheSubcommand(_ arguments: [String]) throws {
        let server = try FakeControlServer(reply: GoldenFiles.reply("eligibility"))
        defer { server.stop() }
        let outcome = PumpCtl.run(
            arguments: arguments.map { $0.replacingOccurrences(of: "SOCKET", with: server.path) },
            environment: PumpCtlEnvironment())
        #expect(outcome.exitCode == 0)
        #expect(outcome.stderr == "")
        #expect(outcome.stdout == (try GoldenFiles.text(.fake, "eligibility.json")))
        #expect(server.requests == [#"{"op":"eligibility"}"#])
    }

    @Test func subcommandOptionsBeforeTheSubcommandAreStillUsageErrors() {
        let outcome = PumpCtl.run(arguments: ["--state", "functional", "devices"], environment: PumpCtlEnvironment())
        #expect(outcome.exitCode == 64)
        #expect(outcome.stdout == "")
    }

    @Test(arguments: [["--help"], ["devices", "--help"], ["help", "enroll"]])
    func everyHelpListsTheGlobalOptions(_ arguments: [String]) {
        let help = PumpCtl.run(arguments: arguments, environment: PumpCtlEnvironment())
        #expect(help.exitCode == 0)
        #expect(help.stdout.contains("--socket <path>"))
        #expect(help.stdout.contains("--json"))
    }
}

import Foundation
import PumpControlProtocol
import PumpCtlKit
import Testing

/// Every command, as text and as `--json`, against a fake daemon on a real Unix socket.
@Suite("Golden output")
struct GoldenOutputTests {
    @Test(arguments: GoldenCase.all)
    func textOutputMatchesGolden(_ golden: GoldenCase) throws {
        let (outcome, requests) = try runAgainstFake(golden.arguments, reply: golden.reply)
        #expect(outcome.exitCode == 0)
        #expect(outcome.stderr == "")
        try GoldenFiles.expect(outcome.stdout, equals: .fake, "\(golden.name).txt")
        #expect(requests.count == 1)
    }

    @Test(arguments: GoldenCase.all)
    func jsonOutputMatchesGolden(_ golden: GoldenCase) throws {
        let (outcome, _) = try runAgainstFake(golden.arguments + ["--json"], reply: golden.reply)
        #expect(outcome.exitCode == 0)
        #expect(outcome.stderr == "")
        try GoldenFiles.expect(outcome.stdout, equals: .fake, "\(golden.name).json")
    }

    /// The JSON printed is exactly one document, and it decodes to the very document the daemon sent.
    @Test(arguments: GoldenCase.all)
    func jsonOutputIsTheRepliedDocument(_ golden: GoldenCase) throws {
        let (outcome, _) = try runAgainstFake(golden.arguments + ["--json"], reply: golden.reply)
        let printed = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))
        let replied = try JSONSerialization.jsonObject(with: Data(golden.reply.utf8)) as? [String: Any]
        let result = try #require(replied?["result"])
        #expect(NSDictionary(dictionary: ["v": printed]).isEqual(to: ["v": result]))
    }

    @Test func jsonKeysFollowTheSpecOrderOfARecord() throws {
        let (outcome, _) = try runAgainstFake(
            ["request-replacement", "SM2-004211", "--reason", "convenience", "--json"],
            reply: GoldenFiles.reply("request-replacement-telemetry-record"))
        let keys = outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map {
            String($0.dropFirst(3).prefix { $0 != "\"" })
        }
        #expect(
            keys == [
                "id", "serial", "type", "trigger", "request_reason", "determination", "clause",
                "replacement_criterion", "indication", "missing", "supplies_covered", "evidence", "policy",
                "created_at", "note",
            ])
    }

    @Test func timesAreShownInTheLocalTimeZone() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let (outcome, _) = try runAgainstFake(
            ["devices"], reply: GoldenFiles.reply("devices"), environment: PumpCtlEnvironment(timeZone: berlin))
        #expect(outcome.stdout.contains("2026-11-28 11:15:02 UTC+1"))
        let india = try #require(TimeZone(identifier: "Asia/Kolkata"))
        #expect(TextStyle(timeZone: india).time("2026-07-01T00:00:00Z") == "2026-07-01 05:30:00 UTC+5:30")
        #expect(TextStyle(timeZone: berlin).time("2026-07-01T00:00:00.5z") == "2026-07-01 02:00:00 UTC+2")
    }

    @Test func colourOnlyOnATerminalWithoutNoColor() throws {
        let reply = GoldenFiles.reply("eligibility")
        let terminal = PumpCtlEnvironment(stdoutIsTerminal: true)
        let (coloured, _) = try runAgainstFake(["eligibility"], reply: reply, environment: terminal)
        #expect(coloured.stdout.contains("\u{1B}[32mmedically necessary"))
        #expect(coloured.stdout.contains("\u{1B}[33mneeds review (missing: trial_route)"))

        let noColor = PumpCtlEnvironment(variables: ["NO_COLOR": "1"], stdoutIsTerminal: true)
        let (plain, _) = try runAgainstFake(["eligibility"], reply: reply, environment: noColor)
        #expect(plain.stdout == (try GoldenFiles.text(.fake, "eligibility.txt")))

        let (piped, _) = try runAgainstFake(["eligibility"], reply: reply, environment: PumpCtlEnvironment())
        #expect(!piped.stdout.contains("\u{1B}"))

        let (json, _) = try runAgainstFake(["eligibility", "--json"], reply: reply, environment: terminal)
        #expect(!json.stdout.contains("\u{1B}"))
    }

    @Test func textFromTheDaemonCannotDriveTheTerminal() {
        let doc = RejectedListDocument(rejected: [
            RejectedDocument(
                receivedAt: "2026-11-28T11:00:00.000Z", reason: "invalid_json", detail: "line\nbreak",
                raw: "\u{1B}]0;owned\u{07}", rawBase64: "")
        ])
        let text = Render.rejected(doc, TextStyle(color: false))
        #expect(!text.contains("\u{1B}"))
        #expect(!text.contains("\u{07}"))
        #expect(text.contains(#"line\nbreak"#))
        #expect(text.split(separator: "\n").count == 2)
    }
}

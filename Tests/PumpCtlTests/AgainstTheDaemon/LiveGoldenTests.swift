import Foundation
import PumpCtlKit
import PumpTesting
import Testing

/// One command line run against the real daemon holding `Fleet`, with its golden texts in
/// `LiveGoldens/` (`NAME.txt` for the table, `NAME.json` for `--json`).
struct LiveCase: Sendable, CustomTestStringConvertible {
    var name: String
    var arguments: [String]
    var testDescription: String { name }

    static let all: [LiveCase] = [
        LiveCase(name: "status", arguments: ["status"]),
        LiveCase(name: "devices", arguments: ["devices"]),
        LiveCase(name: "devices-impending", arguments: ["devices", "--state", "impending_failure"]),
        LiveCase(name: "devices-unknown", arguments: ["devices", "--state", "unknown"]),
        LiveCase(name: "devices-stalled-none", arguments: ["devices", "--state", "stalled"]),
        LiveCase(name: "device-eri", arguments: ["device", "SM2-004211"]),
        LiveCase(name: "device-never-reported", arguments: ["device", "SM2-010001"]),
        LiveCase(name: "device-no-battery", arguments: ["device", "C3000-0107"]),
        LiveCase(name: "events", arguments: ["events", "SM2-004211"]),
        LiveCase(name: "events-limit", arguments: ["events", "SM2-004211", "--limit", "2"]),
        LiveCase(name: "events-none", arguments: ["events", "SM2-010001"]),
        LiveCase(name: "eligibility", arguments: ["eligibility"]),
        LiveCase(name: "eligibility-serial", arguments: ["eligibility", "--serial", "SM2-004211"]),
        LiveCase(name: "eligibility-needs-review", arguments: ["eligibility", "--determination", "needs_review"]),
        LiveCase(
            name: "eligibility-serial-none",
            arguments: ["eligibility", "--serial", "SM2-010001", "--determination", "medically_necessary"]),
        LiveCase(
            name: "enroll",
            arguments: [
                "enroll", "SM2-007700", "--patient", "MRN-31337", "--indication", "colorectal_liver_metastases",
                "--drug", "chemotherapy", "--route", "intrahepatic_arterial", "--metastases-limited-to-liver", "true",
            ]),
        LiveCase(
            name: "request-replacement-eri",
            arguments: ["request-replacement", "SM2-004211", "--reason", "upgrade", "--note", "new model available"]),
        LiveCase(
            name: "request-replacement-unenrolled",
            arguments: ["request-replacement", "SM2-007700", "--reason", "malfunction"]),
        LiveCase(name: "rejected", arguments: ["rejected"]),
        LiveCase(name: "rejected-limit", arguments: ["rejected", "--limit", "1"]),
    ]
}

/// Every command, as a table and as `--json`, against a real `pumpmond` on a temporary store fed
/// through its real ingest socket. Daemon-stamped times and uptime are normalised; everything
/// else is compared exactly.
@Suite("Against the real daemon: golden output")
struct LiveGoldenTests {
    @Test(arguments: LiveCase.all)
    func tableAndJSONMatchTheirGoldens(_ live: LiveCase) throws {
        let daemon = try LiveDaemon.withFleet()
        let text = daemon.pumpctl(live.arguments)
        #expect(text.exitCode == 0)
        #expect(text.stderr == "")
        let json = daemon.pumpctl(live.arguments + ["--json"])
        #expect(json.exitCode == 0)
        #expect(json.stderr == "")
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) }
        try GoldenFiles.expect(daemon.normalised(text.stdout), equals: .live, "\(live.name).txt")
        try GoldenFiles.expect(daemon.normalised(json.stdout), equals: .live, "\(live.name).json")
    }

    /// The real executable prints what the library prints: same bytes on stdout, exit 0.
    @Test func theExecutableAgreesWithTheLibrary() throws {
        let daemon = try LiveDaemon.withFleet()
        for arguments in [["eligibility"], ["device", "SM2-004211", "--json"], ["devices"]] {
            let run = try ProgramRun.run(
                pumpctlExecutable(), arguments + ["--socket", daemon.process.controlSocket],
                environment: ["PATH": "/usr/bin:/bin", "TZ": "UTC"])
            #expect(run.status == 0)
            #expect(run.stderr == "")
            #expect(run.stdout == daemon.pumpctl(arguments).stdout)
        }
        let viaEnvironment = try ProgramRun.run(
            pumpctlExecutable(), ["status", "--json"],
            environment: ["PATH": "/usr/bin:/bin", "PUMPMOND_CONTROL_SOCKET": daemon.process.controlSocket])
        #expect(viaEnvironment.status == 0)
        #expect(daemon.normalised(viaEnvironment.stdout) == (try GoldenFiles.text(.live, "status.json")))
    }

    /// Times in the table are the pump's `at` in the local zone: the same pump seen from Berlin.
    @Test func tableTimesFollowTheLocalZone() throws {
        let daemon = try LiveDaemon.withFleet()
        let berlin = daemon.pumpctl(["events", "SM2-004211", "--limit", "1"], timeZone: "Europe/Berlin")
        #expect(berlin.stdout.contains("2026-01-05 10:05:00 UTC+1"))
        let run = try ProgramRun.run(
            pumpctlExecutable(), ["events", "SM2-004211", "--limit", "1", "--socket", daemon.process.controlSocket],
            environment: ["PATH": "/usr/bin:/bin", "TZ": "Asia/Kolkata"])
        #expect(run.stdout.contains("2026-01-05 14:35:00 UTC+5:30"))
    }
}

import Foundation
import PumpControlProtocol
import PumpCtlKit
import Testing

/// Canned failure replies, and helpers to run `pumpctl` against a fake daemon (the canned successful
/// replies are files: `GoldenFiles.reply`).
enum Fixtures {
    /// The reply line of a failure.
    static func failure(_ code: ControlFailureCode, _ message: String) -> String {
        let reply = ControlReply<DaemonStatusDocument>(error: ControlFailure(code: code, message: message))
        let data = (try? JSONEncoder().encode(reply)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Runs `pumpctl` in-process against a fake daemon answering `reply`; returns the outcome and the
/// request lines the daemon received.
func runAgainstFake(_ arguments: [String], reply: String, environment: PumpCtlEnvironment = PumpCtlEnvironment())
    throws -> (PumpCtlOutcome, [String])
{
    let server = try FakeControlServer(reply: reply)
    defer { server.stop() }
    let outcome = PumpCtl.run(arguments: arguments + ["--socket", server.path], environment: environment)
    return (outcome, server.requests)
}

/// One golden case: a command line, and the name of its files in `Goldens/` (the daemon's canned
/// reply and the outputs).
struct GoldenCase: Sendable, CustomTestStringConvertible {
    var name: String
    var arguments: [String]
    var reply: String { GoldenFiles.reply(name) }

    var testDescription: String { name }

    static let all: [GoldenCase] = [
        GoldenCase(name: "status", arguments: ["status"]),
        GoldenCase(name: "devices", arguments: ["devices"]),
        GoldenCase(name: "device", arguments: ["device", "SM2-004211"]),
        GoldenCase(name: "device-never-reported", arguments: ["device", "SM2-009999"]),
        GoldenCase(name: "events", arguments: ["events", "SM2-004211"]),
        GoldenCase(name: "events-empty", arguments: ["events", "SM2-009999", "--limit", "5"]),
        GoldenCase(name: "eligibility", arguments: ["eligibility"]),
        GoldenCase(name: "eligibility-empty", arguments: ["eligibility", "--serial", "SM2-009999"]),
        GoldenCase(
            name: "enroll",
            arguments: [
                "enroll", "SM2-010001", "--patient", "MRN-1", "--indication", "chronic_intractable_pain", "--drug",
                "opioid", "--route", "intrathecal", "--severe-chronic-intractable", "true",
                "--trial-reduction-percent", "60",
            ]),
        GoldenCase(
            name: "request-replacement",
            arguments: [
                "request-replacement", "C3000-0107", "--reason", "upgrade", "--note",
                "Patient asks for the newer model",
            ]),
        GoldenCase(
            name: "request-replacement-telemetry-record",
            arguments: ["request-replacement", "SM2-004211", "--reason", "convenience"]),
        GoldenCase(name: "rejected", arguments: ["rejected"]),
    ]
}

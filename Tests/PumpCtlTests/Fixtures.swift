import Foundation
import PumpControlProtocol
import PumpCtlKit
import PumpJSON
import PumpTelemetry
import Testing

/// Canned documents, as the daemon would send them, and helpers to run `pumpctl` against them.
enum Fixtures {
    static let policy = PolicyIdentityDocument(id: "CG-SURG-79", effective: "2023-09-27")

    static let status = DaemonStatusDocument(
        version: "0.1.0", uptimeS: 93_784, store: "/var/lib/pumpmond/pumpmond.sqlite", pumps: 3, messages: 1204,
        records: 5, rejected: 2)

    static let devices = DeviceListDocument(devices: [
        DeviceSummaryDocument(
            serial: "C3000-0107", model: "Codman 3000", state: "functional", battery: nil,
            lastSeen: "2026-11-28T09:00:00.250Z"),
        DeviceSummaryDocument(
            serial: "SM2-004211", model: "SynchroMed II", state: "impending_failure", battery: "ERI",
            lastSeen: "2026-11-28T10:15:02.113Z"),
        DeviceSummaryDocument(serial: "SM2-009999", model: nil, state: "unknown", battery: nil, lastSeen: nil),
    ])

    static func json(_ text: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null
    }

    static let latestStatus = json(
        #"""
        {"v": 1, "id": "s-0042", "serial": "SM2-004211", "kind": "status", "at": "2026-11-28T10:15:00Z",
         "model": "SynchroMed II", "firmware": "4.2.1",
         "battery": {"state": "ERI", "volts": 2.61, "months_remaining": 3},
         "motor": "ok", "reservoir_ml": 12.5, "infusing": true, "received_at": "2026-11-28T10:15:02.113Z"}
        """#)

    static let device = DeviceDetailDocument(
        serial: "SM2-004211", model: "SynchroMed II", state: "impending_failure", battery: "ERI",
        lastSeen: "2026-11-28T10:15:02.113Z",
        therapy: TherapyDocument(
            patient: "MRN-55512", indication: "spasticity", drug: "baclofen", route: "intrathecal",
            criteria: CriteriaDocument(severeRefractory: true), enrolledAt: "2026-01-05T14:30:00.000Z"),
        openAlerts: [
            OpenAlertDocument(
                messageID: "a-0041", code: "BATTERY_ERI", severity: "warning", at: "2026-11-28T10:14:00Z",
                detail: "Battery at elective replacement indicator")
        ],
        latestStatus: latestStatus)

    static let deviceNeverReported = DeviceDetailDocument(
        serial: "SM2-009999", model: nil, state: "unknown", battery: nil, lastSeen: nil, therapy: nil, openAlerts: [],
        latestStatus: nil)

    static let events = EventListDocument(events: [
        latestStatus,
        json(
            #"""
            {"v": 1, "id": "a-0041", "serial": "SM2-004211", "kind": "alert", "at": "2026-11-28T10:14:00Z",
             "code": "BATTERY_ERI", "severity": "warning", "detail": "Battery at elective replacement indicator",
             "received_at": "2026-11-28T10:14:01.500Z"}
            """#),
        json(
            #"""
            {"v": 1, "id": "a-0040", "serial": "SM2-004211", "kind": "alert", "at": "2026-11-27T08:00:00+01:00",
             "code": "LOW_RESERVOIR", "severity": "info", "state": "cleared",
             "received_at": "2026-11-27T07:00:03.000Z"}
            """#),
    ])

    static let telemetryRecord = EligibilityRecordDocument(
        id: "R-000017", serial: "SM2-004211", type: "replacement", trigger: "telemetry", requestReason: nil,
        determination: "medically_necessary", clause: "MN.replacement.impending_failure",
        replacementCriterion: "impending_failure",
        indication: IndicationDocument(status: "covered", clause: "MN.indication.3"), missing: [],
        suppliesCovered: true,
        evidence: [
            EvidenceDocument(messageID: "a-0041", kind: "alert", code: "BATTERY_ERI", at: "2026-11-28T10:14:00Z"),
            EvidenceDocument(messageID: "s-0042", kind: "status", code: nil, at: "2026-11-28T10:15:00Z"),
        ],
        policy: policy, createdAt: "2026-11-28T10:15:02.412Z", note: nil)

    static let implantRecord = EligibilityRecordDocument(
        id: "R-000018", serial: "SM2-010001", type: "implant", trigger: "request", requestReason: nil,
        determination: "needs_review", clause: "MN.indication.5", replacementCriterion: nil,
        indication: IndicationDocument(status: "unknown", clause: "MN.indication.5"), missing: ["trial_route"],
        suppliesCovered: false, evidence: [], policy: policy, createdAt: "2026-11-29T08:00:00.000Z", note: nil)

    static let requestRecord = EligibilityRecordDocument(
        id: "R-000019", serial: "C3000-0107", type: "replacement", trigger: "request", requestReason: "upgrade",
        determination: "not_medically_necessary", clause: "NMN.replacement.upgrade", replacementCriterion: "none",
        indication: IndicationDocument(status: "unknown", clause: nil), missing: [], suppliesCovered: false,
        evidence: [EvidenceDocument(messageID: "s-0107", kind: "status", code: nil, at: "2026-11-28T09:00:00Z")],
        policy: policy, createdAt: "2026-11-29T09:30:00.125Z", note: "Patient asks for the newer model")

    static let records = RecordListDocument(records: [requestRecord, implantRecord, telemetryRecord])

    static let rejected = RejectedListDocument(rejected: [
        RejectedDocument(
            receivedAt: "2026-11-28T11:00:00.000Z", reason: "unknown_code", detail: "code 'BATTERY_LOW' is not known",
            raw: #"{"v":1,"id":"x1","serial":"SM2-004211","kind":"alert","code":"BATTERY_LOW"}"#,
            rawBase64: "eyJ2IjoxfQ=="),
        RejectedDocument(
            receivedAt: "2026-11-28T10:59:00.000Z", reason: "invalid_json", detail: nil, raw: "hello\u{1B}[31m\u{FFFD}",
            rawBase64: "aGVsbG8bWzMxbf8="),
    ])

    /// The reply line the daemon sends for a document (its writer's bytes, without the `\n`).
    static func reply<D: Codable & Sendable>(_ document: D) -> String {
        String(decoding: ControlReplyWriter.success(document).joined().dropLast(), as: UTF8.self)
    }

    /// The reply line of a failure.
    static func failure(_ code: ControlFailureCode, _ message: String) -> String {
        String(
            decoding: ControlReplyWriter.failure(ControlFailure(code: code, message: message)).joined().dropLast(),
            as: UTF8.self)
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

/// One golden case: a command line, the daemon's canned reply, and the name of its golden texts.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    var name: String
    var arguments: [String]
    var reply: String

    var testDescription: String { name }

    static let all: [GoldenCase] = [
        GoldenCase(name: "status", arguments: ["status"], reply: Fixtures.reply(Fixtures.status)),
        GoldenCase(name: "devices", arguments: ["devices"], reply: Fixtures.reply(Fixtures.devices)),
        GoldenCase(name: "device", arguments: ["device", "SM2-004211"], reply: Fixtures.reply(Fixtures.device)),
        GoldenCase(
            name: "device-never-reported", arguments: ["device", "SM2-009999"],
            reply: Fixtures.reply(Fixtures.deviceNeverReported)),
        GoldenCase(name: "events", arguments: ["events", "SM2-004211"], reply: Fixtures.reply(Fixtures.events)),
        GoldenCase(
            name: "events-empty", arguments: ["events", "SM2-009999", "--limit", "5"],
            reply: Fixtures.reply(EventListDocument(events: []))),
        GoldenCase(name: "eligibility", arguments: ["eligibility"], reply: Fixtures.reply(Fixtures.records)),
        GoldenCase(
            name: "eligibility-empty", arguments: ["eligibility", "--serial", "SM2-009999"],
            reply: Fixtures.reply(RecordListDocument(records: []))),
        GoldenCase(
            name: "enroll",
            arguments: [
                "enroll", "SM2-010001", "--patient", "MRN-1", "--indication", "chronic_intractable_pain", "--drug",
                "opioid", "--route", "intrathecal", "--severe-chronic-intractable", "true",
                "--trial-reduction-percent", "60",
            ], reply: Fixtures.reply(Fixtures.implantRecord)),
        GoldenCase(
            name: "request-replacement",
            arguments: [
                "request-replacement", "C3000-0107", "--reason", "upgrade", "--note",
                "Patient asks for the newer model",
            ],
            reply: Fixtures.reply(Fixtures.requestRecord)),
        GoldenCase(
            name: "request-replacement-telemetry-record",
            arguments: ["request-replacement", "SM2-004211", "--reason", "convenience"],
            reply: Fixtures.reply(Fixtures.telemetryRecord)),
        GoldenCase(name: "rejected", arguments: ["rejected"], reply: Fixtures.reply(Fixtures.rejected)),
    ]
}

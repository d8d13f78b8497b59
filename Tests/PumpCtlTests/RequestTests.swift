import Foundation
import PumpControlProtocol
import PumpCtlKit
import Testing

/// What `pumpctl` sends on the control socket: one JSON line, fields an operation does not use
/// absent, and for `enroll` every criterion present, unknown ones as null.
@Suite("Requests on the control socket")
struct RequestTests {
    static let ok = GoldenFiles.reply("enroll")

    static let cases: [([String], String)] = [
        (["status"], #"{"op":"status"}"#),
        (["devices"], #"{"op":"devices"}"#),
        (["devices", "--state", "impending_failure"], #"{"op":"devices","state":"impending_failure"}"#),
        (["device", "SM2-004211"], #"{"op":"device","serial":"SM2-004211"}"#),
        (["events", "SM2-004211"], #"{"op":"events","serial":"SM2-004211","limit":50}"#),
        (["events", "SM2-004211", "--limit", "3"], #"{"op":"events","serial":"SM2-004211","limit":3}"#),
        (["eligibility"], #"{"op":"eligibility"}"#),
        (
            ["eligibility", "--serial", "SM2-004211", "--determination", "needs_review"],
            #"{"op":"eligibility","serial":"SM2-004211","determination":"needs_review"}"#
        ),
        (["rejected", "--limit", "1"], #"{"op":"rejected","limit":1}"#),
        (
            ["request-replacement", "SM2-004211", "--reason", "malfunction", "--note", "Alarm heard at home / twice"],
            #"{"op":"request-replacement","serial":"SM2-004211","reason":"malfunction","note":"Alarm heard at home / twice"}"#
        ),
        (
            ["request-replacement", "SM2-004211", "--reason", "convenience"],
            #"{"op":"request-replacement","serial":"SM2-004211","reason":"convenience"}"#
        ),
        (["backup"], #"{"op":"backup"}"#),
    ]

    @Test(arguments: cases)
    func commandSendsExactlyThisRequestLine(_ arguments: [String], _ expected: String) throws {
        let (_, requests) = try runAgainstFake(arguments, reply: Self.ok)
        #expect(requests == [expected])
    }

    @Test func enrollSendsKnownCriteriaAsBooleansAndUnknownOnesAsNull() throws {
        let (outcome, requests) = try runAgainstFake(
            [
                "enroll", "SM2-004211", "--patient", "MRN-55512", "--indication", "spasticity", "--drug", "baclofen",
                "--route", "intrathecal", "--severe-refractory", "true", "--oral-baclofen-failed", "false",
            ], reply: Self.ok)
        #expect(outcome.exitCode == 0)
        #expect(
            requests == [
                #"{"op":"enroll","serial":"SM2-004211","therapy":{"patient":"MRN-55512","indication":"spasticity","#
                    + #""drug":"baclofen","route":"intrathecal","criteria":{"severe_refractory":true,"#
                    + #""oral_baclofen_failed":false,"metastases_limited_to_liver":null,"#
                    + #""prior_external_treprostinil":null,"severe_chronic_intractable":null,"#
                    + #""trial_reduction_percent":null,"trial_route":null}}}"#
            ])
    }

    @Test func enrollWithoutCriteriaSendsEveryCriterionAsUnknown() throws {
        let (_, requests) = try runAgainstFake(
            [
                "enroll", "SM2-004211", "--patient", "P1", "--indication", "other", "--drug", "other", "--route",
                "other",
            ],
            reply: Self.ok)
        let request = try JSONDecoder().decode(ControlRequest.self, from: Data(try #require(requests.first).utf8))
        #expect(request.therapy?.criteria == CriteriaDocument())
        #expect(try #require(requests.first).contains(#""criteria":{"severe_refractory":null,"#))
    }

    @Test func enrollSendsPainTrialFacts() throws {
        let (_, requests) = try runAgainstFake(
            [
                "enroll", "SM2-004211", "--patient", "P1", "--indication", "chronic_intractable_pain", "--drug",
                "nonopioid_analgesic", "--route", "epidural", "--severe-chronic-intractable", "true",
                "--trial-reduction-percent", "50.5", "--trial-route", "epidural", "--prior-external-treprostinil",
                "false",
            ], reply: Self.ok)
        let request = try JSONDecoder().decode(ControlRequest.self, from: Data(try #require(requests.first).utf8))
        #expect(
            request.therapy
                == EnrollmentDocument(
                    patient: "P1", indication: "chronic_intractable_pain", drug: "nonopioid_analgesic",
                    route: "epidural",
                    criteria: CriteriaDocument(
                        priorExternalTreprostinil: false, severeChronicIntractable: true, trialReductionPercent: 50.5,
                        trialRoute: "epidural")))
        #expect(try #require(requests.first).contains(#""trial_reduction_percent":50.5,"#))
    }

    @Test func socketComesFromTheEnvironmentWhenNoFlagIsGiven() throws {
        let server = try FakeControlServer(reply: GoldenFiles.reply("status"))
        defer { server.stop() }
        let environment = PumpCtlEnvironment(variables: ["PUMPMOND_CONTROL_SOCKET": server.path])
        let outcome = PumpCtl.run(arguments: ["status"], environment: environment)
        #expect(outcome.exitCode == 0)
        #expect(server.requests == [#"{"op":"status"}"#])
        #expect(PumpCtlEnvironment().socketPath(option: nil) == "/run/pumpmond/control.sock")
        #expect(
            PumpCtlEnvironment(variables: ["PUMPMOND_CONTROL_SOCKET": ""]).socketPath(option: nil)
                == "/run/pumpmond/control.sock")
        #expect(environment.socketPath(option: "/elsewhere.sock") == "/elsewhere.sock")
    }
}

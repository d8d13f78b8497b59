import Foundation
import PumpControlProtocol
import PumpCtlKit
import PumpTelemetry
import Testing

@Suite("Ordered JSON encoder")
struct OrderedJSONEncoderTests {
    struct Sample: Encodable {
        var zeta = 1
        var alpha = "a/b \"q\" \\ é\n\u{01}"
        var ratio = 60.0
        var fraction = 0.25
        var none: Int? = nil
        var list = [true, false]
        var nested = ["only": 1]
        enum CodingKeys: String, CodingKey { case zeta, alpha, ratio, fraction, none, list, nested }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(zeta, forKey: .zeta)
            try c.encode(alpha, forKey: .alpha)
            try c.encode(ratio, forKey: .ratio)
            try c.encode(fraction, forKey: .fraction)
            try c.encode(none, forKey: .none)
            try c.encode(list, forKey: .list)
            try c.encode(nested, forKey: .nested)
        }
    }

    @Test func keysKeepTheirEncodingOrderAndValuesTheirJSONSpelling() throws {
        let text = try OrderedJSONEncoder().encode(Sample())
        #expect(
            text
                == #"{"zeta":1,"alpha":"a/b \"q\" \\ é\n\u0001","ratio":60,"fraction":0.25,"none":null,"#
                + #""list":[true,false],"nested":{"only":1}}"#)
    }

    @Test func prettyPrintingIndentsTwoSpaces() throws {
        let text = try OrderedJSONEncoder(prettyPrinted: true).encode(RecordListDocument(records: []))
        #expect(text == "{\n  \"records\": []\n}")
    }

    @Test func objectsInsideAJSONValueAreWrittenWithSortedKeys() throws {
        let value = Fixtures.json(#"{"b": 1, "a": {"d": [1, 2.5, null], "c": "x"}}"#)
        for _ in 0..<5 {
            #expect(try OrderedJSONEncoder().encode(value) == #"{"a":{"c":"x","d":[1,2.5,null]},"b":1}"#)
        }
    }

    @Test func nonFiniteNumbersAreRefused() {
        #expect(throws: EncodingError.self) { try OrderedJSONEncoder().encode([Double.infinity]) }
    }

    @Test func requestRoundTripsThroughTheDaemonsDecoder() throws {
        let request = ControlRequest(
            op: .enroll, serial: "SM2-1",
            therapy: EnrollmentDocument(
                patient: "P", indication: "spasticity", drug: "baclofen", route: "intrathecal",
                criteria: CriteriaDocument(severeRefractory: true, trialReductionPercent: 72.5)))
        let text = try OrderedJSONEncoder().encode(request)
        #expect(try JSONDecoder().decode(ControlRequest.self, from: Data(text.utf8)) == request)
    }
}

@Suite("Validation and words")
struct ValidationTests {
    @Test(arguments: ["SM2-004211", "abc", "A1-", String(repeating: "x", count: 32), "C3000-0107"])
    func serialsOfTheProtocolAreAccepted(_ serial: String) {
        #expect(Validation.isValidSerial(serial))
    }

    @Test(arguments: ["", "ab", "-SM2", "SM2_1", "SM2 1", "SM2-ä1", String(repeating: "x", count: 33)])
    func otherSerialsAreRefused(_ serial: String) {
        #expect(!Validation.isValidSerial(serial))
    }

    @Test(arguments: [("0", 0.0), ("100", 100.0), ("50.5", 50.5), ("51", 51.0)])
    func percentagesFrom0To100AreAccepted(_ text: String, _ value: Double) throws {
        #expect(try Validation.percent(text, flag: "--p") == value)
    }

    @Test(arguments: ["101", "-0.1", "abc", "inf", "", "60%"])
    func otherPercentagesExit65(_ text: String) {
        #expect(throws: PumpCtlError(exitCode: 65, message: "--p: '\(text)' is not a percentage from 0 to 100")) {
            try Validation.percent(text, flag: "--p")
        }
    }

    @Test func determinationsReadAtAGlance() {
        #expect(Words.determination("medically_necessary").text == "medically necessary")
        #expect(Words.determination("not_medically_necessary").text == "not medically necessary")
        #expect(
            Words.determination("needs_review", missing: ["trial_route", "trial_reduction_percent"]).text
                == "needs review (missing: trial_route, trial_reduction_percent)")
        #expect(Words.state("non_functional").text == "non-functional")
        #expect(Words.state("stalled").text == "stalled (within grace)")
    }

    @Test func everyPolicyClauseHasASummary() {
        let clauses = [
            "MN.indication.1", "MN.indication.2", "MN.indication.3", "MN.indication.4", "MN.indication.5",
            "MN.supplies", "MN.replacement.non_function", "MN.replacement.impending_failure",
            "NMN.replacement.convenience", "NMN.replacement.upgrade", "NMN.use.heparin_thromboembolic",
            "NMN.use.antibiotics_osteomyelitis", "NMN.use.other",
        ]
        #expect(clauses.allSatisfy { Words.clauseSummary($0) != nil })
        #expect(Words.clause("X.unknown") == "X.unknown")
    }

    @Test func uptimeReadsInDaysHoursMinutes() {
        let status = DaemonStatusDocument(
            version: "1", uptimeS: 59, store: "s", pumps: 0, messages: 0, records: 0, rejected: 0)
        #expect(Render.status(status, TextStyle()).hasPrefix("pumpmond 1, up 59s\n"))
    }
}

@Suite("Control socket client")
struct ControlSocketClientTests {
    @Test func hungDaemonTimesOutWith69() throws {
        let gate = DispatchSemaphore(value: 0)
        let server = try FakeControlServer(respond: { _ in
            gate.wait()
            return nil
        })
        defer { server.stop() }
        let environment = PumpCtlEnvironment(replyTimeout: .milliseconds(100))
        let outcome = PumpCtl.run(arguments: ["status", "--socket", server.path], environment: environment)
        gate.signal()
        #expect(outcome.exitCode == 69)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr.contains("no reply within"))
    }

    @Test func replySplitAcrossManyWritesIsReassembled() throws {
        let big = RecordListDocument(records: Array(repeating: Fixtures.telemetryRecord, count: 400))
        let (outcome, _) = try runAgainstFake(["eligibility", "--json"], reply: Fixtures.reply(big))
        #expect(outcome.exitCode == 0)
        let decoded = try JSONDecoder().decode(RecordListDocument.self, from: Data(outcome.stdout.utf8))
        #expect(decoded == big)
    }
}

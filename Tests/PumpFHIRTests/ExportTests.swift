import Foundation
import PumpControlProtocol
import PumpFHIR
import PumpJSON
import PumpTesting
import Testing

/// The mapping of records and pumps to FHIR R4, checked against golden exports, the Python
/// `fhir.resources` validator (R4B models), the CRD invariants and a round trip.
@Suite("FHIR export")
struct ExportTests {
    static let options = FHIRExportOptions()

    /// The export of one record, pretty-printed as `pumpctl record ID --fhir` prints it.
    static func export(_ record: EligibilityRecordDocument, options: FHIRExportOptions = options) throws -> String {
        let bytes = try FHIRBundleWriter.document(
            id: "record-\(record.id)", resources: FHIRMapping.resources(for: record, options: options))
        return pretty(bytes)
    }

    static func pretty(_ bytes: [UInt8]) -> String {
        var printer = JSONPrettyPrinter()
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { printer.print($0, into: &out) }
        return String(decoding: out, as: UTF8.self) + "\n"
    }

    static func goldenURL(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens/\(name).json")
    }

    static let recording = ProcessInfo.processInfo.environment["PUMPCTL_RECORD_GOLDENS"] == "1"

    /// The DeviceRequests of a bundle's text.
    static func deviceRequests(_ text: String) throws -> [JSONValue] {
        let bundle = try JSONParser.parse(Array(text.utf8))
        return (bundle["entry"]?.arrayValue ?? []).compactMap { entry in
            entry["resource"]?["resourceType"]?.stringValue == "DeviceRequest" ? entry["resource"] : nil
        }
    }

    @Test(arguments: Fixtures.cases.map(\.name))
    func exportEqualsItsGolden(name: String) throws {
        let record = try #require(Fixtures.cases.first { $0.name == name }?.record)
        let text = try Self.export(record)
        if Self.recording {
            try Data(text.utf8).write(to: Self.goldenURL(name))
            Issue.record("recorded Goldens/\(name).json: review it, then run without PUMPCTL_RECORD_GOLDENS")
            return
        }
        let golden = String(decoding: try Data(contentsOf: Self.goldenURL(name)), as: UTF8.self)
        #expect(text == golden, "differs from Goldens/\(name).json")
    }

    @Test func everyGoldenExportIsValidFHIRWithTheCRDInvariants() throws {
        #expect(PythonEnvironment.problem == nil, "\(PythonEnvironment.problem ?? "")")
        let paths = Fixtures.cases.map { Self.goldenURL($0.name).path }
        let script = BuiltProducts.packageRoot.appendingPathComponent("Tests/PumpFHIRTests/Python/validate_bundle.py")
        let run = try ProgramRun.run(PythonEnvironment.python, [script.path] + paths)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == paths.count)
        for line in lines { #expect(line.contains(": ok "), "\(line)") }
    }

    @Test func theValidatorRejectsABrokenExport() throws {
        #expect(PythonEnvironment.problem == nil, "\(PythonEnvironment.problem ?? "")")
        let script = BuiltProducts.packageRoot.appendingPathComponent("Tests/PumpFHIRTests/Python/validate_bundle.py")
        let record = try #require(Fixtures.cases.first { $0.name == "request-convenience" }?.record)
        // pa-needed on a not-covered determination breaks crd-ci-q2; an unknown element breaks FHIR.
        let paNeeded = try Self.export(record).replacingOccurrences(
            of: #""valueCode": "not-covered""#,
            with: #""valueCode": "not-covered"}, {"url": "pa-needed", "valueCode": "auth-needed""#)
        let run = try ProgramRun.run(PythonEnvironment.python, [script.path, "-"], input: paNeeded)
        #expect(run.status == 1)
        #expect(run.stdout.contains("crd-ci-q2"), "\(run.stdout)")
        let unknown = try Self.export(record).replacingOccurrences(
            of: #""intent": "order""#, with: #""intent": "order", "urgency": "now""#)
        let second = try ProgramRun.run(PythonEnvironment.python, [script.path, "-"], input: unknown)
        #expect(second.status == 1)
        #expect(second.stdout.contains("invalid"), "\(second.stdout)")
    }

    @Test(arguments: Fixtures.cases.map(\.name))
    func determinationClauseAndMissingFactsReadBackFromTheDeviceRequest(name: String) throws {
        let record = try #require(Fixtures.cases.first { $0.name == name }?.record)
        let requests = try Self.deviceRequests(Self.export(record))
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        let reading = try #require(CoverageReading(deviceRequest: request))
        #expect(reading.determination == record.determination)
        #expect(reading.clause == record.clause)
        #expect(reading.missing == record.missing)
        #expect(reading.recordID == record.id)
    }

    @Test(arguments: Fixtures.cases.map(\.name))
    func coverageInformationKeepsTheCRDInvariants(name: String) throws {
        let record = try #require(Fixtures.cases.first { $0.name == name }?.record)
        let request = try #require(try Self.deviceRequests(Self.export(record)).first)
        let reading = try #require(CoverageReading(deviceRequest: request))
        let conditional = reading.covered == "conditional" || reading.paNeeded == "conditional"
        #expect((reading.infoNeeded != nil) == conditional, "info-needed exactly when something is conditional")
        #expect((reading.covered == "not-covered") == (reading.paNeeded == nil), "pa-needed absent when not-covered")
        for required in ["coverage", "covered", "date", "coverage-assertion-id", "reason"] {
            #expect(reading.parts.contains(required), "\(required) missing")
        }
        let expected = ["medically_necessary": "covered", "not_medically_necessary": "not-covered"]
        #expect(reading.covered == expected[record.determination] ?? "conditional")
    }

    @Test func theSameRecordExportsToTheSameIDsEveryTime() throws {
        let record = try #require(Fixtures.cases.first { $0.name == "telemetry-impending-failure" }?.record)
        let ids = FHIRMapping.resources(for: record, options: Self.options).map { "\($0.resourceType)/\($0.id)" }
        #expect(ids == FHIRMapping.resources(for: record, options: Self.options).map { "\($0.resourceType)/\($0.id)" })
        #expect(
            ids == [
                "DeviceRequest/record-R-000004", "Device/pump-SM2-004211",
                "Coverage/coverage-\(FHIRIDs.hash("Anthem Blue Cross Connecticut\u{0}MRN-55512"))",
                "DocumentReference/policy-CG-SURG-79",
                "Observation/message-SM2-004211-\(FHIRIDs.hash("a2"))",
                "Observation/message-SM2-004211-\(FHIRIDs.hash("a3"))",
            ])
        #expect(FHIRIDs.hash("a2") == "089c1407b54546da")  // FNV-1a 64: fixed across runs and platforms
    }

    @Test func theConfiguredPayerNamesTheCoverage() throws {
        let record = try #require(Fixtures.cases.first { $0.name == "telemetry-impending-failure" }?.record)
        let text = try Self.export(record, options: FHIRExportOptions(payer: "Example Health Plan"))
        #expect(text.contains(#""display": "Example Health Plan""#))
        #expect(!text.contains(#""display": "Anthem Blue Cross Connecticut""#))
        #expect(try Self.export(record).contains(#""display": "Anthem Blue Cross Connecticut""#))
    }

    @Test func aRetiredPumpIsAnInactiveDevice() throws {
        let retired = try #require(Fixtures.cases.first { $0.name == "retired-pump" }?.record)
        let active = try #require(Fixtures.cases.first { $0.name == "telemetry-impending-failure" }?.record)
        func status(_ record: EligibilityRecordDocument) throws -> String? {
            let bundle = try JSONParser.parse(Array(try Self.export(record).utf8))
            let device = bundle["entry"]?.arrayValue?.first { $0["resource"]?["resourceType"] == .string("Device") }
            return device?["resource"]?["status"]?.stringValue
        }
        #expect(try status(retired) == "inactive")
        #expect(try status(active) == "active")
    }

    @Test func timesAreFHIRDateTimesAndNothingIsNullOrEmpty() throws {
        let record = try #require(Fixtures.cases.first { $0.name == "telemetry-non-function-never-enrolled" }?.record)
        let text = try Self.export(record)
        #expect(text.contains(#""effectiveDateTime": "2026-01-05T10:20:00Z""#))  // sent as `...00z`
        #expect(!text.contains("null"))
        #expect(!text.contains("[]"))
        #expect(!text.contains("{}"))
        #expect(!text.contains(#""""#))
        // A pump never enrolled: the patient is said to be unknown, not left empty.
        #expect(text.contains(#""valueCode": "unknown""#))
    }

    @Test func anEmptyBundleHasNoEntryAndSharedResourcesAreWrittenOnce() throws {
        #expect(
            try FHIRBundleWriter.document(id: "empty", resources: [])
                == Array(
                    #"{"resourceType":"Bundle","id":"empty","type":"collection"}"#.utf8))
        let record = try #require(Fixtures.cases.first { $0.name == "request-convenience" }?.record)
        let twice =
            FHIRMapping.resources(for: record, options: Self.options)
            + FHIRMapping.resources(for: record, options: Self.options)
        let bundle = try JSONParser.parse(try FHIRBundleWriter.document(id: "twice", resources: twice))
        #expect(bundle["entry"]?.arrayValue?.count == FHIRMapping.resources(for: record, options: Self.options).count)
    }

    @Test func aDeviceExportHoldsTheDeviceItsLatestStatusAndOpenAlerts() throws {
        let detail = DeviceDetailDocument(
            serial: "SM2-004211", model: "SynchroMed II", state: "impending_failure", battery: "ERI",
            lastSeen: "2026-01-05T09:05:00.500Z", therapy: nil,
            openAlerts: [
                OpenAlertDocument(
                    messageID: "a2", code: "BATTERY_ERI", severity: "warning", at: "2026-01-05T09:00:00Z",
                    detail: "Battery at elective replacement indicator")
            ], latestStatus: Fixtures.eriStatus, reason: "battery_eri")
        let resources = FHIRMapping.resources(for: detail)
        #expect(resources.map(\.resourceType) == ["Device", "Observation", "Observation"])
        let text = Self.pretty(try FHIRBundleWriter.document(id: "device-SM2-004211", resources: resources))
        #expect(text.contains(#""code": "BATTERY_ERI""#))
        #expect(text.contains(#""code": "184508""#))  // MDC_PUMP_STAT beside our pump-status code
        #expect(PythonEnvironment.problem == nil, "\(PythonEnvironment.problem ?? "")")
        let script = BuiltProducts.packageRoot.appendingPathComponent("Tests/PumpFHIRTests/Python/validate_bundle.py")
        let run = try ProgramRun.run(PythonEnvironment.python, [script.path, "-"], input: text)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    }

    @Test func theDocumentedExampleIsTheCodesOutput() throws {
        let record = try #require(Fixtures.cases.first { $0.name == "telemetry-impending-failure" }?.record)
        let docs = BuiltProducts.packageRoot.appendingPathComponent("docs/fhir.md")
        let text = String(decoding: try Data(contentsOf: docs), as: UTF8.self)
        #expect(text.contains("```json\n" + (try Self.export(record)) + "```"), "docs/fhir.md's example is stale")
    }
}

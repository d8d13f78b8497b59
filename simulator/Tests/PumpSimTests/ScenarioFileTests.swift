import Foundation
import PumpSimKit
import Testing

@Suite struct ScenarioFileTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scenarios")

    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()

    @Test func theScenarioDirectoryHasFiles() {
        #expect(Self.files.count >= 13)
    }

    @Test(arguments: files)
    func scenarioParsesAndItsExpectationsFollowThePolicyTable(file: String) throws {
        let scenario = try Scenario.load(path: Self.directory.appendingPathComponent(file).path)
        let script = try ScenarioScript(scenario)
        #expect(!script.steps.isEmpty)
        let outcome = ScenarioChecker.check(script)
        #expect(outcome.problems == [], "\(file)")
    }

    @Test(arguments: 1...9)
    func everyRowOfTheReplacementTableHasAScenario(row: Int) throws {
        var found = false
        for file in Self.files {
            let s = try Scenario.load(path: Self.directory.appendingPathComponent(file).path)
            if s.policyRow?.hasPrefix("replacement table row \(row):") == true { found = true }
        }
        #expect(found)
    }

    @Test(arguments: ["stall-mri-recovers-after-10h.json", "stall-plain-over-2h.json"])
    func theStallRulesHaveScenarios(file: String) {
        #expect(Self.files.contains(file))
    }

    @Test func aWrongExpectationIsCaught() throws {
        var scenario = try Scenario.load(path: Self.directory.appendingPathComponent("stall-plain-over-2h.json").path)
        scenario.pumps[0].expect.state = .functional
        scenario.pumps[0].expect.records.removeLast()
        let outcome = ScenarioChecker.check(try ScenarioScript(scenario))
        #expect(outcome.problems.count == 2)
    }

    @Test func malformedAndDuplicateLinesExpectTheirReplies() throws {
        let scenario = try Scenario.load(
            path: Self.directory.appendingPathComponent("protocol-duplicates-and-malformed.json").path)
        var expected: [String] = []
        for step in try ScenarioScript(scenario).steps {
            if case .send(_, let line, _, let expect) = step {
                expected.append(expect.description)
                if expect.reason == "frame_too_large" { #expect(line.bytes.count > 65_537) }
                if expect.result == .duplicate { #expect(line.id != nil) }
            }
        }
        #expect(expected.contains("rejected (invalid_json)"))
        #expect(expected.contains("rejected (timestamp_in_future)"))
        #expect(expected.filter { $0 == "duplicate" }.count == 2)
    }

    @Test func badFilesGetErrorsThatNameTheProblem() {
        let data = Data(
            #"{"name": "x", "pumps": [{"serial": "S-1", "model": "medtronic", "events": [], "expect": {"records": []}}]}"#
                .utf8)
        #expect(throws: ScenarioError.self) { try Scenario.decode(data, file: "x.json") }
        let late = Data(
            #"{"name": "x", "pumps": [{"serial": "SM2-1", "model": "synchromed", "events": [{"at": "soon", "do": "stall"}], "expect": {"records": []}}]}"#
                .utf8)
        #expect(throws: ScenarioError.self) { try ScenarioScript(Scenario.decode(late, file: "x.json")) }
    }
}

extension ScenarioFileTests {
    /// An `alert` event's code is the protocol's `AlertCode`: a vendor code is sent as written, and a
    /// word that is neither a protocol nor a vendor code is refused when the scenario is compiled.
    @Test func anAlertEventTakesProtocolAndVendorCodesAndRefusesOtherWords() throws {
        var scenario = try Scenario.load(path: Self.directory.appendingPathComponent(Self.files[0]).path)
        var event = scenario.pumps[0].events[0]
        event.action = .script(.alert)
        event.code = "X-ACME-DOOR-OPEN"
        scenario.pumps[0].events = [event]
        let sent = try ScenarioScript(scenario).steps.compactMap { step -> PumpMessage? in
            if case .send(_, _, let message, _) = step { return message }
            return nil
        }
        #expect(sent.contains { $0.alertCode?.word == "X-ACME-DOOR-OPEN" })
        scenario.pumps[0].events[0].code = "NOT_A_CODE"
        #expect(throws: ScenarioError.self) { try ScenarioScript(scenario) }
    }
}

import Foundation
import PumpSimKit
import Testing

/// The simulator's lines pinned to the bytes it wrote before it took the protocol's vocabulary and
/// shapes from PumpTelemetry: the same seed and the same scenarios still give the same bytes.
@Suite struct WireBytesTests {
    /// FNV-1a, 64 bits: enough to tell two byte streams apart in a test.
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        return h
    }

    static let fleetDigest: UInt64 = 0x1ee8_fec9_70de_58d7
    static let scenarioDigest: UInt64 = 0xf167_de34_c669_6919

    @Test func theFleetStreamIsTheBytesItWasBeforeTheSharedVocabulary() {
        let bytes = DeterminismTests.stream(seed: 42)
        #expect(bytes.count > 100_000)
        let digest = Self.fnv1a(bytes)
        #expect(digest == Self.fleetDigest, "fleet digest \(String(digest, radix: 16)), \(bytes.count) bytes")
    }

    /// The scenario files the digest was recorded over; files added since are not in it.
    static let pinnedScenarioFiles = [
        "protocol-duplicates-and-malformed.json", "replacement-1-non-function-covered.json",
        "replacement-2-impending-failure-covered.json", "replacement-3-none-convenience.json",
        "replacement-4-none-upgrade.json", "replacement-5-malfunction-covered.json",
        "replacement-6-malfunction-unknown.json", "replacement-7-malfunction-not-covered.json",
        "replacement-8-failure-not-covered.json", "replacement-9-failure-unknown.json",
        "stall-61-minutes-after-mri.json", "stall-mri-recovers-after-10h.json", "stall-plain-over-2h.json",
        "stall-recovery-at-deadline.json",
    ]

    @Test func everyScenarioLineIsTheBytesItWasBeforeTheSharedVocabulary() throws {
        #expect(Set(Self.pinnedScenarioFiles).isSubset(of: ScenarioFileTests.files))
        var bytes: [UInt8] = []
        for file in Self.pinnedScenarioFiles {
            let scenario = try Scenario.load(path: ScenarioFileTests.directory.appendingPathComponent(file).path)
            for step in try ScenarioScript(scenario).steps {
                if case .send(_, let line, let message, _) = step {
                    bytes += line.bytes
                    if let message { bytes += message.reserializedLine() }
                }
            }
        }
        #expect(bytes.count > 10_000)
        let digest = Self.fnv1a(bytes)
        #expect(digest == Self.scenarioDigest, "scenario digest \(String(digest, radix: 16)), \(bytes.count) bytes")
    }

    /// One status with every field the simulator writes and one cleared alert, spelled out.
    @Test func aStatusAndAnAlertAreSpelledAsBefore() {
        let fleet = Fleet(FleetConfiguration(pumps: 12, span: 2 * SimTime.year, seed: 42, faultScale: 20))
        let lines = fleet.messages().map { String(decoding: $0.jsonLine(), as: UTF8.self) }
        let status = lines.first { $0.contains("\"months_remaining\"") && $0.contains("\"reservoir_ml\"") }
        let cleared = lines.first { $0.contains("\"state\":\"cleared\"") }
        #expect(
            status
                == #"{"v":1,"id":"01aa1a85-e9a9-45bf-8a96-59dda636c620","serial":"SM2-000001","kind":"status","#
                + #""at":"2016-01-04T00:00:00Z","model":"SynchroMed II","firmware":"8637-4.1","#
                + #""battery":{"state":"MOS","months_remaining":38},"motor":"ok","reservoir_ml":13.9,"infusing":true}"#
                + "\n")
        #expect(
            cleared
                == #"{"v":1,"id":"612a33e6-4063-4f1c-8377-cede6623cd5f","serial":"SM2-000011","kind":"alert","#
                + #""at":"2016-01-24T12:54:33Z","code":"LOW_RESERVOIR","severity":"warning","state":"cleared"}"#
                + "\n")
    }
}

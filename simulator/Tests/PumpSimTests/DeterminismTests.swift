import Foundation
import PumpSimKit
import PumpTesting
import Testing

@Suite struct DeterminismTests {
    @Test func splitMix64MatchesTheReferenceSequence() {
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func integersStayInTheirRange() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<10_000 {
            #expect((3...9).contains(rng.integer(in: 3...9)))
            let u = rng.unit()
            #expect(u >= 0 && u < 1)
        }
    }

    static func stream(seed: UInt64) -> [UInt8] {
        let fleet = Fleet(FleetConfiguration(pumps: 12, span: 2 * SimTime.year, seed: seed, faultScale: 20))
        var bytes: [UInt8] = []
        for m in fleet.messages() { bytes += m.jsonLine() }
        return bytes
    }

    @Test func theSameSeedGivesTheSameBytes() {
        let a = Self.stream(seed: 42)
        let b = Self.stream(seed: 42)
        #expect(a.count > 100_000)
        #expect(a == b)
    }

    /// `pumpsim generate` as a process, twice with one seed and once with another: the files are
    /// byte-identical, then different, and they are the library's stream.
    @Test func thePumpsimExecutableWritesTheSameBytesForTheSameSeed() throws {
        let directory = try TemporaryDirectory(prefix: "pmgen")
        defer { directory.remove() }
        func generate(seed: Int, to name: String) throws -> Data {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: BuiltProducts.path(of: "pumpsim"))
            process.arguments = [
                "generate", "--pumps", "12", "--years", "2", "--seed", String(seed), "--fault-scale", "20",
                "-o", directory.file(name),
            ]
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            return try Data(contentsOf: URL(fileURLWithPath: directory.file(name)))
        }
        let a = try generate(seed: 42, to: "a.jsonl")
        let b = try generate(seed: 42, to: "b.jsonl")
        let c = try generate(seed: 43, to: "c.jsonl")
        #expect(a.count > 100_000)
        #expect(a == b)
        #expect(a != c)
        #expect(a == Data(Self.stream(seed: 42)))
    }

    @Test func aDifferentSeedGivesDifferentBytes() {
        #expect(Self.stream(seed: 42) != Self.stream(seed: 43))
    }

    @Test func addingPumpsDoesNotChangeTheFirstOnes() {
        let small = Fleet(FleetConfiguration(pumps: 3, seed: 9))
        let large = Fleet(FleetConfiguration(pumps: 30, seed: 9))
        for i in 0..<3 {
            #expect(small.pumps[i].serial == large.pumps[i].serial)
            #expect(small.pumps[i].truth == large.pumps[i].truth)
            #expect(small.pumps[i].plan.events == large.pumps[i].plan.events)
        }
    }

    @Test func messagesAreInTimeOrderWithUniqueIDsPerPump() {
        var last = SimTime(seconds: .min)
        var ids = Set<String>()
        for m in Fleet(FleetConfiguration(pumps: 10, span: SimTime.year, seed: 5, faultScale: 20)).messages() {
            #expect(m.at >= last)
            last = m.at
            #expect(ids.insert(m.serial + "/" + m.id).inserted)
        }
    }

    @Test func everyMessageHasTheEnvelopeOfProtocolV1() throws {
        var stream = Fleet(FleetConfiguration(pumps: 1, seed: 3)).messages()
        let next = stream.next()
        let first = try #require(next)
        let text = String(decoding: first.jsonLine(), as: UTF8.self)
        #expect(
            text.hasPrefix(
                "{\"v\":1,\"id\":\"\(first.id)\",\"serial\":\"\(first.serial)\",\"kind\":\"status\",\"at\":\"2016-01-04T00:00:00Z\""
            ))
        #expect(text.hasSuffix("}\n"))
        #expect(!text.dropLast().contains("\n"))
    }
}

import Foundation
import PumpHealth
import Testing

/// The compact binary form the daemon stores per pump must give back exactly the same state,
/// whatever the pump went through, and must refuse damaged bytes instead of inventing a state.
@Suite struct CodingTests {
    @Test func everyGeneratedStateSurvivesItsBinaryForm() throws {
        var generator = HistoryGenerator(rng: SplitMix64(seed: 0x5EED_C0DE))
        var seen = Set<HealthState>()
        for _ in 0..<300 {
            let history = generator.history(count: Int.random(in: 0...40, using: &generator.rng))
            for prefix in [history.count / 2, history.count] {
                let health = fold(Array(history.prefix(prefix)))
                seen.insert(health.assess(now: nil).state)
                let decoded = try PumpHealth(binary: health.binaryEncoded())
                #expect(decoded == health)
                #expect(assessments(decoded) == assessments(health))
            }
        }
        // The histories reached every state, so every optional part of the form was exercised.
        #expect(seen == Set(HealthState.allCases))
    }

    @Test func anMRIStallThatLapsedAndRecoveredKeepsAllItsEvidence() throws {
        let health = fold([
            alert("mri", "MRI_EXPOSURE", at: 0),
            status("stall", at: 10 * minute, motor: "stalled"),
            status("late", at: 30 * hour, motor: "stalled"),
            alert("rec", "MOTOR_STALL_RECOVERED", at: 31 * hour),
            alert("stall2", "MOTOR_STALL", at: 32 * hour),
        ])
        let decoded = try PumpHealth(binary: health.binaryEncoded())
        #expect(decoded == health)
        #expect(ids(decoded.assess(now: nil).lapsedStallEvidence) == ["mri", "stall", "late"])
    }

    @Test func otherStallRulesAreKept() throws {
        let rules = StallRules(stallGrace: 5 * minute, mriStallGrace: 7 * hour, mriWindow: 3 * minute)
        let health = fold([status("a", at: 0, motor: "stalled")], rules: rules)
        #expect(try PumpHealth(binary: health.binaryEncoded()).rules == rules)
    }

    @Test func theBinaryFormIsSmallerThanJSON() throws {
        let health = fold([status("238c4d08-8a54-4216-9804-fa1185b5d010", at: 0)])
        let json = try JSONEncoder().encode(health)
        #expect(health.binaryEncoded().count * 2 < json.count)
        #expect(health.binaryEncoded().first == PumpHealth.binaryFormat)
        #expect(json.first == UInt8(ascii: "{"))
    }

    @Test func damagedBytesAreRefused() {
        let bytes = fold([alert("e", "CRITICAL_ERROR", at: 0), status("s", at: minute, motor: "stalled")])
            .binaryEncoded()
        for cut in 0..<bytes.count {
            #expect(throws: HealthDecodingError.self) { try PumpHealth(binary: Array(bytes.prefix(cut))) }
        }
        #expect(throws: HealthDecodingError.self) { try PumpHealth(binary: bytes + [0]) }
        var wrongFormat = bytes
        wrongFormat[0] = 0x02
        #expect(throws: HealthDecodingError.self) { try PumpHealth(binary: wrongFormat) }
    }
}

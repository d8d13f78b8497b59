import Foundation
import PumpHealth
import PumpStore
import PumpTesting
import Testing

/// The form the store keeps a pump's failure-detection state in must give back exactly the same
/// state, whatever the pump went through, must refuse damaged bytes instead of inventing a state,
/// and must still read the JSON rows of earlier versions.
@Suite struct HealthStorageTests {
    typealias H = HealthHistory
    static let minute = H.minute
    static let hour = H.hour

    /// The state judged on the pump's clock and at moments of the daemon's clock over 60 hours.
    static func assessments(_ health: PumpHealth) -> [HealthAssessment] {
        let times: [Int64?] = [nil] + (0...40).map { H.base + Int64($0) * 90 * minute }
        return times.map { health.assess(now: $0) }
    }

    static func ids(_ refs: [EvidenceRef]?) -> [String]? { refs?.map(\.messageID) }

    @Test func everyGeneratedStateSurvivesItsBinaryForm() throws {
        var generator = HistoryGenerator(seed: 0x5EED_C0DE)
        var seen = Set<HealthState>()
        for _ in 0..<300 {
            let history = generator.history(count: Int.random(in: 0...40, using: &generator.rng))
            for prefix in [history.count / 2, history.count] {
                let health = H.fold(Array(history.prefix(prefix)))
                seen.insert(health.assess(now: nil).state)
                let decoded = try PumpHealth(binary: health.binaryEncoded())
                #expect(decoded == health)
                #expect(Self.assessments(decoded) == Self.assessments(health))
            }
        }
        // The histories reached every state, so every optional part of the form was exercised.
        #expect(seen == Set(HealthState.allCases))
    }

    @Test func anMRIStallThatLapsedAndRecoveredKeepsAllItsEvidence() throws {
        let health = H.fold([
            H.alert("mri", "MRI_EXPOSURE", at: 0),
            H.status("stall", at: 10 * Self.minute, motor: "stalled"),
            H.status("late", at: 30 * Self.hour, motor: "stalled"),
            H.alert("rec", "MOTOR_STALL_RECOVERED", at: 31 * Self.hour),
            H.alert("stall2", "MOTOR_STALL", at: 32 * Self.hour),
        ])
        let decoded = try PumpHealth(binary: health.binaryEncoded())
        #expect(decoded == health)
        #expect(Self.ids(decoded.assess(now: nil).lapsedStallEvidence) == ["mri", "stall", "late"])
    }

    @Test func otherStallRulesAreKept() throws {
        let rules = StallRules(stallGrace: 5 * Self.minute, mriStallGrace: 7 * Self.hour, mriWindow: 3 * Self.minute)
        let health = H.fold([H.status("a", at: 0, motor: "stalled")], rules: rules)
        #expect(try PumpHealth(binary: health.binaryEncoded()).rules == rules)
    }

    @Test func theBinaryFormIsSmallerThanJSON() throws {
        let health = H.fold([H.status("238c4d08-8a54-4216-9804-fa1185b5d010", at: 0)])
        let json = try JSONEncoder().encode(health)
        #expect(health.binaryEncoded().count * 2 < json.count)
        #expect(health.binaryEncoded().first == PumpHealth.binaryFormat)
        #expect(json.first == UInt8(ascii: "{"))
    }

    @Test func damagedBytesAreRefused() {
        let bytes = H.fold([H.alert("e", "CRITICAL_ERROR", at: 0), H.status("s", at: Self.minute, motor: "stalled")])
            .binaryEncoded()
        for cut in 0..<bytes.count {
            #expect(throws: HealthDecodingError.self) { try PumpHealth(binary: Array(bytes.prefix(cut))) }
        }
        #expect(throws: HealthDecodingError.self) { try PumpHealth(binary: bytes + [0]) }
        var wrongFormat = bytes
        wrongFormat[0] = 0x02
        #expect(throws: HealthDecodingError.self) { try PumpHealth(binary: wrongFormat) }
    }

    /// A pump with a stall open (status "st" stamped at `base`, received 5 s later), in the binary
    /// form written before the remembered recovery (mask bit 11) existed.
    static let formBeforeTheRememberedRecovery =
        "01004827ad010000000060d71d1400000000a493d6000000000701008098281765060002000000737400008098281765060008"
        + "000000626173652b3075730002000000737400008098281765060008000000626173652b30757340cbe42817650600004827"
        + "ad01000000"

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16) ?? 0
        }
    }

    @Test func rowsWrittenBeforeTheRememberedRecoveryStillDecode() throws {
        let decoded = try PumpHealth(stored: Self.bytes(hex: Self.formBeforeTheRememberedRecovery))
        let expected = H.fold([H.status("st", at: 0, motor: "stalled")])
        #expect(decoded.latestRecovery == nil)
        #expect(decoded == expected)
        #expect(decoded.silentStallDeadline == H.base + H.delivery + 2 * Self.hour)
        // Written again, the state keeps the old bytes: no recovery to remember.
        #expect(decoded.binaryEncoded() == Self.bytes(hex: Self.formBeforeTheRememberedRecovery))
    }

    @Test func theRememberedRecoveryIsKeptInTheBinaryForm() throws {
        var recovery = H.status("ok", at: 10 * Self.hour)
        recovery.arrival = 7
        let health = H.fold([H.status("s0", at: 0), recovery])
        #expect(health.latestRecovery == RecoveryMark(at: H.base + 10 * Self.hour, arrival: 7))
        let decoded = try PumpHealth(binary: health.binaryEncoded())
        #expect(decoded == health)
        #expect(try PumpHealth(stored: [UInt8](JSONEncoder().encode(health))) == health)
        var unknownField = health.binaryEncoded()
        unknownField[26] |= 0x10  // mask bit 12: a field a newer pumpmond would add
        #expect(throws: HealthDecodingError.self) { try PumpHealth(binary: unknownField) }
    }

    @Test func theColumnReadsTheBinaryFormAndTheJSONOfEarlierVersions() throws {
        var generator = HistoryGenerator(seed: 0x5EED_0C01)
        for _ in 0..<50 {
            let health = H.fold(generator.history(count: Int.random(in: 1...40, using: &generator.rng)))
            #expect(try PumpHealth(stored: [UInt8](health.storedForm)) == health)
            #expect(try PumpHealth(stored: [UInt8](JSONEncoder().encode(health))) == health)
        }
    }
}

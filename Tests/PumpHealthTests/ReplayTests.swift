import Foundation
import PumpHealth
import PumpTesting
import Testing

/// Moments at which the daemon's clock judges the tests' histories.
let probeTimes: [Int64?] = {
    var times: [Int64?] = [nil]
    var offset: Int64 = 0
    while offset <= 60 * hour {
        times.append(base + offset)
        offset += 90 * minute
    }
    return times
}()

func assessments(_ health: PumpHealth) -> [HealthAssessment] { probeTimes.map { health.assess(now: $0) } }

@Test func replayingAShuffledHistoryGivesTheSameStateAsApplyingItInOrder() {
    var generator = HistoryGenerator(seed: 0x5EED_0001)
    var outcomes = Set<HealthState>()
    for _ in 0..<250 {
        let history = generator.history(count: Int.random(in: 1...40, using: &generator.rng))
        let inOrder = fold(history)
        outcomes.insert(inOrder.assess(now: nil).state)
        for _ in 0..<4 {
            let shuffled = history.shuffled(using: &generator.rng)
            let replayed = PumpHealth.replaying(shuffled, rules: StallRules())
            #expect(replayed == inOrder)
            #expect(assessments(replayed) == assessments(inOrder))
        }
    }
    // The generator reaches every state, so the property is not proved on a narrow corner.
    #expect(outcomes == Set(HealthState.allCases))
}

@Test func aDaemonThatAppliesInOrderArrivalsAndReplaysLateOnesAgreesWithAFullReplay() {
    var generator = HistoryGenerator(seed: 0x5EED_0002)
    for _ in 0..<300 {
        let history = generator.history(count: Int.random(in: 1...40, using: &generator.rng))
        var arrivals = history
        // A gateway uploads a backlog late: move a random run of messages to the end.
        let cut = Int.random(in: 0..<arrivals.count, using: &generator.rng)
        let length = Int.random(in: 0...(arrivals.count - cut), using: &generator.rng)
        let backlog = Array(arrivals[cut..<(cut + length)])
        arrivals.removeSubrange(cut..<(cut + length))
        arrivals += backlog.shuffled(using: &generator.rng)

        var stored: [HealthSignal] = []
        var health = PumpHealth()
        for signal in arrivals {
            stored.append(signal)
            if health.isInOrder(signal) {
                health.apply(signal)
            } else {
                health = PumpHealth.replaying(stored, rules: StallRules())
            }
        }
        #expect(health == fold(history))
        #expect(assessments(health) == assessments(fold(history)))
    }
}

@Test func tiesInAtAreAppliedInArrivalOrder() {
    let stall = alert("st", "MOTOR_STALL", at: 0)
    let recovery = status("ok", at: 0)
    #expect(PumpHealth.replaying([stall, recovery], rules: StallRules()).assess(now: nil).state == .functional)
    #expect(PumpHealth.replaying([recovery, stall], rules: StallRules()).assess(now: nil).state == .stalled)
}

@Test func aJSONRoundTripKeepsTheStateAndItsBehaviour() throws {
    var generator = HistoryGenerator(seed: 0x5EED_0003)
    let encoder = JSONEncoder()
    let decoder = JSONDecoder()
    for _ in 0..<200 {
        let history = generator.history(count: Int.random(in: 2...40, using: &generator.rng))
        let split = Int.random(in: 0..<history.count, using: &generator.rng)
        let before = fold(Array(history[..<split]))
        let decoded = try decoder.decode(PumpHealth.self, from: encoder.encode(before))
        #expect(decoded == before)
        #expect(decoded.silentStallDeadline == before.silentStallDeadline)
        var continued = decoded
        for signal in history[split...] { continued.apply(signal) }
        #expect(assessments(continued) == assessments(fold(history)))
    }
}

@Test func theStoredStateStaysCompactHoweverLongTheHistory() throws {
    var generator = HistoryGenerator(seed: 0x5EED_0004)
    var health = PumpHealth()
    var largest = 0
    for index in 0..<20_000 {
        let offset = Int64(index) * minute
        let signal: HealthSignal
        if Bool.random(using: &generator.rng) {
            signal = status(
                "msg-\(index)", at: offset, battery: generator.pick(HistoryGenerator.batteries),
                motor: generator.pick(HistoryGenerator.motors))
        } else {
            signal = alert("msg-\(index)", generator.code(), at: offset)
        }
        health.apply(signal)
        if index % 100 == 0 { largest = max(largest, try JSONEncoder().encode(health).count) }
    }
    // At most ten references and a few numbers, whatever the number of messages.
    #expect(largest < 2_500)
}

import PumpHealth
import PumpSimKit

/// Failure-detection signals for tests, with times in microseconds relative to a fixed moment,
/// and random histories that hit the interesting edges (shared by the detection tests and the
/// tests of its stored form).
package enum HealthHistory {
    package static let hour = StallRules.hour
    package static let minute = hour / 60
    package static let base: Int64 = 1_800_000_000_000_000
    /// How long after the pump stamps a message the daemon receives it, unless a test says otherwise.
    package static let delivery: Int64 = 5_000_000

    package static func status(
        _ id: String, at offset: Int64, battery: String? = "MOS", motor: String = "ok", receivedAt: Int64? = nil
    ) -> HealthSignal {
        .status(
            id: id, battery: battery, motor: motor, at: base + offset, atText: text(offset),
            receivedAt: receivedAt ?? base + offset + delivery)
    }

    package static func alert(
        _ id: String, _ code: String, at offset: Int64, cleared: Bool = false, receivedAt: Int64? = nil
    ) -> HealthSignal {
        .alert(
            id: id, code: code, cleared: cleared, at: base + offset, atText: text(offset),
            receivedAt: receivedAt ?? base + offset + delivery)
    }

    package static func text(_ offset: Int64) -> String { "base+\(offset)us" }

    /// Applies the signals in the order given.
    package static func fold(_ signals: [HealthSignal], rules: StallRules = .init()) -> PumpHealth {
        var health = PumpHealth(rules: rules)
        for signal in signals { health.apply(signal) }
        return health
    }
}

/// Random message histories: steps of 10 minutes over 30 hours (so stall deadlines, MRI windows
/// and exact-deadline ties occur), every code, cleared states, and every battery and motor word.
package struct HistoryGenerator {
    package var rng: SplitMix64

    package init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
    }

    package static let codes = [
        "MOTOR_STALL", "MOTOR_STALL_RECOVERED", "CRITICAL_ERROR", "BATTERY_ERI", "BATTERY_EOS",
        "LOW_BATTERY_RESET", "IMPENDING_FAILURE", "LOW_RESERVOIR", "EMPTY_RESERVOIR", "PUMP_RESET",
        "MRI_EXPOSURE", "X-ACME-PING",
    ]
    // Weighted towards the stall codes, and rarely the sticky ones, so that most histories stay open.
    static let codeWeights = [6, 4, 1, 1, 1, 1, 1, 1, 1, 1, 4, 1]
    package static let batteries: [String?] = ["BOS", "MOS", "MOS", "MOS", "ERI", "EOS", nil]
    package static let motors = ["ok", "ok", "stalled", "stalled", "none"]

    package mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    package mutating func code() -> String {
        var roll = Int.random(in: 0..<Self.codeWeights.reduce(0, +), using: &rng)
        for (code, weight) in zip(Self.codes, Self.codeWeights) {
            if roll < weight { return code }
            roll -= weight
        }
        return Self.codes[0]
    }

    /// A history with distinct `at`s (so that `at` order is a total order).
    package mutating func history(count: Int) -> [HealthSignal] {
        let slots = Array(0..<180).shuffled(using: &rng).prefix(count).sorted()
        var signals: [HealthSignal] = []
        for (index, slot) in slots.enumerated() {
            let offset = Int64(slot) * 10 * HealthHistory.minute
            let delay = Int64.random(in: 0...(30 * HealthHistory.hour), using: &rng)
            let received: Int64 = HealthHistory.base + offset + delay
            let id = "m\(index)"
            if Bool.random(using: &rng) {
                let battery: String? = pick(Self.batteries)
                let motor: String = pick(Self.motors)
                signals.append(
                    HealthHistory.status(id, at: offset, battery: battery, motor: motor, receivedAt: received))
            } else {
                let cleared = Int.random(in: 0..<4, using: &rng) == 0
                signals.append(HealthHistory.alert(id, code(), at: offset, cleared: cleared, receivedAt: received))
            }
        }
        return signals
    }
}

import PumpHealth

/// Times in the tests: microseconds, relative to a fixed epoch moment.
let hour = StallRules.hour
let minute = hour / 60
let base: Int64 = 1_800_000_000_000_000
/// How long after the pump stamps a message the daemon receives it, unless a test says otherwise.
let delivery: Int64 = 5_000_000

func status(
    _ id: String, at offset: Int64, battery: String? = "MOS", motor: String = "ok", receivedAt: Int64? = nil
) -> HealthSignal {
    .status(
        id: id, battery: battery, motor: motor, at: base + offset, atText: text(offset),
        receivedAt: receivedAt ?? base + offset + delivery)
}

func alert(
    _ id: String, _ code: String, at offset: Int64, cleared: Bool = false, receivedAt: Int64? = nil
) -> HealthSignal {
    .alert(
        id: id, code: code, cleared: cleared, at: base + offset, atText: text(offset),
        receivedAt: receivedAt ?? base + offset + delivery)
}

func text(_ offset: Int64) -> String { "base+\(offset)us" }

/// Applies the signals in the order given.
func fold(_ signals: [HealthSignal], rules: StallRules = .init()) -> PumpHealth {
    var health = PumpHealth(rules: rules)
    for signal in signals { health.apply(signal) }
    return health
}

/// The ids of an evidence list, in order.
func ids(_ refs: [EvidenceRef]?) -> [String]? { refs?.map(\.messageID) }

/// A small seeded generator (as in swift-argument-parser's `Examples/roll/SplitMix64.swift`), so
/// that every random test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import PumpHealth
import PumpTesting

/// Times in the tests: microseconds, relative to a fixed epoch moment (`HealthHistory`).
let hour = HealthHistory.hour
let minute = HealthHistory.minute
let base = HealthHistory.base
let delivery = HealthHistory.delivery

func status(
    _ id: String, at offset: Int64, battery: String? = "MOS", motor: String = "ok", receivedAt: Int64? = nil
) -> HealthSignal {
    HealthHistory.status(id, at: offset, battery: battery, motor: motor, receivedAt: receivedAt)
}

func alert(
    _ id: String, _ code: String, at offset: Int64, cleared: Bool = false, receivedAt: Int64? = nil
) -> HealthSignal {
    HealthHistory.alert(id, code, at: offset, cleared: cleared, receivedAt: receivedAt)
}

func text(_ offset: Int64) -> String { HealthHistory.text(offset) }

func fold(_ signals: [HealthSignal], rules: StallRules = .init()) -> PumpHealth {
    HealthHistory.fold(signals, rules: rules)
}

/// The ids of an evidence list, in order.
func ids(_ refs: [EvidenceRef]?) -> [String]? { refs?.map(\.messageID) }

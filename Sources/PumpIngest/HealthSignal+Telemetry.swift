import PumpHealth
import PumpTelemetry

extension HealthSignal {
    /// What failure detection needs of one stored message.
    init(message m: TelemetryMessage, receivedAt: Int64) {
        switch m.payload {
        case .status(let status):
            self.init(
                messageID: m.id, kind: .status, code: nil, cleared: false, battery: status.battery?.state.rawValue,
                motor: status.motor.rawValue, at: m.at.micros, atText: m.at.text, receivedAt: receivedAt)
        case .alert(let alert):
            self.init(
                messageID: m.id, kind: .alert, code: alert.code.word, cleared: alert.state == .cleared, battery: nil,
                motor: nil, at: m.at.micros, atText: m.at.text, receivedAt: receivedAt)
        }
    }
}

extension TelemetryMessage {
    /// The alert code word, nil for a status.
    var codeWord: String? {
        if case .alert(let a) = payload { return a.code.word }
        return nil
    }

    /// The alert state word, nil for a status.
    var alertStateWord: String? {
        if case .alert(let a) = payload { return a.state.rawValue }
        return nil
    }
}

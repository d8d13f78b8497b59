import PumpHL7
import PumpIngest
import PumpTelemetry

extension IngestServer {
    /// An HL7 message as a store item: mapped to protocol v1 and validated (``HL7Intake``), then
    /// checked against the sender's allowance like any line. A valid message is stored as its
    /// protocol-v1 line; a refused one is quarantined as the raw HL7 bytes received.
    func hl7Item(_ frame: MLLPFrame, from sender: Authorization, now: Int64, replies: HL7Replies?) -> IngestItem {
        let intake = HL7Intake(frame, validator: validator, nowMicros: now)
        replies?.submitted(intake)
        let source = sender.source
        switch intake.outcome {
        case .valid(let message, let line, _):
            guard sender.allowance.allows(message.serial) else {
                let rejection = Rejection.notAuthorized(id: message.id, serial: message.serial, source: source)
                return .rejected(rejection, raw: line, receivedAt: now, source: source)
            }
            return .message(message, raw: line, receivedAt: now, source: source)
        case .refused(_, let rejection):
            let raw: [UInt8]
            switch frame {
            case .message(let bytes): raw = Array(bytes.prefix(FrameValidator.maxLineBytes))
            case .tooLarge(let prefix, _): raw = Array(prefix.prefix(FrameValidator.maxLineBytes))
            }
            return .rejected(rejection, raw: raw, receivedAt: now, source: source)
        }
    }
}

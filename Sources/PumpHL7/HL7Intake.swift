import PumpJSON
import PumpTelemetry

/// One MLLP frame taken in: parsed, mapped to protocol v1 and checked by the protocol's own
/// ``FrameValidator`` (the one validation), or refused with the acknowledgment it gets.
package struct HL7Intake: Sendable {
    /// What the frame's MSH said (empty when there was no readable MSH): the ACK is addressed from it.
    package var header: HL7Header
    package var outcome: Outcome

    package enum Outcome: Sendable {
        /// A valid protocol-v1 message, its canonical line, and where its fields came from.
        case valid(TelemetryMessage, line: [UInt8], origins: [String: HL7Location])
        /// Not mapped, or rejected by the validator: the raw message is quarantined as `rejection`,
        /// and the ACK says `refusal`.
        case refused(HL7Refusal, rejection: Rejection)
    }

    /// Takes one frame (see ``MLLPDeframer``).
    package init(_ frame: MLLPFrame, validator: FrameValidator, nowMicros: Int64) {
        switch frame {
        case .tooLarge(let prefix, let length):
            let header =
                (try? HL7Message.parse(Self.headerLine(of: prefix))).map(HL7Header.init) ?? HL7Header(lenient: prefix)
            let refusal = HL7Refusal(
                .error, .frameTooLarge, at: HL7Location(segment: "MSH", sequence: 1), code: .segmentSequenceError,
                "message of \(length) bytes is longer than the \(prefix.count)-byte MLLP limit (its first bytes are "
                    + "quarantined); split the report into several messages")
            self.init(
                header: header,
                outcome: .refused(
                    refusal, rejection: Rejection(id: nil, reason: .frameTooLarge, detail: refusal.detail)))
        case .message(let bytes):
            self.init(message: bytes, validator: validator, nowMicros: nowMicros)
        }
    }

    private init(header: HL7Header, outcome: Outcome) {
        self.header = header
        self.outcome = outcome
    }

    private init(message bytes: [UInt8], validator: FrameValidator, nowMicros: Int64) {
        let message: HL7Message
        do {
            message = try HL7Message.parse(bytes)
        } catch {
            header =
                (try? HL7Message.parse(Self.headerLine(of: bytes))).map(HL7Header.init) ?? HL7Header(lenient: bytes)
            let reason: RejectionReason = error.kind == .missingMSH ? .missingField : .invalidField
            let code: HL7ErrorCode = error.kind == .missingMSH ? .segmentSequenceError : .dataTypeError
            let refusal = HL7Refusal(.error, reason, at: error.location, code: code, error.detail)
            outcome = .refused(refusal, rejection: Rejection(id: nil, reason: reason, detail: "HL7: \(error.detail)"))
            return
        }
        header = HL7Header(message)
        let mapped: MappedMessage
        do {
            mapped = try PCDMapping.map(message, header: header)
        } catch {
            let id = try? header.messageID()
            outcome = .refused(
                error, rejection: Rejection(id: id, reason: error.reason, detail: "HL7: \(error.detail)"))
            return
        }
        switch validator.validate(content: mapped.content, nowMicros: nowMicros) {
        case .valid(let telemetry):
            outcome = .valid(telemetry, line: mapped.line, origins: mapped.origins)
        case .rejected(let rejection):
            let location = Self.origin(of: rejection, in: mapped.origins)
            let code: HL7ErrorCode =
                switch rejection.reason {
                case .missingField: .requiredFieldMissing
                case .unknownCode, .unknownKind: .tableValueNotFound
                default: .dataTypeError
                }
            let refusal = HL7Refusal(
                .error, rejection.reason, at: location, code: code, "\(location): \(rejection.detail)")
            var quarantined = rejection
            quarantined.detail = "HL7 \(location): \(rejection.detail)"
            outcome = .refused(refusal, rejection: quarantined)
        }
    }

    /// The HL7 field behind the protocol field a validator rejection names (`field "serial"` → OBX-18.1).
    static func origin(of rejection: Rejection, in origins: [String: HL7Location]) -> HL7Location {
        let detail = Array(rejection.detail.utf8)
        var best: (Int, HL7Location)?
        for (key, location) in origins {
            let needle = Array("\"\(key)\"".utf8)
            guard detail.count >= needle.count else { continue }
            let found = (0...(detail.count - needle.count)).first {
                detail[$0..<($0 + needle.count)].elementsEqual(needle)
            }
            if let found, best.map({ found < $0.0 }) ?? true { best = (found, location) }
        }
        return best?.1 ?? HL7Location(segment: "MSH", sequence: 1)
    }

    /// The first segment of a message (its MSH, when it has one): enough to address an ACK to a
    /// message that does not parse whole.
    static func headerLine(of bytes: [UInt8]) -> [UInt8] {
        let end = bytes.firstIndex { $0 == 0x0D || $0 == 0x0A } ?? bytes.endIndex
        return Array(bytes[..<end])
    }

    /// The protocol-v1 message id, when the message had one.
    package var messageID: String? {
        switch outcome {
        case .valid(let message, _, _): message.id
        case .refused(_, let rejection): rejection.id
        }
    }
}

import PumpTelemetry

/// MSA-1, the acknowledgment code of original mode.
package enum HL7AckCode: String, Sendable, Hashable {
    /// Application Accept: stored (or already stored).
    case accept = "AA"
    /// Application Error: the content cannot be mapped or is invalid; it is quarantined. Resending
    /// it unchanged gets the same answer.
    case error = "AE"
    /// Application Reject: an unsupported message type or version, or the store could not take it
    /// (send again later).
    case reject = "AR"
}

/// HL7 table 0357, the error codes of ERR-3 used here.
package enum HL7ErrorCode: String, Sendable, Hashable {
    case messageAccepted = "0"
    case segmentSequenceError = "100"
    case requiredFieldMissing = "101"
    case dataTypeError = "102"
    case tableValueNotFound = "103"
    case unsupportedMessageType = "200"
    case unsupportedEventCode = "201"
    case unsupportedVersion = "203"
    case applicationInternalError = "207"

    /// The table's text for the code.
    package var text: String {
        switch self {
        case .messageAccepted: "Message accepted"
        case .segmentSequenceError: "Segment sequence error"
        case .requiredFieldMissing: "Required field missing"
        case .dataTypeError: "Data type error"
        case .tableValueNotFound: "Table value not found"
        case .unsupportedMessageType: "Unsupported message type"
        case .unsupportedEventCode: "Unsupported event code"
        case .unsupportedVersion: "Unsupported version id"
        case .applicationInternalError: "Application internal error"
        }
    }
}

/// Why a message was not mapped to protocol v1: the acknowledgment it gets, the field at fault (ERR-2),
/// the HL7 error code (ERR-3), and the protocol-v1 rejection its raw bytes are quarantined with.
package struct HL7Refusal: Error, Sendable, Hashable, CustomStringConvertible {
    package var ack: HL7AckCode
    package var reason: RejectionReason
    package var location: HL7Location
    package var code: HL7ErrorCode
    package var detail: String

    package init(
        _ ack: HL7AckCode, _ reason: RejectionReason, at location: HL7Location, code: HL7ErrorCode, _ detail: String
    ) {
        self.ack = ack
        self.reason = reason
        self.location = location
        self.code = code
        self.detail = detail
    }

    /// A field the mapping needs is absent.
    static func missing(_ location: HL7Location, _ detail: String) -> HL7Refusal {
        HL7Refusal(
            .error, .missingField, at: location, code: .requiredFieldMissing, "\(location) is missing: \(detail)")
    }

    /// A field's value cannot be mapped.
    static func invalid(_ location: HL7Location, _ detail: String, code: HL7ErrorCode = .dataTypeError) -> HL7Refusal {
        HL7Refusal(.error, .invalidField, at: location, code: code, "\(location) \(detail)")
    }

    package var description: String { "\(ack.rawValue) \(location): \(detail)" }
}

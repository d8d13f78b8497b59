import PumpTelemetry

/// Original-mode acknowledgments (ACK^R01^ACK, ACK^R40^ACK): MSH, MSA and, unless plainly
/// accepted, one ERR.
package enum HL7Acknowledgment {
    /// MSH-3 of every ACK.
    package static let application = "PUMPMOND"

    /// An ACK to a message with header `header`.
    /// - Parameters:
    ///   - code: MSA-1.
    ///   - error: the ERR segment's content (location, code, severity, text); nil for none.
    ///   - nowMicros: MSH-7.
    package static func build(
        to header: HL7Header, code: HL7AckCode, error: HL7AckError?, nowMicros: Int64
    ) -> [UInt8] {
        let e = { HL7Encoding.escape($0 ?? "") }
        let event = header.triggerEvent.flatMap { PCDTransaction(rawValue: $0) }?.rawValue ?? "R01"
        let version = header.version.map { HL7Header.supportedVersions.contains($0) ? $0 : "2.6" } ?? "2.6"
        let control = header.controlID.map { "ACK-\($0)" } ?? "ACK-\(nowMicros)"
        var segments = [
            "MSH|^~\\&|\(application)||\(e(header.sendingApplication))|\(e(header.sendingFacility))|"
                + "\(HL7Time.dtm(micros: nowMicros))||ACK^\(event)^ACK|\(e(control))|\(e(header.processingID ?? "P"))|"
                + "\(version)",
            "MSA|\(code.rawValue)|\(e(header.controlID))",
        ]
        if let error {
            let location = error.location.map(\.erl) ?? ""
            segments.append(
                "ERR||\(location)|\(error.code.rawValue)^\(error.code.text)^HL70357|\(error.severity)||||"
                    + e(error.text))
        }
        return Array((segments.joined(separator: "\r") + "\r").utf8)
    }

    /// The ACK for a protocol-v1 reply to an intake: `accepted` and `duplicate` are AA (a duplicate
    /// with an informational ERR), `rejected` is the refusal's AE or AR (or AE for a rejection made
    /// at storage: `conflicting_duplicate`, `not_authorized`), `unavailable` is AR.
    package static func build(for intake: HL7Intake, reply: Reply, nowMicros: Int64) -> [UInt8] {
        let header = intake.header
        switch reply.result {
        case .accepted:
            return build(to: header, code: .accept, error: nil, nowMicros: nowMicros)
        case .duplicate:
            return build(
                to: header, code: .accept,
                error: HL7AckError(
                    location: nil, code: .messageAccepted, severity: "I",
                    text: "duplicate: this message is already stored; nothing changed"),
                nowMicros: nowMicros)
        case .rejected:
            if case .refused(let refusal, _) = intake.outcome {
                return build(to: header, code: refusal.ack, error: HL7AckError(refusal), nowMicros: nowMicros)
            }
            let origins: [String: HL7Location]
            if case .valid(_, _, let o) = intake.outcome { origins = o } else { origins = [:] }
            let location: HL7Location =
                reply.reason == RejectionReason.notAuthorized.rawValue
                ? origins["serial"] ?? HL7Location(segment: "MSH", sequence: 1, field: 4)
                : HL7Location(segment: "MSH", sequence: 1, field: 10)
            let text = "\(reply.reason ?? "rejected"): \(reply.detail ?? "")"
            return build(
                to: header, code: .error,
                error: HL7AckError(location: location, code: .applicationInternalError, severity: "E", text: text),
                nowMicros: nowMicros)
        case .unavailable:
            let text =
                "\(reply.reason ?? "unavailable"): \(reply.detail ?? "the message was not stored"); send it again later"
            return build(
                to: header, code: .reject,
                error: HL7AckError(location: nil, code: .applicationInternalError, severity: "E", text: text),
                nowMicros: nowMicros)
        }
    }
}

/// The content of an ERR segment.
package struct HL7AckError: Sendable, Hashable {
    /// ERR-2.
    package var location: HL7Location?
    /// ERR-3.
    package var code: HL7ErrorCode
    /// ERR-4: `E`, `W` or `I`.
    package var severity: String
    /// ERR-8, the user message (the protocol-v1 reason and detail).
    package var text: String

    package init(location: HL7Location?, code: HL7ErrorCode, severity: String, text: String) {
        self.location = location
        self.code = code
        self.severity = severity
        self.text = text
    }

    package init(_ refusal: HL7Refusal) {
        self.init(
            location: refusal.location, code: refusal.code, severity: "E",
            text: "\(refusal.reason.rawValue): \(refusal.detail)")
    }
}

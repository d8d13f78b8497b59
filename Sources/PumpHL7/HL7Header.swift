/// What the MSH segment says about a message: who sent it, its control id, type and version.
package struct HL7Header: Sendable, Hashable {
    /// MSH-3.1.
    package var sendingApplication: String?
    /// MSH-4.1 (or MSH-4.2 when the namespace id is empty).
    package var sendingFacility: String?
    /// MSH-5.1.
    package var receivingApplication: String?
    /// MSH-6.1.
    package var receivingFacility: String?
    /// MSH-9.1, `ORU`.
    package var messageType: String?
    /// MSH-9.2, `R01` or `R40`.
    package var triggerEvent: String?
    /// MSH-10, the control id MSA-2 echoes.
    package var controlID: String?
    /// MSH-11.1, `P`, `T` or `D`.
    package var processingID: String?
    /// MSH-12.1, `2.6`.
    package var version: String?
    /// MSH-18.1, `UNICODE UTF-8`.
    package var characterSet: String?

    /// The versions taken: IHE PCD profiles v2.6; its successors keep the structures read here.
    package static let supportedVersions: Set<String> = [
        "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2", "2.9",
    ]
    /// MSH-18 values taken (empty is ASCII, which UTF-8 contains).
    package static let supportedCharacterSets: Set<String> = ["ASCII", "UNICODE UTF-8", "UTF-8"]

    package init(_ message: HL7Message) {
        let msh = message.header
        sendingApplication = message.value(msh, 3)
        sendingFacility = message.value(msh, 4) ?? message.value(msh, 4, component: 2)
        receivingApplication = message.value(msh, 5)
        receivingFacility = message.value(msh, 6)
        messageType = message.value(msh, 9)
        triggerEvent = message.value(msh, 9, component: 2)
        controlID = message.value(msh, 10)
        processingID = message.value(msh, 11)
        version = message.value(msh, 12)
        characterSet = message.value(msh, 18)
    }

    package init() {}

    /// What can be read of the MSH of a message that does not parse (wrong encoding characters,
    /// bytes that are not UTF-8): its first line split on its fourth character, components on the
    /// first character of MSH-2, nothing unescaped. Enough to address the ACK and echo MSH-10.
    package init(lenient bytes: [UInt8]) {
        let end = bytes.firstIndex { $0 == 0x0D || $0 == 0x0A } ?? bytes.endIndex
        let line = String(decoding: bytes[..<end], as: UTF8.self)
        guard line.hasPrefix("MSH"), let separator = line.dropFirst(3).first else { return }
        let fields = line.split(separator: separator, omittingEmptySubsequences: false)
        let component = fields.count > 1 ? fields[1].first : nil
        func value(_ n: Int, _ c: Int = 1) -> String? {
            guard n - 1 < fields.count else { return nil }
            let parts =
                component.map { fields[n - 1].split(separator: $0, omittingEmptySubsequences: false) }
                ?? [fields[n - 1]]
            return c - 1 < parts.count && !parts[c - 1].isEmpty ? String(parts[c - 1]) : nil
        }
        sendingApplication = value(3)
        sendingFacility = value(4)
        receivingApplication = value(5)
        receivingFacility = value(6)
        messageType = value(9)
        triggerEvent = value(9, 2)
        controlID = value(10)
        processingID = value(11)
        version = value(12)
    }

    /// The transaction this message is, or the refusal for one this daemon does not take (`AR`).
    package func transaction() throws(HL7Refusal) -> PCDTransaction {
        guard messageType == "ORU" else {
            throw HL7Refusal(
                .reject, .unknownKind, at: HL7Location(segment: "MSH", sequence: 1, field: 9, component: 1),
                code: .unsupportedMessageType,
                "message type \(messageType ?? "(none)") is not taken; send ORU^R01 (PCD-01) or ORU^R40 (PCD-04)")
        }
        let transaction: PCDTransaction
        switch triggerEvent {
        case "R01": transaction = .observations
        case "R40": transaction = .alert
        default:
            throw HL7Refusal(
                .reject, .unknownKind, at: HL7Location(segment: "MSH", sequence: 1, field: 9, component: 2),
                code: .unsupportedEventCode,
                "trigger event \(triggerEvent ?? "(none)") is not taken; send ORU^R01 (PCD-01) or ORU^R40 (PCD-04)")
        }
        guard let version, Self.supportedVersions.contains(version) else {
            throw HL7Refusal(
                .reject, .unsupportedVersion, at: HL7Location(segment: "MSH", sequence: 1, field: 12),
                code: .unsupportedVersion,
                "HL7 version \(version ?? "(none)") is not taken; send version 2.6 (IHE PCD), or 2.5 to 2.9")
        }
        if let characterSet, !Self.supportedCharacterSets.contains(characterSet) {
            throw HL7Refusal.invalid(
                HL7Location(segment: "MSH", sequence: 1, field: 18),
                "is \(characterSet); send UNICODE UTF-8 (or ASCII)", code: .tableValueNotFound)
        }
        return transaction
    }

    /// The protocol-v1 message id: `FACILITY:CONTROLID` (MSH-4 and MSH-10), unique per sender as
    /// HL7 requires of MSH-10.
    package func messageID() throws(HL7Refusal) -> String {
        guard let controlID else {
            throw .missing(HL7Location(segment: "MSH", sequence: 1, field: 10), "every message needs a control id")
        }
        guard let sendingFacility else {
            throw .missing(
                HL7Location(segment: "MSH", sequence: 1, field: 4),
                "the sending facility names the sender; the message id is MSH-4 + \":\" + MSH-10")
        }
        return "\(sendingFacility):\(controlID)"
    }
}

/// The IHE PCD transactions taken.
package enum PCDTransaction: String, Sendable, Hashable {
    /// PCD-01 Communicate PCD Data, ORU^R01: a status.
    case observations = "R01"
    /// PCD-04 Report Alert, ORU^R40: an alert.
    case alert = "R40"
}

import PumpHL7
import PumpJSON
import PumpTelemetry

/// What the sender speaks to the daemon: protocol-v1 lines, or the same messages as HL7 v2 over
/// MLLP (IHE PCD-01 and PCD-04, docs/hl7.md) to an `--hl7-listen` listener.
package enum WireFormat: String, Sendable, Hashable, CaseIterable {
    case json
    case hl7
}

/// The simulator's side of HL7: each protocol-v1 line written as the PCD message that maps back to
/// it, and each ACK read back as the protocol-v1 reply it stands for.
package enum HL7Wire {
    /// MSH-4 of every message the simulator sends: the daemon stores message `ID` as `PUMPSIM:ID`.
    package static let facility = "PUMPSIM"

    /// The id the daemon stores a message sent with protocol-v1 id `id` under.
    package static func storedID(_ id: String) -> String { "\(facility):\(id)" }

    /// `line` (a protocol-v1 line with its `\n`) as one MLLP frame; a line that is not a status or
    /// alert object is framed as it is (the daemon answers it AE, as protocol v1 rejects it).
    package static func frame(_ line: OutgoingLine) -> [UInt8] {
        let text = line.bytes.last == 10 ? Array(line.bytes.dropLast()) : line.bytes
        let message =
            (try? JSONParser.parse(text)).flatMap {
                PCDEncoder.message(for: $0, facility: facility, controlID: line.id ?? "none")
            } ?? text
        return MLLPDeframer.frame(message)
    }

    /// The reply an ACK stands for: AA is `accepted` (`duplicate` with ERR-3 `0`), AE `rejected`,
    /// AR `unavailable` when ERR-3 is 207 (store unavailable, send again) else `rejected`. Its id is
    /// MSA-2, the control id (the protocol-v1 id the message was sent with). Nil when `ack` is not
    /// an ACK.
    package static func reply(fromAck ack: [UInt8]) -> Reply? {
        guard let ack = HL7AckReading(ack) else { return nil }
        let (code, errorCode, text, id) = (ack.code, ack.errorCode, ack.text, ack.controlID)
        let reason = text.map { String($0.prefix { $0 != ":" }) }
        switch code {
        case "AA": return errorCode == "0" ? .duplicate(id: id ?? "") : .accepted(id: id ?? "")
        case "AE": return Reply(id: id, result: .rejected, reason: reason, detail: text)
        case "AR" where errorCode == "207": return Reply(id: id, result: .unavailable, reason: reason, detail: text)
        case "AR": return Reply(id: id, result: .rejected, reason: reason, detail: text)
        default: return nil
        }
    }
}

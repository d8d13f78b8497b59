import PumpControlProtocol
import PumpJSON  // JSONValue, the events as stored
import PumpTelemetry

/// Proves the promise: every message the daemon answered `accepted` or `duplicate` is in its
/// store, by reading each pump's events back (`pumpctl events SERIAL --json --limit N`).
package struct AcknowledgedMessages: Sendable {
    /// Ids answered accepted or duplicate, by serial.
    package private(set) var idsBySerial: [String: Set<String>] = [:]
    /// How the daemon stores the ids: as sent (protocol v1), or `PUMPSIM:ID` (HL7, MSH-4 + MSH-10).
    package var format: WireFormat = .json

    /// An empty record.
    package init() {}

    /// Notes a final reply.
    package mutating func note(_ line: OutgoingLine, _ reply: Reply) {
        guard reply.result == .accepted || reply.result == .duplicate, let serial = line.serial, let id = line.id
        else { return }
        idsBySerial[serial, default: []].insert(format == .hl7 ? HL7Wire.storedID(id) : id)
    }

    /// Reads every pump's events back and returns the acknowledged ids that are not stored, by serial.
    package func missing(from control: any DaemonControl) throws(ControlError) -> [String: [String]] {
        var lost: [String: [String]] = [:]
        for (serial, ids) in idsBySerial.sorted(by: { $0.key < $1.key }) {
            let events = try control.events(serial: serial, limit: ids.count + 1_000).events
            let stored = Set(events.compactMap { $0["id"]?.stringValue })
            let gone = ids.subtracting(stored)
            if !gone.isEmpty { lost[serial] = gone.sorted() }
        }
        return lost
    }
}

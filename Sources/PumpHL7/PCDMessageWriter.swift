/// Writes the ORU messages of IHE PCD (PCD-01 ORU^R01, PCD-04 ORU^R40) segment by segment, the one
/// place their MSH and OBX layout and escaping live: pumpsim's ``PCDEncoder`` and the daemon's
/// outbound ``PCDAlertReport`` both write through it.
package struct PCDMessageWriter: Sendable {
    // Written straight into bytes: joining arrays of field strings was most of the simulator's time
    // when it sends HL7.
    private var out: [UInt8] = []
    private var observations = 0

    /// Starts a message with its MSH (version 2.6, UTF-8, AL/NE acknowledgment).
    /// - Parameters:
    ///   - application: MSH-3 as ER7 (components already joined).
    ///   - facility: MSH-4, escaped here.
    ///   - receiver: MSH-5 as ER7.
    ///   - time: MSH-7, a DTM.
    ///   - event: `R01` or `R40` (MSH-9 `ORU^R01^ORU_R01`).
    ///   - controlID: MSH-10, escaped here.
    ///   - profile: MSH-21 as ER7, nil for none.
    package init(
        application: String, facility: String, receiver: String, time: String, event: String, controlID: String,
        profile: String? = nil
    ) {
        out.reserveCapacity(1024)
        put("MSH|^~\\&|", application, "|", HL7Encoding.escape(facility), "|", receiver, "||", time, "||ORU^", event)
        put("^ORU_", event, "|", HL7Encoding.escape(controlID), "|P|2.6|||AL|NE||UNICODE UTF-8")
        if let profile { put("|||", profile) }
        put("\r")
    }

    private mutating func put(_ parts: String...) {
        for part in parts { out.append(contentsOf: part.utf8) }
    }

    /// Appends a segment written as ER7 by the caller (OBR).
    package mutating func append(_ segment: String) {
        put(segment, "\r")
    }

    /// Appends the next OBX (OBX-1 counts them from 1).
    /// - Parameters:
    ///   - type: OBX-2.
    ///   - identifier: OBX-3 as ER7.
    ///   - subID: OBX-4; nil: `1.0.0.N`.
    ///   - value: OBX-5, escaped here.
    ///   - valueER7: OBX-5 as ER7 (components), in place of `value`.
    ///   - unit: OBX-6 as ER7.
    ///   - flags: OBX-8 as ER7 (repetitions).
    ///   - status: OBX-11.
    ///   - time: OBX-14, a DTM.
    ///   - equipment: OBX-18.1, the pump's serial, escaped here.
    package mutating func observation(
        type: String, identifier: String, subID: String? = nil, value: String = "", valueER7: String? = nil,
        unit: String = "", flags: String = "", status: String = "F", time: String? = nil, equipment: String? = nil
    ) {
        observations += 1
        let n = String(observations)
        // OBX-1 … OBX-11; OBX-14 and OBX-18 only when given.
        put("OBX|", n, "|", type, "|", identifier, "|", subID ?? "1.0.0." + n, "|")
        put(valueER7 ?? HL7Encoding.escape(value), "|", unit, "||", flags, "|||", status)
        if time != nil || equipment != nil {
            put("|||", time ?? "", "||||", equipment.map { HL7Encoding.escape($0) } ?? "")
        }
        put("\r")
    }

    /// The message: its segments, each ending in `\r`.
    package var bytes: [UInt8] { out }
}

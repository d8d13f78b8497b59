/// One alert transition as the IHE PCD Alert Communication Management (ACM) Alert Reporter sends it
/// to an Alert Manager: a PCD-04 `ORU^R40^ORU_R40` (docs/hl7.md, "Outbound"). The event is the
/// generic `196616^MDC_EVT_ALARM^MDC` whose OBX-5 names the daemon's alert in the local coding system
/// (`PumpNonFunctional^<summary>^99PMD`), followed by the source (the pump's MDS, serial in OBX-18),
/// the event phase (`start`/`end`), the alarm state (`active`/`inactive`) and the priority.
package struct PCDAlertReport: Sendable, Hashable {
    /// MSH-3 of every report.
    package static let application = "PUMPMOND"
    /// MSH-21: the IHE PCD ACM Report Alert profile.
    package static let profile = "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.4^ISO"

    /// The alert's name (`PumpNonFunctional`), its local code.
    package var alertname: String
    /// The pump's serial.
    package var serial: String
    /// Whether the alert ended (resolved): phase `end`, state `inactive`.
    package var ended: Bool
    /// `critical` (PH), `warning` (PM), else PL.
    package var severity: String
    /// One line for a person (OBX-5.2 of the event).
    package var summary: String
    /// When the alert began (firing) or ended (resolved), µs since the epoch.
    package var eventMicros: Int64

    package init(
        alertname: String, serial: String, ended: Bool, severity: String, summary: String, eventMicros: Int64
    ) {
        self.alertname = alertname
        self.serial = serial
        self.ended = ended
        self.severity = severity
        self.summary = summary
        self.eventMicros = eventMicros
    }

    /// The ALARM priority: OBX-8 of the event and OBX-5 of `MDC_ATTR_ALARM_PRIORITY`.
    package var priority: String {
        switch severity {
        case "critical": "PH"
        case "warning": "PM"
        default: "PL"
        }
    }

    /// The ER7 message (segments ending in `\r`) with control id `controlID`, sent at `nowMicros`
    /// (MSH-7) from facility `facility` (MSH-4).
    package func message(controlID: String, facility: String, nowMicros: Int64) -> [UInt8] {
        let time = HL7Time.dtm(micros: eventMicros)
        let e = { HL7Encoding.escape($0) }
        var writer = PCDMessageWriter(
            application: Self.application, facility: facility, receiver: "", time: HL7Time.dtm(micros: nowMicros),
            event: "R40", controlID: controlID, profile: Self.profile)
        writer.append("OBR|1|||196616^MDC_EVT_ALARM^MDC|||\(time)")
        writer.observation(
            type: "CWE", identifier: "196616^MDC_EVT_ALARM^MDC", subID: "1.0.0.0.1",
            valueER7: "\(e(alertname))^\(e(summary))^\(PCDCodes.localSystem)", flags: "\(priority)~ST", time: time,
            equipment: serial)
        writer.observation(
            type: "", identifier: "69985^MDC_DEV_PUMP_INFUS_MDS^MDC", subID: "1.0.0.0", status: "X", time: time,
            equipment: serial)
        writer.observation(
            type: "ST", identifier: "68481^MDC_ATTR_EVENT_PHASE^MDC", subID: "1.0.0.0.3", value: ended ? "end" : "start"
        )
        writer.observation(
            type: "ST", identifier: "68482^MDC_ATTR_ALARM_STATE^MDC", subID: "1.0.0.0.4",
            value: ended ? "inactive" : "active")
        writer.observation(
            type: "ST", identifier: "68484^MDC_ATTR_ALARM_PRIORITY^MDC", subID: "1.0.0.0.5", value: priority)
        return writer.bytes
    }
}

/// An ACK read back by a sender: MSA-1, MSA-2 and the ERR's text.
package struct HL7AckReading: Sendable, Hashable {
    /// MSA-1: `AA`, `AE`, `AR` (original mode) or `CA`, `CE`, `CR` (enhanced mode).
    package var code: String
    /// MSA-2, the control id of the message acknowledged.
    package var controlID: String?
    /// ERR-3.1 of the first ERR.
    package var errorCode: String?
    /// ERR-8 of the first ERR, else MSA-3 (the text message of earlier versions).
    package var text: String?

    /// Reads an ACK; nil when `bytes` are not an HL7 message with an MSA.
    package init?(_ bytes: [UInt8]) {
        guard let message = try? HL7Message.parse(bytes), let msa = message.segments(named: "MSA").first,
            let code = message.value(msa, 1)
        else { return nil }
        let err = message.segments(named: "ERR").first
        self.code = code
        controlID = message.value(msa, 2)
        errorCode = err.flatMap { message.value($0, 3) }
        text = err.flatMap { message.value($0, 8) } ?? message.value(msa, 3)
    }

    /// What a sender does with the message it acknowledges.
    package enum Verdict: Sendable, Hashable {
        /// AA, CA: taken; never send it again.
        case accepted
        /// AE, CE: the content is refused; sending the same bytes again cannot help.
        case refused
        /// AR, CR, or anything else: not taken now; send it again later.
        case retry
    }

    package var verdict: Verdict {
        switch code {
        case "AA", "CA": .accepted
        case "AE", "CE": .refused
        default: .retry
        }
    }
}

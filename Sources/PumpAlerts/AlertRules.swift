import PumpControlProtocol
import PumpTelemetry

/// Issue 13's alert table as a pure function of one pump: which alerts fire for it now.
///
/// | alert | fires while |
/// | --- | --- |
/// | `PumpNonFunctional` (critical) | state `non_functional` |
/// | `PumpImpendingFailure` (warning) | state `impending_failure` (a non-functional pump has the critical one instead) |
/// | `PumpReservoirEmpty` (critical) | `EMPTY_RESERVOIR` open |
/// | `PumpReservoirLow` (warning) | `LOW_RESERVOIR` open |
/// | `PumpSilent` (warning) | no message for longer than the silence threshold (off without one) |
///
/// A retired pump has none. Labels and summaries carry no patient data: serial, model, reason,
/// clause. `starts_at` is when the daemon received the evidence (for `PumpSilent`: the last
/// message's receipt plus the threshold).
package enum AlertRules {
    /// The alerts firing for `pump` at `now`, by name. `silenceThreshold` (µs) is `--silence-alert`,
    /// nil when off. A pump that never reported is never silent.
    package static func alerts(
        for pump: PumpAlertInput, now: Int64, silenceThreshold: Int64?
    ) -> [AlertName: AlertDocument] {
        guard pump.state != "retired" else { return [:] }
        var alerts: [AlertName: AlertDocument] = [:]
        let reason = pump.reason ?? pump.state
        switch pump.state {
        case "non_functional":
            alerts[.pumpNonFunctional] = alert(
                .pumpNonFunctional, pump, reason: reason, record: pump.nonFunctionRecord,
                summary: "is not functioning (\(words(reason))): no drug may be delivered", startsAt: pump.stateSince)
        case "impending_failure":
            alerts[.pumpImpendingFailure] = alert(
                .pumpImpendingFailure, pump, reason: reason, record: pump.impendingRecord,
                summary: "warns of an impending failure (\(words(reason))): plan its replacement",
                startsAt: pump.stateSince)
        default:
            break
        }
        if let open = pump.openAlerts["EMPTY_RESERVOIR"] {
            alerts[.pumpReservoirEmpty] = alert(
                .pumpReservoirEmpty, pump, reason: "EMPTY_RESERVOIR", record: nil, evidence: [open.messageID],
                summary: "reports its reservoir empty: no drug is delivered until it is refilled",
                startsAt: open.receivedAt)
        }
        if let open = pump.openAlerts["LOW_RESERVOIR"] {
            alerts[.pumpReservoirLow] = alert(
                .pumpReservoirLow, pump, reason: "LOW_RESERVOIR", record: nil, evidence: [open.messageID],
                summary: "reports its reservoir low: schedule a refill", startsAt: open.receivedAt)
        }
        if let threshold = silenceThreshold, let lastSeen = pump.lastSeen, now - lastSeen > threshold {
            alerts[.pumpSilent] = alert(
                .pumpSilent, pump, reason: "silent", record: nil, evidence: pump.lastMessageID.map { [$0] } ?? [],
                summary: "has sent nothing for more than \(seconds(threshold)) (last message received "
                    + "\(Timestamp.format(micros: lastSeen)))",
                startsAt: lastSeen + threshold)
        }
        return alerts
    }

    /// The `pumpctl` command that shows the pump.
    package static func command(serial: String) -> String { "pumpctl device \(serial)" }

    private static func alert(
        _ name: AlertName, _ pump: PumpAlertInput, reason: String, record: RecordMark?, evidence: [String]? = nil,
        summary: String, startsAt: Int64
    ) -> AlertDocument {
        let model = pump.model.map { " (\($0))" } ?? ""
        return AlertDocument(
            alertname: name, status: .firing, serial: pump.serial, model: pump.model, reason: reason,
            clause: record?.clause, summary: "Pump \(pump.serial)\(model) \(summary)", recordID: record?.id,
            evidence: evidence ?? record?.evidence ?? [], command: command(serial: pump.serial),
            startsAt: Timestamp.format(micros: startsAt))
    }

    /// `end of service` for `end_of_service`.
    private static func words(_ word: String) -> String {
        String(word.map { $0 == "_" ? " " : $0 })
    }

    /// `90 s`, `2 h`.
    private static func seconds(_ micros: Int64) -> String {
        let s = micros / 1_000_000
        if s >= 3600 && s % 3600 == 0 { return "\(s / 3600) h" }
        if s >= 60 && s % 60 == 0 { return "\(s / 60) min" }
        return "\(s) s"
    }
}

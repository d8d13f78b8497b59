/// One line of the answer to a `watch` request. The daemon answers `{"op":"watch"}` with a stream of
/// ``ControlReply`` lines, `{"ok":true,"result":<WatchEventDocument>}`, on the same connection
/// until either side closes it: first the snapshot (one `pump` event per pump that is not
/// retired, one `alert` event per firing alert), then one `synced` event, then every change as
/// it commits (the list-then-watch pattern). A refused or failed watch is one
/// `{"ok":false,"error":…}` line, then the daemon closes the connection.
///
/// Wire example: `{"ok":true,"result":{"event":"alert","at":"2026-11-30T10:00:00.000Z","alert":{…}}}`.
package struct WatchEventDocument: Codable, Sendable, Equatable {
    /// What kind of change the line carries; exactly the matching member below is present.
    package enum Kind: String, Codable, Sendable, CaseIterable {
        /// A pump's state, model or reason: in the snapshot, and whenever one of them changes.
        case pump
        /// An alert began firing (in the snapshot: is firing) or was resolved.
        case alert
        /// An eligibility record was raised.
        case record
        /// The snapshot is complete; every later line is a change.
        case synced
    }

    /// What the line carries.
    package var event: Kind
    /// When the daemon saw the change (for the snapshot: when it was taken), RFC 3339 UTC.
    package var at: String
    /// For `pump` events.
    package var pump: DeviceSummaryDocument?
    /// For `alert` events.
    package var alert: AlertDocument?
    /// For `record` events.
    package var record: EligibilityRecordDocument?

    package init(
        event: Kind, at: String, pump: DeviceSummaryDocument? = nil, alert: AlertDocument? = nil,
        record: EligibilityRecordDocument? = nil
    ) {
        self.event = event
        self.at = at
        self.pump = pump
        self.alert = alert
        self.record = record
    }

    /// Leaves out the members that do not apply instead of writing them as `null`.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(event, forKey: .event)
        try c.encode(at, forKey: .at)
        if let pump { try c.encode(pump, forKey: .pump) }
        if let alert { try c.encode(alert, forKey: .alert) }
        if let record { try c.encode(record, forKey: .record) }
    }
}

/// The alerts pumpmond derives from its store (issue 13's table). One alert per name and pump.
package enum AlertName: String, Codable, Sendable, CaseIterable {
    /// The pump's state is `non_functional`.
    case pumpNonFunctional = "PumpNonFunctional"
    /// The pump's state is `impending_failure` (replaced by the critical one when it stops working).
    case pumpImpendingFailure = "PumpImpendingFailure"
    /// An `EMPTY_RESERVOIR` alert is open.
    case pumpReservoirEmpty = "PumpReservoirEmpty"
    /// A `LOW_RESERVOIR` alert is open.
    case pumpReservoirLow = "PumpReservoirLow"
    /// No message for longer than the daemon's `--silence-alert`.
    case pumpSilent = "PumpSilent"

    /// Alertmanager's `severity` label.
    package var severity: String {
        switch self {
        case .pumpNonFunctional, .pumpReservoirEmpty: "critical"
        case .pumpImpendingFailure, .pumpReservoirLow, .pumpSilent: "warning"
        }
    }
}

/// One alert as the daemon derives it. The notifier turns it into Alertmanager's postable alert:
/// labels `alertname`, `severity`, `serial`, `model`, `reason` and `clause` (when not null);
/// annotations `summary`, `record_id`, `evidence` (ids joined by commas) and `command`;
/// `startsAt` from `starts_at`. Nothing here identifies a patient.
package struct AlertDocument: Codable, Sendable, Hashable {
    /// `firing` or `resolved`.
    package enum Status: String, Codable, Sendable {
        case firing
        case resolved
    }

    package var alertname: AlertName
    package var status: Status
    /// ``AlertName/severity``, written out so a reader needs no table.
    package var severity: String
    package var serial: String
    /// The pump's model, or null when no message named it.
    package var model: String?
    /// Why: the pump-state reason (`end_of_service`, `motor_stall`, …), the alert code
    /// (`EMPTY_RESERVOIR`, `LOW_RESERVOIR`) or `silent`.
    package var reason: String
    /// The policy clause of the eligibility record behind the alert, when one exists.
    package var clause: String?
    /// One line for a person: what is wrong with which pump.
    package var summary: String
    /// The eligibility record behind the alert, when one exists.
    package var recordID: String?
    /// The message ids that prove the condition.
    package var evidence: [String]
    /// The `pumpctl` command that shows the pump.
    package var command: String
    /// When the condition began (the evidence's receipt time), RFC 3339 UTC.
    package var startsAt: String
    /// When it was resolved, for resolved alerts; null while firing.
    package var endsAt: String?

    enum CodingKeys: String, CodingKey {
        case alertname, status, severity, serial, model, reason, clause, summary
        case recordID = "record_id"
        case evidence, command
        case startsAt = "starts_at"
        case endsAt = "ends_at"
    }

    package init(
        alertname: AlertName, status: Status, serial: String, model: String?, reason: String,
        clause: String?, summary: String, recordID: String?, evidence: [String], command: String,
        startsAt: String, endsAt: String? = nil
    ) {
        self.alertname = alertname
        self.status = status
        self.severity = alertname.severity
        self.serial = serial
        self.model = model
        self.reason = reason
        self.clause = clause
        self.summary = summary
        self.recordID = recordID
        self.evidence = evidence
        self.command = command
        self.startsAt = startsAt
        self.endsAt = endsAt
    }
}

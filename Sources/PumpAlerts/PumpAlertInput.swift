/// What the alert rules need of one pump: its state as committed, its open reservoir alerts, the
/// telemetry records behind its state, and when it was last heard from. Times are daemon-clock
/// microseconds since the Unix epoch.
package struct PumpAlertInput: Sendable, Hashable {
    package var serial: String
    package var model: String?
    /// The pump-state word (`functional`, …, `retired`).
    package var state: String
    /// The state's reason (`end_of_service`, …), nil for functional and unknown pumps.
    package var reason: String?
    /// When the daemon received what put the pump in its state and reason.
    package var stateSince: Int64
    /// Open reservoir alerts by code (`LOW_RESERVOIR`, `EMPTY_RESERVOIR`).
    package var openAlerts: [String: OpenAlertMark]
    /// The pump's telemetry non-function record, if one was raised.
    package var nonFunctionRecord: RecordMark?
    /// The pump's telemetry impending-failure record, if one was raised.
    package var impendingRecord: RecordMark?
    /// The latest `received_at`, nil for a pump that never reported.
    package var lastSeen: Int64?
    /// The id of the message received last, when known.
    package var lastMessageID: String?

    package init(
        serial: String, model: String?, state: String, reason: String?, stateSince: Int64,
        openAlerts: [String: OpenAlertMark] = [:], nonFunctionRecord: RecordMark? = nil,
        impendingRecord: RecordMark? = nil, lastSeen: Int64?, lastMessageID: String? = nil
    ) {
        self.serial = serial
        self.model = model
        self.state = state
        self.reason = reason
        self.stateSince = stateSince
        self.openAlerts = openAlerts
        self.nonFunctionRecord = nonFunctionRecord
        self.impendingRecord = impendingRecord
        self.lastSeen = lastSeen
        self.lastMessageID = lastMessageID
    }
}

/// An open alert message of a pump.
package struct OpenAlertMark: Sendable, Hashable {
    package var messageID: String
    /// When the daemon received it.
    package var receivedAt: Int64

    package init(messageID: String, receivedAt: Int64) {
        self.messageID = messageID
        self.receivedAt = receivedAt
    }
}

/// A telemetry eligibility record behind an alert.
package struct RecordMark: Sendable, Hashable {
    /// `R-000017`.
    package var id: String
    package var clause: String
    /// The evidence's message ids.
    package var evidence: [String]

    package init(id: String, clause: String, evidence: [String]) {
        self.id = id
        self.clause = clause
        self.evidence = evidence
    }
}

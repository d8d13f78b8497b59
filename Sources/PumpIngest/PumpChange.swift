import PumpControlProtocol
import PumpStore

/// What a committed transaction left of one pump it touched, for the daemon's alert board and its
/// `watch` stream: the row's state as committed, and the reservoir alerts the transaction stored.
package struct PumpChange: Sendable, Hashable {
    package var serial: String
    package var model: String?
    /// The pump-state word, `retired` included.
    package var state: String
    /// The state's reason (`StateReason` or a retirement reason), nil for functional and unknown.
    package var reason: String?
    package var battery: String?
    /// The latest `received_at` (µs), nil for a pump that never reported.
    package var lastSeen: Int64?
    /// The id of the message received last in this transaction, if any.
    package var lastMessageID: String?
    /// When the daemon received what changed the pump (µs): the last message of this transaction
    /// that changed its state or reason, else the transaction's time.
    package var changedAt: Int64
    /// `LOW_RESERVOIR` and `EMPTY_RESERVOIR` alerts stored in this transaction, in arrival order.
    package var reservoirAlerts: [ReservoirMark]
    /// The latest status of this transaction that reports drug in the reservoir (`reservoir_ml`
    /// above 0), as a `cleared` `EMPTY_RESERVOIR` mark: a refill ends an empty-reservoir alert
    /// (issue 13), though `device` keeps the alert open until the pump clears it.
    package var refill: ReservoirMark?
    /// Whether its state, reason or model differs from before the transaction (or it is new).
    package var shown: Bool
    /// Whether its state or reason differs from before the transaction (or it is new).
    package var stateChanged: Bool

    package init(
        serial: String, model: String?, state: String, reason: String?, battery: String?, lastSeen: Int64?,
        lastMessageID: String? = nil, changedAt: Int64, reservoirAlerts: [ReservoirMark] = [],
        refill: ReservoirMark? = nil,
        shown: Bool = true, stateChanged: Bool = true
    ) {
        self.refill = refill
        self.shown = shown
        self.stateChanged = stateChanged
        self.serial = serial
        self.model = model
        self.state = state
        self.reason = reason
        self.battery = battery
        self.lastSeen = lastSeen
        self.lastMessageID = lastMessageID
        self.changedAt = changedAt
        self.reservoirAlerts = reservoirAlerts
    }
}

/// A message stored for a retired pump: kept, but it changes nothing; the daemon logs it.
package struct RetiredPumpMessage: Sendable, Hashable {
    package var serial: String
    package var messageID: String
}

/// `retire SERIAL --json`: the retirement as stored.
package struct RetirementDocument: Codable, Sendable, Hashable {
    package var serial: String
    /// `retired`.
    package var state: String
    /// `explanted`, `replaced`, `patient_deceased` or `other`.
    package var reason: String
    /// The pump that took its place, or null.
    package var replacedBy: String?
    /// The note, or null.
    package var note: String?
    /// When it was retired, UTC with milliseconds.
    package var retiredAt: String
    /// The pump's state just before.
    package var previousState: String

    enum CodingKeys: String, CodingKey {
        case serial, state, reason
        case replacedBy = "replaced_by"
        case note
        case retiredAt = "retired_at"
        case previousState = "previous_state"
    }

    package init(
        serial: String, state: String, reason: String, replacedBy: String?, note: String?, retiredAt: String,
        previousState: String
    ) {
        self.serial = serial
        self.state = state
        self.reason = reason
        self.replacedBy = replacedBy
        self.note = note
        self.retiredAt = retiredAt
        self.previousState = previousState
    }
}

import Foundation
import GRDB
import PumpHealth

/// A row of `pump`: one pump known from telemetry or enrollment, its latest state, and its
/// failure-detection state (`health`, see `PumpHealth+Storage.swift`) so that restarts replay
/// nothing.
package struct PumpRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "pump"

    package var serial: String
    package var model: String?
    package var battery: String?
    package var state: String
    /// Why the pump is in its state (`StateReason`, or a retirement reason); nil for functional and
    /// unknown pumps.
    package var reason: String?
    package var firstSeen: Int64
    package var lastSeen: Int64?
    /// The `message` row of the latest status by `at`.
    package var latestStatusID: Int64?
    package var latestStatusAt: Int64?
    /// `PumpHealth` in its stored form; nil or empty for a pump only enrolled.
    package var health: Data?
    /// When, on the daemon's clock, an open stall of a silent pump becomes non-function.
    package var stallDeadline: Int64?
    package var raisedNonFunction: Bool
    package var raisedImpendingFailure: Bool

    enum CodingKeys: String, CodingKey {
        case serial, model, battery, state, reason
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case latestStatusID = "latest_status_id"
        case latestStatusAt = "latest_status_at"
        case health
        case stallDeadline = "stall_deadline"
        case raisedNonFunction = "raised_non_function"
        case raisedImpendingFailure = "raised_impending_failure"
    }

    package enum Columns {
        static let serial = Column(CodingKeys.serial)
        static let model = Column(CodingKeys.model)
        static let battery = Column(CodingKeys.battery)
        static let state = Column(CodingKeys.state)
        static let reason = Column(CodingKeys.reason)
        static let firstSeen = Column(CodingKeys.firstSeen)
        static let lastSeen = Column(CodingKeys.lastSeen)
        static let latestStatusID = Column(CodingKeys.latestStatusID)
        static let latestStatusAt = Column(CodingKeys.latestStatusAt)
        static let health = Column(CodingKeys.health)
        static let stallDeadline = Column(CodingKeys.stallDeadline)
        static let raisedNonFunction = Column(CodingKeys.raisedNonFunction)
        static let raisedImpendingFailure = Column(CodingKeys.raisedImpendingFailure)
    }

    /// A pump seen (or enrolled) for the first time.
    package init(serial: String, firstSeen: Int64) {
        self.serial = serial
        self.model = nil
        self.battery = nil
        self.state = "unknown"
        self.reason = nil
        self.firstSeen = firstSeen
        self.lastSeen = nil
        self.latestStatusID = nil
        self.latestStatusAt = nil
        self.health = nil
        self.stallDeadline = nil
        self.raisedNonFunction = false
        self.raisedImpendingFailure = false
    }

    /// The stored failure-detection state, nil when the pump has none yet.
    package func decodedHealth() throws -> PumpHealth? {
        guard let health, !health.isEmpty else { return nil }
        return try PumpHealth(stored: [UInt8](health))
    }
}

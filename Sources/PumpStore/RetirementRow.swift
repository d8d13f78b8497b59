import Foundation
import GRDB
import PumpHealth

/// A row of `retirement`: a pump taken out of service (`pumpctl retire`), never changed nor deleted.
package struct RetirementRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "retirement"

    package var serial: String
    /// The `RetirementReason` word.
    package var reason: String
    /// The pump that took its place, when one did.
    package var replacedBy: String?
    /// Free text.
    package var note: String?
    /// When it was retired (daemon clock, µs).
    package var retiredAt: Int64
    /// The pump's state just before.
    package var previousState: String

    enum CodingKeys: String, CodingKey {
        case serial, reason
        case replacedBy = "replaced_by"
        case note
        case retiredAt = "retired_at"
        case previousState = "previous_state"
    }

    package init(
        serial: String, reason: String, replacedBy: String?, note: String?, retiredAt: Int64, previousState: String
    ) {
        self.serial = serial
        self.reason = reason
        self.replacedBy = replacedBy
        self.note = note
        self.retiredAt = retiredAt
        self.previousState = previousState
    }
}

extension StoreTransaction {
    /// The pump's retirement, nil while it is in service.
    package func retirement(_ serial: String) throws -> RetirementRow? {
        try RetirementRow.fetchOne(database, key: serial)
    }

    /// Stores a retirement (the pump's row is saved by the caller with the state `retired`).
    package func insert(_ r: RetirementRow) throws {
        try r.insert(database)
    }
}

extension PumpStore {
    /// Gives a reason to the pumps stored before `pump.reason` existed (the v4 migration adds the
    /// column empty): every pump in a state that has one, read from its failure-detection state.
    /// Touches only such rows, found through the state index; a pump whose state cannot be read
    /// keeps no reason (its next message rebuilds it).
    static func fillMissingReasons(_ db: Database) throws {
        let failing = [HealthState.nonFunctional, .stalled, .impendingFailure].map(\.rawValue)
        let rows = try PumpRow.filter(failing.contains(PumpRow.Columns.state) && PumpRow.Columns.reason == nil)
            .fetchAll(db)
        for var row in rows {
            guard let state = HealthState(rawValue: row.state),
                let health = try? row.decodedHealth() ?? PumpHealth(), let reason = health.reason(for: state)
            else { continue }
            row.reason = reason.rawValue
            try row.update(db, columns: [PumpRow.Columns.reason])
        }
    }
}

import Foundation
import GRDB
import PumpControlProtocol
import PumpTelemetry

/// A row of `therapy`: an enrolled therapy. The current one per pump has `current` set; earlier
/// ones stay as history. `criteria` is a JSON text column.
package struct TherapyRow: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "therapy"

    package var id: Int64?
    package var serial: String
    package var patient: String
    package var indication: String
    package var drug: String
    package var route: String
    package var criteria: CriteriaDocument
    package var enrolledAt: Int64
    package var current: Bool

    enum CodingKeys: String, CodingKey {
        case id, serial, patient, indication, drug, route, criteria
        case enrolledAt = "enrolled_at"
        case current
    }

    package enum Columns {
        static let serial = Column(CodingKeys.serial)
        static let current = Column(CodingKeys.current)
    }

    package init(
        serial: String, patient: String, indication: String, drug: String, route: String, criteria: CriteriaDocument,
        enrolledAt: Int64
    ) {
        self.serial = serial
        self.patient = patient
        self.indication = indication
        self.drug = drug
        self.route = route
        self.criteria = criteria
        self.enrolledAt = enrolledAt
        self.current = true
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The therapy as `device SERIAL` shows it.
    package var document: TherapyDocument {
        TherapyDocument(
            patient: patient, indication: indication, drug: drug, route: route, criteria: criteria,
            enrolledAt: Timestamp.format(micros: enrolledAt))
    }

    package static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        .storedColumn
    }
}

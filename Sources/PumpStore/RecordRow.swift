import Foundation
import GRDB
import PumpControlProtocol
import PumpJSON
import PumpPolicy
import PumpTelemetry

/// A row of `record`: an eligibility record, a fact never updated nor deleted. `missing` and
/// `evidence` are JSON text columns.
package struct RecordRow: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "record"

    package var id: Int64?
    package var serial: String
    package var type: String
    package var trigger: String
    package var requestReason: String?
    package var determination: String
    package var clause: String
    package var replacementCriterion: String?
    package var indicationStatus: String
    package var indicationClause: String?
    package var missing: [String]
    package var suppliesCovered: Bool
    package var evidence: [EvidenceDocument]
    package var note: String?
    package var therapyID: Int64?
    package var createdAt: Int64
    /// The row's link in the records' hash chain (`HashChain`), set when it is inserted.
    package var chainHash: String?

    enum CodingKeys: String, CodingKey {
        case id, serial, type, trigger
        case requestReason = "request_reason"
        case determination, clause
        case replacementCriterion = "replacement_criterion"
        case indicationStatus = "indication_status"
        case indicationClause = "indication_clause"
        case missing
        case suppliesCovered = "supplies_covered"
        case evidence, note
        case therapyID = "therapy_id"
        case createdAt = "created_at"
        case chainHash = "chain_hash"
    }

    package enum Columns {
        static let id = Column(CodingKeys.id)
        static let serial = Column(CodingKeys.serial)
        static let determination = Column(CodingKeys.determination)
        static let createdAt = Column(CodingKeys.createdAt)
    }

    /// The record of a decided assessment.
    package init(
        serial: String, assessment a: Assessment, evidence: [EvidenceDocument], note: String?, therapyID: Int64?,
        createdAt: Int64
    ) {
        self.serial = serial
        self.type = a.type.rawValue
        self.trigger = a.trigger.rawValue
        self.requestReason = a.requestReason?.rawValue
        self.determination = a.determination.rawValue
        self.clause = a.clause.rawValue
        self.replacementCriterion = a.replacementCriterion?.rawValue
        self.indicationStatus = a.indication.status.rawValue
        self.indicationClause = a.indication.clause?.rawValue
        self.missing = a.missing
        self.suppliesCovered = a.suppliesCovered
        self.evidence = evidence
        self.note = note
        self.therapyID = therapyID
        self.createdAt = createdAt
    }

    /// Reads a row by column name, the two JSON columns through PumpJSON's parser: GRDB's Codable
    /// decoding of a row and Foundation's `JSONDecoder` for those columns were 40% of the daemon's
    /// time on `eligibility` (GRDB's README recommends `init(row:)` where decoding speed matters).
    package init(row: Row) throws {
        id = row[CodingKeys.id.stringValue]
        serial = row[CodingKeys.serial.stringValue]
        type = row[CodingKeys.type.stringValue]
        trigger = row[CodingKeys.trigger.stringValue]
        requestReason = row[CodingKeys.requestReason.stringValue]
        determination = row[CodingKeys.determination.stringValue]
        clause = row[CodingKeys.clause.stringValue]
        replacementCriterion = row[CodingKeys.replacementCriterion.stringValue]
        indicationStatus = row[CodingKeys.indicationStatus.stringValue]
        indicationClause = row[CodingKeys.indicationClause.stringValue]
        missing = try Self.jsonColumn(row, .missing) { $0.stringValue }
        suppliesCovered = row[CodingKeys.suppliesCovered.stringValue]
        evidence = try Self.jsonColumn(row, .evidence) { value in
            guard let messageID = value["message_id"]?.stringValue, let kind = value["kind"]?.stringValue,
                let at = value["at"]?.stringValue
            else { return nil }
            return EvidenceDocument(messageID: messageID, kind: kind, code: value["code"]?.stringValue, at: at)
        }
        note = row[CodingKeys.note.stringValue]
        therapyID = row[CodingKeys.therapyID.stringValue]
        createdAt = row[CodingKeys.createdAt.stringValue]
        chainHash = row[CodingKeys.chainHash.stringValue]
    }

    /// A JSON array column, each element read by `element`; a column that is not such an array is a
    /// damaged row.
    private static func jsonColumn<Element>(
        _ row: Row, _ key: CodingKeys, element: (JSONValue) -> Element?
    ) throws -> [Element] {
        let text: String = row[key.stringValue]
        guard let array = (try? JSONParser.parse(Array(text.utf8)))?.arrayValue else {
            throw DatabaseError(message: "record.\(key.stringValue) is not a JSON array: \(text.prefix(80))")
        }
        return try array.map { value in
            guard let element = element(value) else {
                throw DatabaseError(
                    message: "record.\(key.stringValue) holds an unexpected element: \(text.prefix(80))")
            }
            return element
        }
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// `R-000017` from the row id.
    package var recordID: String {
        let digits = String(id ?? 0)
        return "R-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The record as `cli.md` shows it. The table keeps no policy column: every record is decided
    /// under the one policy the engine implements.
    package var document: EligibilityRecordDocument {
        EligibilityRecordDocument(
            id: recordID, serial: serial, type: type, trigger: trigger, requestReason: requestReason,
            determination: determination, clause: clause, replacementCriterion: replacementCriterion,
            indication: IndicationDocument(status: indicationStatus, clause: indicationClause), missing: missing,
            suppliesCovered: suppliesCovered, evidence: evidence,
            policy: PolicyIdentityDocument(
                id: PolicyIdentity.cgSurg79.id, effective: PolicyIdentity.cgSurg79.effective),
            createdAt: Timestamp.format(micros: createdAt), note: note)
    }

    package static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        .storedColumn
    }

}

extension JSONEncoder {
    /// The encoder of the JSON text columns: stable key order, slashes as they are.
    static var storedColumn: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

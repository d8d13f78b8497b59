import Foundation
import GRDB
import PumpControlProtocol
import PumpPolicy

/// Inserts eligibility records; they are never updated afterwards.
enum RecordWriter {
    /// `R-000017` from a row id.
    static func recordID(_ rowID: Int64) -> String {
        let digits = String(rowID)
        return "R-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Inserts one record and returns its id.
    static func insert(
        _ db: Database, serial: String, assessment a: Assessment, trigger: String,
        evidence: [EvidenceDocument], note: String?, therapyID: Int64?, createdAt: Int64
    ) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let missing = String(decoding: try encoder.encode(a.missing), as: UTF8.self)
        let evidenceText = String(decoding: try encoder.encode(evidence), as: UTF8.self)
        try db.cachedStatement(
            sql: """
                INSERT INTO record (serial, type, trigger, request_reason, determination, clause,
                    replacement_criterion, indication_status, indication_clause, missing, supplies_covered,
                    evidence, note, therapy_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            serial, a.type.rawValue, trigger, a.requestReason?.rawValue, a.determination.rawValue,
            a.clause.rawValue, a.replacementCriterion?.rawValue, a.indication.status.rawValue,
            a.indication.clause?.rawValue, missing, a.suppliesCovered, evidenceText, note, therapyID, createdAt,
        ])
        return recordID(db.lastInsertedRowID)
    }
}

/// The enrolled therapy rows.
enum TherapyRows {
    /// The pump's current therapy and its row id, or nil when never enrolled.
    static func current(_ db: Database, serial: String) throws -> (id: Int64, therapy: Therapy)? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT id, indication, drug, route, criteria FROM therapy WHERE serial = ? AND current = 1"),
                arguments: [serial])
        else { return nil }
        let criteria = try JSONDecoder().decode(CriteriaDocument.self, from: Data((row[4] as String).utf8))
        let therapy = Therapy(
            indication: try Indication(word: row[1]), drug: try Drug(word: row[2]), route: try Route(word: row[3]),
            criteria: try TherapyCriteria(document: criteria))
        return (row[0], therapy)
    }
}

extension TherapyCriteria {
    /// The policy's criteria from their wire form; an unknown trial route word is an error.
    public init(document d: CriteriaDocument) throws(VocabularyError) {
        self.init(
            severeRefractory: d.severeRefractory, oralBaclofenFailed: d.oralBaclofenFailed,
            metastasesLimitedToLiver: d.metastasesLimitedToLiver,
            priorExternalTreprostinil: d.priorExternalTreprostinil,
            severeChronicIntractable: d.severeChronicIntractable, trialReductionPercent: d.trialReductionPercent,
            trialRoute: try d.trialRoute.map { w throws(VocabularyError) in try Route(word: w) })
    }
}

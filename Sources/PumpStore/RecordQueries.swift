import Foundation
import GRDB
import PumpControlProtocol
import PumpJSON

/// The `record` query and the records with their details (`eligibility` asked `details`): each
/// record with the patient reference, the pump as `devices` lists it, and its evidence messages.
extension PumpStore {
    /// `record ID` with its details, or nil when no record has that id (`R-000017`; the digits
    /// are the row id).
    package func record(id: String) async throws(StoreError) -> EligibilityRecordDocument? {
        guard let rowID = Self.rowID(ofRecord: id) else { return nil }
        return try await read { db in
            guard let row = try RecordRow.fetchOne(db, key: rowID) else { return nil }
            var devices: [String: DeviceSummaryDocument] = [:]
            return try Self.detailed(row, db, devices: &devices)
        }
    }

    /// `eligibility` with each record's details, newest first by `created_at`, then `id`.
    package func recordDetails(serial: String?, determination: String?) async throws(StoreError)
        -> RecordListDocument
    {
        try await read { db in
            var records = RecordRow.all()
            if let serial { records = records.filter(RecordRow.Columns.serial == serial) }
            if let determination { records = records.filter(RecordRow.Columns.determination == determination) }
            let rows = try records.order(RecordRow.Columns.createdAt.desc, RecordRow.Columns.id.desc).fetchAll(db)
            var devices: [String: DeviceSummaryDocument] = [:]
            return RecordListDocument(records: try rows.map { try Self.detailed($0, db, devices: &devices) })
        }
    }

    /// The row id of `R-000017`: `R-` and digits only (at least six, as the ids are written).
    static func rowID(ofRecord id: String) -> Int64? {
        guard id.hasPrefix("R-") else { return nil }
        let digits = id.dropFirst(2)
        guard digits.count >= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard let value = Int64(digits), value > 0 else { return nil }
        // One spelling per record: `R-0000017` is not `R-000017`.
        return digits.count == 6 || !digits.hasPrefix("0") ? value : nil
    }

    private static func detailed(
        _ row: RecordRow, _ db: Database, devices: inout [String: DeviceSummaryDocument]
    ) throws -> EligibilityRecordDocument {
        var document = row.document
        let therapy =
            try row.therapyID.flatMap { try TherapyRow.fetchOne(db, key: $0) }
            ?? TherapyRow.filter(TherapyRow.Columns.serial == row.serial && TherapyRow.Columns.current == true)
            .fetchOne(db)
        document.patient = therapy?.patient
        if let known = devices[row.serial] {
            document.device = known
        } else {
            let statement = try PumpListing.filter(PumpRow.Columns.serial == row.serial).makePreparedRequest(db)
                .statement
            let columns = try PumpListing(statement)
            let device = try Row.fetchOne(statement).map(columns.document)
            devices[row.serial] = device
            document.device = device
        }
        document.evidenceMessages = try row.evidence.compactMap { item in
            try MessageRow.filter(
                MessageRow.Columns.serial == row.serial && MessageRow.Columns.messageID == item.messageID
            )
            .fetchOne(db)?.document
        }
        return document
    }
}

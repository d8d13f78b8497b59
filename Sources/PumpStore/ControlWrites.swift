import Foundation
import GRDB
import PumpControlProtocol
import PumpHealth
import PumpPolicy

/// The write side of the control socket: enrollment, replacement requests and the audit trail.
/// Each is one transaction; GRDB serialises them with the ingest writer's batches.
extension PumpStore {
    /// Records the pump's therapy (the earlier one stays as history), creating the pump when it was
    /// never seen, and stores and returns its implant assessment record.
    public func enroll(
        serial: String, enrollment: EnrollmentDocument, therapy: Therapy, now: Int64
    ) async throws(StoreError) -> EligibilityRecordDocument {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let criteria: String
        do {
            criteria = String(decoding: try encoder.encode(enrollment.criteria), as: UTF8.self)
        } catch {
            throw .failed(reason: "cannot encode the criteria: \(error)")
        }
        return try await write { db in
            try db.execute(
                sql: "INSERT INTO pump (serial, first_seen) VALUES (?, ?) ON CONFLICT(serial) DO NOTHING",
                arguments: [serial, now])
            try db.execute(sql: "UPDATE therapy SET current = 0 WHERE serial = ? AND current = 1", arguments: [serial])
            try db.execute(
                sql: """
                    INSERT INTO therapy (serial, patient, indication, drug, route, criteria, enrolled_at, current)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1)
                    """,
                arguments: [
                    serial, enrollment.patient, therapy.indication.rawValue, therapy.drug.rawValue,
                    therapy.route.rawValue, criteria, now,
                ])
            let therapyID = db.lastInsertedRowID
            let assessment = PolicyEngine.assessImplant(therapy)
            _ = try RecordWriter.insert(
                db, serial: serial, assessment: assessment, trigger: "request", evidence: [], note: nil,
                therapyID: therapyID, createdAt: now)
            guard let record = try RecordRows.fetch(db, rowID: db.lastInsertedRowID) else {
                throw StoreError.failed(reason: "the record just written cannot be read back")
            }
            return record
        }
    }

    /// Assesses a replacement request against the pump's telemetry (its state as last committed,
    /// judged at `now`) and its enrolled therapy; stores and returns the record, or nil when the
    /// pump is unknown.
    public func requestReplacement(
        serial: String, reason: RequestReason, note: String?, rules: StallRules, now: Int64
    ) async throws(StoreError) -> EligibilityRecordDocument? {
        try await write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT health, latest_status_id FROM pump WHERE serial = ?", arguments: [serial])
            else { return nil }
            var health = PumpHealth(rules: rules)
            if let blob = row[0] as Data?, !blob.isEmpty {
                health = try HealthCoding.decode([UInt8](blob))
            }
            let assessment = health.assess(now: now)
            let criterion: ReplacementCriterion =
                switch assessment.finding {
                case .nonFunction: .nonFunction
                case .impendingFailure: .impendingFailure
                case .none: .none
                }
            let therapy = try TherapyRows.current(db, serial: serial)
            let decision = PolicyEngine.assessReplacement(
                criterion: criterion, trigger: .request(reason), therapy: therapy?.therapy)
            _ = try RecordWriter.insert(
                db, serial: serial, assessment: decision, trigger: "request",
                evidence: assessment.findingEvidence.map(\.document), note: note, therapyID: therapy?.id,
                createdAt: now)
            return try RecordRows.fetch(db, rowID: db.lastInsertedRowID)
        }
    }

    /// Appends one row to the audit trail; committed before the caller answers the request.
    public func appendAudit(
        at: Int64, uid: UInt32?, user: String?, command: String, arguments: String, outcome: String
    ) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO audit (at, uid, user, command, arguments, outcome) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [at, uid.map { Int64($0) }, user, command, arguments, outcome])
        }
    }

    /// The audit trail, oldest first (for operators and tests; `pumpctl` has no command to change it).
    public func auditTrail() async throws(StoreError) -> [AuditEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT at, uid, user, command, arguments, outcome FROM audit ORDER BY id").map {
                AuditEntry(
                    at: $0[0], uid: ($0[1] as Int64?).map { UInt32($0) }, user: $0[2], command: $0[3],
                    arguments: $0[4], outcome: $0[5])
            }
        }
    }
}

/// One row of the audit trail.
public struct AuditEntry: Sendable, Hashable {
    /// When, µs since the epoch.
    public var at: Int64
    /// The caller's uid, when known.
    public var uid: UInt32?
    /// The caller's user name, when known.
    public var user: String?
    /// The operation.
    public var command: String
    /// The request's arguments as JSON.
    public var arguments: String
    /// `allowed: ok`, `allowed: not_found`, `refused: not permitted`...
    public var outcome: String
}

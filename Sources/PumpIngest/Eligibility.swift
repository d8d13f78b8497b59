import Foundation
import PumpControlProtocol
import PumpHealth
import PumpPolicy
import PumpStore

/// The eligibility requests of the control socket: each decides with the policy engine and
/// stores the record in one transaction (serialised with the ingest writer's batches).
package struct Eligibility: Sendable {
    package let store: PumpStore

    package init(store: PumpStore) {
        self.store = store
    }

    /// Records the pump's therapy (the earlier one stays as history), creating the pump when it was
    /// never seen, and stores and returns its implant assessment record.
    package func enroll(
        serial: String, enrollment: EnrollmentDocument, therapy: Therapy, now: Int64
    ) async throws(StoreError) -> EligibilityRecordDocument {
        try await store.write { tx in
            try tx.insertIfUnknown(PumpRow(serial: serial, firstSeen: now))
            var row = TherapyRow(
                serial: serial, patient: enrollment.patient, indication: therapy.indication.rawValue,
                drug: therapy.drug.rawValue, route: therapy.route.rawValue, criteria: enrollment.criteria,
                enrolledAt: now)
            try tx.enroll(&row)
            var record = RecordRow(
                serial: serial, assessment: PolicyEngine.assessImplant(therapy), evidence: [], note: nil,
                therapyID: row.id, createdAt: now)
            try tx.insert(&record)
            return record.document
        }
    }

    /// Assesses a replacement request against the pump's telemetry (its state as last committed,
    /// judged at `now`) and its enrolled therapy; stores and returns the record, or nil when the
    /// pump is unknown.
    package func requestReplacement(
        serial: String, reason: RequestReason, note: String?, rules: StallRules, now: Int64
    ) async throws(StoreError) -> EligibilityRecordDocument? {
        try await store.write { tx in
            guard let pump = try tx.pump(serial) else { return nil }
            let health = try pump.decodedHealth() ?? PumpHealth(rules: rules)
            let assessment = health.assess(now: now)
            let criterion: ReplacementCriterion =
                switch assessment.finding {
                case .nonFunction: .nonFunction
                case .impendingFailure: .impendingFailure
                case .none: .none
                }
            let therapy = try tx.currentTherapy(serial: serial)
            let decision = PolicyEngine.assessReplacement(
                criterion: criterion, trigger: .request(reason), therapy: try therapy?.therapy)
            var record = RecordRow(
                serial: serial, assessment: decision, evidence: assessment.findingEvidence.map(\.document), note: note,
                therapyID: therapy?.id, createdAt: now)
            try tx.insert(&record)
            return record.document
        }
    }
}

extension TherapyRow {
    /// The therapy the policy engine judges; an unknown word in the row is an error.
    var therapy: Therapy {
        get throws {
            Therapy(
                indication: try Indication(word: indication), drug: try Drug(word: drug), route: try Route(word: route),
                criteria: try TherapyCriteria(document: criteria))
        }
    }
}

extension TherapyCriteria {
    /// The policy's criteria from their wire form; an unknown trial route word is an error.
    package init(document d: CriteriaDocument) throws(VocabularyError) {
        self.init(
            severeRefractory: d.severeRefractory, oralBaclofenFailed: d.oralBaclofenFailed,
            metastasesLimitedToLiver: d.metastasesLimitedToLiver,
            priorExternalTreprostinil: d.priorExternalTreprostinil,
            severeChronicIntractable: d.severeChronicIntractable, trialReductionPercent: d.trialReductionPercent,
            trialRoute: try d.trialRoute.map { w throws(VocabularyError) in try Route(word: w) })
    }
}

extension EvidenceRef {
    /// The record's evidence item.
    var document: EvidenceDocument {
        EvidenceDocument(messageID: messageID, kind: kind.rawValue, code: code, at: atText)
    }
}

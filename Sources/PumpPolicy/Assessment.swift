// What the policy engine answers. An `Assessment` carries every decided field of a `cli.md`
// eligibility record, so the store and the command line copy it out and never decide anything again.

/// Whether the pump's enrolled therapy is covered (`policy.md`, indication finding).
package enum IndicationStatus: String, PolicyVocabulary {
    /// The therapy is medically necessary.
    case covered
    /// The therapy is not medically necessary.
    case notCovered = "not_covered"
    /// Not on file: the pump was never enrolled, or its therapy assessment needs review.
    case unknown

    /// `indication status`.
    package static var vocabularyName: String { "indication status" }
}

/// The kind of record: the assessment of an implant (a therapy) or of a replacement.
package enum AssessmentType: String, PolicyVocabulary {
    /// A therapy's implant assessment, made at enrolment.
    case implant
    /// A replacement assessment, raised by telemetry or requested by a clinician.
    case replacement

    /// `type`.
    package static var vocabularyName: String { "type" }
}

/// What raised a record, as the record's `trigger` field spells it.
package enum AssessmentTrigger: String, PolicyVocabulary {
    /// The pump's own telemetry showed a replacement criterion.
    case telemetry
    /// A clinician asked (`request-replacement`, or `enroll` for an implant assessment).
    case request

    /// `trigger`.
    package static var vocabularyName: String { "trigger" }
}

/// What raised a replacement assessment: the pump's telemetry, or a request with its reason.
package enum ReplacementTrigger: Sendable, Hashable {
    /// The pump's telemetry showed the criterion; nobody asked.
    case telemetry
    /// A clinician asked, for this reason.
    case request(RequestReason)

    /// The request's reason; `nil` for telemetry.
    package var requestReason: RequestReason? {
        switch self {
        case .telemetry: nil
        case .request(let reason): reason
        }
    }

    /// The record's `trigger` word.
    package var kind: AssessmentTrigger {
        switch self {
        case .telemetry: .telemetry
        case .request: .request
        }
    }
}

/// The indication finding: whether the pump's therapy is covered, by which clause, and what is missing.
package struct IndicationFinding: Sendable, Hashable {
    /// Covered, not covered, or unknown.
    package var status: IndicationStatus
    /// Covered: the `MN.indication.N` clause. Not covered: the NMN clause. Unknown: the candidate MN
    /// clause when the therapy needs review; `nil` when the pump was never enrolled.
    package var clause: Clause?
    /// The facts not on file, in the spec's order: the therapy's absent criteria, or `["indication"]`
    /// for a pump never enrolled. Empty unless the status is unknown.
    package var missing: [String]

    package init(status: IndicationStatus, clause: Clause?, missing: [String]) {
        self.status = status
        self.clause = clause
        self.missing = missing
    }

    /// The finding for a pump that was never enrolled: unknown, no clause, `missing: ["indication"]`.
    package static let neverEnrolled = IndicationFinding(
        status: .unknown, clause: nil, missing: [Fact.indication.rawValue])
}

/// The policy a record is decided under.
package struct PolicyIdentity: Sendable, Hashable {
    /// The policy's id, `CG-SURG-79`.
    package var id: String
    /// The policy's effective date, `2023-09-27`.
    package var effective: String

    package init(id: String, effective: String) {
        self.id = id
        self.effective = effective
    }

    /// Anthem CG-SURG-79, Implantable Infusion Pumps, effective 2023-09-27.
    package static let cgSurg79 = PolicyIdentity(id: "CG-SURG-79", effective: "2023-09-27")
}

/// A decided assessment: every field of an eligibility record except its id, serial, evidence,
/// times and note, which belong to the store.
package struct Assessment: Sendable, Hashable {
    /// Implant or replacement.
    package var type: AssessmentType
    /// Medically necessary, not medically necessary, or needs review.
    package var determination: Determination
    /// The clause that decides it (for needs review, the candidate MN clause).
    package var clause: Clause
    /// The replacement criterion the telemetry shows; `nil` for an implant.
    package var replacementCriterion: ReplacementCriterion?
    /// The request's reason; `nil` for an implant and for a telemetry-raised replacement.
    package var requestReason: RequestReason?
    /// The indication finding (a record shows its status and clause).
    package var indication: IndicationFinding
    /// The facts a reviewer must supply; non-empty exactly when the determination is needs review.
    package var missing: [String]
    /// `MN.supplies`: true exactly when the determination is medically necessary.
    package var suppliesCovered: Bool
    /// The policy decided under.
    package var policy: PolicyIdentity

    /// Creates an assessment as decided (the engine builds them; the store rebuilds stored ones).
    package init(
        type: AssessmentType, determination: Determination, clause: Clause,
        replacementCriterion: ReplacementCriterion?, requestReason: RequestReason?,
        indication: IndicationFinding, missing: [String], suppliesCovered: Bool,
        policy: PolicyIdentity = .cgSurg79
    ) {
        self.type = type
        self.determination = determination
        self.clause = clause
        self.replacementCriterion = replacementCriterion
        self.requestReason = requestReason
        self.indication = indication
        self.missing = missing
        self.suppliesCovered = suppliesCovered
        self.policy = policy
    }

    /// The record's `trigger`: `request` for an implant or a requested replacement, else `telemetry`.
    package var trigger: AssessmentTrigger {
        type == .implant || requestReason != nil ? .request : .telemetry
    }
}

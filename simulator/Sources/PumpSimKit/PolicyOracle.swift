import PumpControlProtocol
import PumpPolicy

/// The indication finding of an assessment: covered, not covered, or unknown with what is missing.
package struct IndicationFinding: Sendable, Hashable {
    /// `covered`, `not_covered` or `unknown`, as records spell it.
    package var status: String
    /// The indication's clause; nil when the pump was never enrolled.
    package var clause: String?
    /// The facts not on file (for `unknown`).
    package var missing: [String]
}

/// What the policy table says about one assessment: the parts of a record the simulator checks.
package struct ExpectedAssessment: Sendable, Hashable {
    /// The determination.
    package var determination: Determination
    /// The clause that decides it.
    package var clause: String
    /// Facts a reviewer must supply, in the policy's order.
    package var missing: [String]
    /// The indication finding.
    package var indication: IndicationFinding
    /// `MN.supplies`: true exactly when medically necessary.
    package var suppliesCovered: Bool { determination == .medicallyNecessary }
}

/// The simulator's own, independent reading of the tables of `policy.md`: the answer key for
/// scenario files and fleet runs. Deliberately not the daemon's code, so the two check each other.
package enum PolicyOracle {
    /// The implant (therapy) assessment of an enrolled therapy. Throws on a word outside the
    /// vocabulary (the daemon answers those `bad_data`).
    package static func implant(_ therapy: EnrollmentDocument) throws(VocabularyError) -> ExpectedAssessment {
        let indication = try Indication(word: therapy.indication)
        let drug = try Drug(word: therapy.drug)
        let route = try Route(word: therapy.route)
        let c = therapy.criteria
        func nmn(_ clause: String) -> ExpectedAssessment {
            ExpectedAssessment(
                determination: .notMedicallyNecessary, clause: clause, missing: [],
                indication: IndicationFinding(status: "not_covered", clause: clause, missing: []))
        }
        func decide(_ clause: String, _ criteria: [(String, Bool?)]) -> ExpectedAssessment {
            if criteria.contains(where: { $0.1 == false }) { return nmn("NMN.use.other") }
            let missing = criteria.filter { $0.1 == nil }.map(\.0)
            if missing.isEmpty {
                return ExpectedAssessment(
                    determination: .medicallyNecessary, clause: clause, missing: [],
                    indication: IndicationFinding(status: "covered", clause: clause, missing: []))
            }
            return ExpectedAssessment(
                determination: .needsReview, clause: clause, missing: missing,
                indication: IndicationFinding(status: "unknown", clause: clause, missing: missing))
        }
        switch (indication, drug, route) {
        case (_, .insulin, _): return nmn("NMN.use.other")
        case (.thromboembolicDisease, .heparin, _): return nmn("NMN.use.heparin_thromboembolic")
        case (.osteomyelitis, .antibiotic, _): return nmn("NMN.use.antibiotics_osteomyelitis")
        case (.primaryLiverCancer, .chemotherapy, .intrahepaticArterial): return decide("MN.indication.1", [])
        case (.colorectalLiverMetastases, .chemotherapy, .intrahepaticArterial):
            return decide("MN.indication.2", [("metastases_limited_to_liver", c.metastasesLimitedToLiver)])
        case (.spasticity, .baclofen, .intrathecal):
            return decide(
                "MN.indication.3",
                [("severe_refractory", c.severeRefractory), ("oral_baclofen_failed", c.oralBaclofenFailed)])
        case (.pulmonaryArterialHypertension, .treprostinil, _):
            return decide("MN.indication.4", [("prior_external_treprostinil", c.priorExternalTreprostinil)])
        case (.chronicIntractablePain, .opioid, let r) where r != .other,
            (.chronicIntractablePain, .nonopioidAnalgesic, let r) where r != .other:
            let trialRoute: Route? = try c.trialRoute.map { (word: String) throws(VocabularyError) in
                try Route(word: word)
            }
            return decide(
                "MN.indication.5",
                [
                    ("severe_chronic_intractable", c.severeChronicIntractable),
                    ("trial_reduction_percent", c.trialReductionPercent.map { $0 > 50 }),
                    ("trial_route", trialRoute.map { $0 == r }),
                ])
        default: return nmn("NMN.use.other")
        }
    }

    /// The indication finding of a pump with this enrolled therapy (nil: never enrolled).
    package static func indication(_ therapy: EnrollmentDocument?) throws(VocabularyError) -> IndicationFinding {
        guard let therapy else { return IndicationFinding(status: "unknown", clause: nil, missing: ["indication"]) }
        return try implant(therapy).indication
    }

    /// The assessment of a replacement request with `reason`, the pump's telemetry showing `criterion`.
    package static func request(
        criterion: ReplacementCriterion, reason: RequestReason, therapy: EnrollmentDocument?
    ) throws(VocabularyError) -> ExpectedAssessment {
        let finding = try indication(therapy)
        if let assessment = try replacement(criterion: criterion, reason: reason, therapy: therapy) {
            return assessment
        }
        // Unreachable: every reason is decided above; kept total without a force-unwrap.
        return ExpectedAssessment(
            determination: .needsReview, clause: "MN.replacement.non_function", missing: finding.missing,
            indication: finding)
    }

    /// The replacement assessment for a criterion shown by telemetry and an optional request
    /// reason (nil: raised by telemetry). Returns nil when no record is raised (telemetry showing
    /// criterion `none`).
    package static func replacement(
        criterion: ReplacementCriterion, reason: RequestReason?, therapy: EnrollmentDocument?
    ) throws(VocabularyError) -> ExpectedAssessment? {
        let finding = try indication(therapy)
        switch criterion {
        case .nonFunction, .impendingFailure:
            let clause =
                criterion == .nonFunction ? "MN.replacement.non_function" : "MN.replacement.impending_failure"
            switch finding.status {
            case "covered":
                return ExpectedAssessment(
                    determination: .medicallyNecessary, clause: clause, missing: [], indication: finding)
            case "not_covered":
                return ExpectedAssessment(
                    determination: .notMedicallyNecessary, clause: finding.clause ?? "NMN.use.other", missing: [],
                    indication: finding)
            default:
                return ExpectedAssessment(
                    determination: .needsReview, clause: clause, missing: finding.missing, indication: finding)
            }
        case .none:
            switch reason {
            case nil:
                return nil
            case .convenience?:
                return ExpectedAssessment(
                    determination: .notMedicallyNecessary, clause: "NMN.replacement.convenience", missing: [],
                    indication: finding)
            case .upgrade?:
                return ExpectedAssessment(
                    determination: .notMedicallyNecessary, clause: "NMN.replacement.upgrade", missing: [],
                    indication: finding)
            case .malfunction?:
                switch finding.status {
                case "covered", "unknown":
                    let missing = ["malfunction_evidence"] + (finding.status == "unknown" ? finding.missing : [])
                    return ExpectedAssessment(
                        determination: .needsReview, clause: "MN.replacement.non_function", missing: missing,
                        indication: finding)
                default:
                    return ExpectedAssessment(
                        determination: .notMedicallyNecessary, clause: finding.clause ?? "NMN.use.other",
                        missing: [], indication: finding)
                }
            }
        }
    }
}

// The CG-SURG-79 decisions of `policy.md`: the implant (therapy) table here, the replacement table in
// `PolicyEngine+Replacement.swift`. Pure functions of their inputs, no state, no clock.

/// Decides implant and replacement assessments under CG-SURG-79.
package enum PolicyEngine {
    /// The implant assessment of a therapy (`policy.md`, "Implant (therapy) assessment").
    ///
    /// - Insulin, under any indication: not medically necessary, `NMN.use.other`.
    /// - Heparin for thromboembolic disease: `NMN.use.heparin_thromboembolic`; antibiotics for
    ///   osteomyelitis: `NMN.use.antibiotics_osteomyelitis` (any route). Heparin or antibiotics for
    ///   another indication: `NMN.use.other`.
    /// - When indication, drug and route match an MN row, its criteria decide: all hold, medically
    ///   necessary; any known false, `NMN.use.other` with `missing: []` whatever else is absent;
    ///   otherwise needs review, citing the candidate MN clause and listing the absent criteria in the
    ///   spec's order. Pain: `trial_reduction_percent` holds when strictly above 50 and `trial_route`
    ///   when equal to the planned route; a percent outside 0...100 (or not finite) counts as absent.
    /// - Every other combination: `NMN.use.other`. Criteria not belonging to the indication are ignored.
    ///
    /// The record has no replacement criterion and no request reason; `suppliesCovered` is true exactly
    /// when medically necessary (`MN.supplies`), while `clause` stays the indication's.
    package static func assessImplant(_ therapy: Therapy) -> Assessment {
        let decision = TherapyDecision(therapy)
        return Assessment(
            type: .implant, determination: decision.determination, clause: decision.clause,
            replacementCriterion: nil, requestReason: nil, indication: decision.finding,
            missing: decision.missing, suppliesCovered: decision.determination == .medicallyNecessary)
    }

    /// The indication finding of a pump's enrolled therapy: `covered` (MN, with its `MN.indication.N`
    /// clause), `not_covered` (NMN, with the NMN clause) or `unknown` (needs review, with the candidate
    /// MN clause and the absent criteria). A pump never enrolled (`nil`) is unknown with no clause and
    /// `missing: ["indication"]`.
    package static func indicationFinding(for therapy: Therapy?) -> IndicationFinding {
        guard let therapy else { return .neverEnrolled }
        return TherapyDecision(therapy).finding
    }
}

/// Whether one criterion of a candidate MN clause holds, fails, or is not on file.
enum CriterionOutcome: Hashable {
    /// Known to hold.
    case holds
    /// Known to be false: settles the therapy as `NMN.use.other`.
    case fails
    /// Absent: the therapy needs review.
    case unknown

    init(_ value: Bool?) {
        switch value {
        case .some(true): self = .holds
        case .some(false): self = .fails
        case .none: self = .unknown
        }
    }
}

/// Which row of the implant table a therapy's indication, drug and route fall under.
enum TherapyUse: Hashable {
    /// An NMN row, or a combination no row names: settled by the clause alone.
    case excluded(Clause)
    /// An MN row whose drug and route match: its criteria, in the spec's order, decide.
    case candidate(Clause, criteria: [Fact])

    init(_ therapy: Therapy) {
        let (indication, drug, route) = (therapy.indication, therapy.drug, therapy.route)
        if drug == .insulin {
            // "fully implantable insulin pumps" are NMN whatever the indication.
            self = .excluded(.nmnUseOther)
            return
        }
        switch (indication, drug) {
        case (.thromboembolicDisease, .heparin):
            self = .excluded(.nmnUseHeparinThromboembolic)
        case (.osteomyelitis, .antibiotic):
            self = .excluded(.nmnUseAntibioticsOsteomyelitis)
        case (.primaryLiverCancer, .chemotherapy) where route == .intrahepaticArterial:
            self = .candidate(.mnIndication1, criteria: indication.criteria)
        case (.colorectalLiverMetastases, .chemotherapy) where route == .intrahepaticArterial:
            self = .candidate(.mnIndication2, criteria: indication.criteria)
        case (.spasticity, .baclofen) where route == .intrathecal:
            self = .candidate(.mnIndication3, criteria: indication.criteria)
        case (.pulmonaryArterialHypertension, .treprostinil):
            // "any route the pump uses": the policy names no route for treprostinil.
            self = .candidate(.mnIndication4, criteria: indication.criteria)
        case (.chronicIntractablePain, .opioid), (.chronicIntractablePain, .nonopioidAnalgesic):
            // Intravenous, intrathecal and epidural are the policy's examples; only `other` is out.
            self = route == .other ? .excluded(.nmnUseOther) : .candidate(.mnIndication5, criteria: indication.criteria)
        default:
            self = .excluded(.nmnUseOther)
        }
    }
}

extension Therapy {
    /// The value of one of the indication's criteria, judged against this therapy.
    func value(of fact: Fact) -> CriterionOutcome {
        switch fact {
        case .severeRefractory: CriterionOutcome(criteria.severeRefractory)
        case .oralBaclofenFailed: CriterionOutcome(criteria.oralBaclofenFailed)
        case .metastasesLimitedToLiver: CriterionOutcome(criteria.metastasesLimitedToLiver)
        case .priorExternalTreprostinil: CriterionOutcome(criteria.priorExternalTreprostinil)
        case .severeChronicIntractable: CriterionOutcome(criteria.severeChronicIntractable)
        case .trialReductionPercent:
            if let percent = criteria.trialReductionPercent, percent.isFinite,
                TherapyCriteria.trialReductionPercentRange.contains(percent)
            {
                // "greater than 50% reduction in pain": 50 itself is not a successful trial.
                CriterionOutcome(percent > TherapyCriteria.successfulTrialThreshold)
            } else {
                .unknown
            }
        case .trialRoute: CriterionOutcome(criteria.trialRoute.map { $0 == route })
        case .indication, .malfunctionEvidence: .unknown
        }
    }
}

/// A therapy's decision, shared by the implant assessment and the indication finding.
struct TherapyDecision: Hashable {
    /// The three-valued answer.
    var determination: Determination
    /// The MN clause, the NMN clause, or the candidate MN clause.
    var clause: Clause
    /// The absent criteria, in the spec's order (empty unless needs review).
    var missing: [String]

    init(_ therapy: Therapy) {
        switch TherapyUse(therapy) {
        case .excluded(let clause):
            self.init(determination: .notMedicallyNecessary, clause: clause, missing: [])
        case .candidate(let clause, let criteria):
            let values = criteria.map { ($0, therapy.value(of: $0)) }
            if values.contains(where: { $0.1 == .fails }) {
                // A criterion known false settles it, whatever else is absent.
                self.init(determination: .notMedicallyNecessary, clause: .nmnUseOther, missing: [])
                return
            }
            let missing = values.filter { $0.1 == .unknown }.map(\.0.rawValue)
            self.init(
                determination: missing.isEmpty ? .medicallyNecessary : .needsReview, clause: clause, missing: missing)
        }
    }

    init(determination: Determination, clause: Clause, missing: [String]) {
        self.determination = determination
        self.clause = clause
        self.missing = missing
    }

    /// The decision as an indication finding.
    var finding: IndicationFinding {
        let status: IndicationStatus =
            switch determination {
            case .medicallyNecessary: .covered
            case .notMedicallyNecessary: .notCovered
            case .needsReview: .unknown
            }
        return IndicationFinding(status: status, clause: clause, missing: missing)
    }
}

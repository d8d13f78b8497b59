// An enrolled therapy and its criteria. Each criterion is true, false, or absent (nil): absent means
// unknown, which is never the same as false (`policy.md`, "Unknown is not false").

/// A fact a record may name as missing: the criteria keys of `policy.md`, in the order of its
/// criteria list, then `indication` and `malfunction_evidence` for replacements.
package enum Fact: String, PolicyVocabulary {
    /// Spasticity: severe, refractory, of cerebral or spinal cord origin.
    case severeRefractory = "severe_refractory"
    /// Spasticity: unresponsive to or cannot tolerate oral baclofen.
    case oralBaclofenFailed = "oral_baclofen_failed"
    /// Colorectal cancer: metastases limited to the liver.
    case metastasesLimitedToLiver = "metastases_limited_to_liver"
    /// PAH: previously receiving treprostinil via an external infusion pump.
    case priorExternalTreprostinil = "prior_external_treprostinil"
    /// Pain: severe, chronic, intractable.
    case severeChronicIntractable = "severe_chronic_intractable"
    /// Pain: the trial's pain reduction in percent (successful when strictly above 50).
    case trialReductionPercent = "trial_reduction_percent"
    /// Pain: the route of the trial (must be the planned route).
    case trialRoute = "trial_route"
    /// Replacement: the pump was never enrolled, so its indication is not on file.
    case indication
    /// Replacement: a malfunction is claimed but the pump's telemetry does not show it.
    case malfunctionEvidence = "malfunction_evidence"

    /// `fact`.
    package static var vocabularyName: String { "fact" }

    /// The seven therapy criteria, in the order of `policy.md`'s criteria list.
    package static let criteria: [Fact] = [
        .severeRefractory, .oralBaclofenFailed, .metastasesLimitedToLiver, .priorExternalTreprostinil,
        .severeChronicIntractable, .trialReductionPercent, .trialRoute,
    ]
}

extension Indication {
    /// The criteria that belong to the indication, in the spec's order; any other criterion is
    /// stored and ignored.
    package var criteria: [Fact] {
        switch self {
        case .spasticity: [.severeRefractory, .oralBaclofenFailed]
        case .colorectalLiverMetastases: [.metastasesLimitedToLiver]
        case .pulmonaryArterialHypertension: [.priorExternalTreprostinil]
        case .chronicIntractablePain: [.severeChronicIntractable, .trialReductionPercent, .trialRoute]
        case .primaryLiverCancer, .thromboembolicDisease, .osteomyelitis, .diabetes, .other: []
        }
    }
}

/// The criteria of a therapy: each `nil` is unknown (absent), never the same as `false`.
package struct TherapyCriteria: Sendable, Hashable {
    /// Spasticity: severe, refractory, of cerebral or spinal cord origin.
    package var severeRefractory: Bool?
    /// Spasticity: unresponsive to or cannot tolerate oral baclofen.
    package var oralBaclofenFailed: Bool?
    /// Colorectal cancer: metastases limited to the liver.
    package var metastasesLimitedToLiver: Bool?
    /// PAH: previously receiving treprostinil via an external infusion pump.
    package var priorExternalTreprostinil: Bool?
    /// Pain: severe, chronic, intractable.
    package var severeChronicIntractable: Bool?
    /// Pain: the trial's pain reduction in percent, 0 to 100; successful when strictly above 50.
    /// A value that is not a percentage (not finite, below 0, above 100) counts as unknown.
    package var trialReductionPercent: Double?
    /// Pain: the route of the trial; it must equal the planned route.
    package var trialRoute: Route?

    /// The range a trial reduction must lie in to be a fact: 0 to 100 percent.
    package static let trialReductionPercentRange: ClosedRange<Double> = 0...100

    /// A trial strictly above this reduction is successful (`policy.md`: "greater than 50%").
    package static let successfulTrialThreshold: Double = 50

    /// Creates criteria; each one left out is unknown.
    package init(
        severeRefractory: Bool? = nil, oralBaclofenFailed: Bool? = nil, metastasesLimitedToLiver: Bool? = nil,
        priorExternalTreprostinil: Bool? = nil, severeChronicIntractable: Bool? = nil,
        trialReductionPercent: Double? = nil, trialRoute: Route? = nil
    ) {
        self.severeRefractory = severeRefractory
        self.oralBaclofenFailed = oralBaclofenFailed
        self.metastasesLimitedToLiver = metastasesLimitedToLiver
        self.priorExternalTreprostinil = priorExternalTreprostinil
        self.severeChronicIntractable = severeChronicIntractable
        self.trialReductionPercent = trialReductionPercent
        self.trialRoute = trialRoute
    }

    /// Whether the criterion is on file (true, false, a number or a route); `false` when absent.
    /// `indication` and `malfunction_evidence` are not therapy criteria and are never on file here.
    package func isKnown(_ fact: Fact) -> Bool {
        switch fact {
        case .severeRefractory: severeRefractory != nil
        case .oralBaclofenFailed: oralBaclofenFailed != nil
        case .metastasesLimitedToLiver: metastasesLimitedToLiver != nil
        case .priorExternalTreprostinil: priorExternalTreprostinil != nil
        case .severeChronicIntractable: severeChronicIntractable != nil
        case .trialReductionPercent: trialReductionPercent != nil
        case .trialRoute: trialRoute != nil
        case .indication, .malfunctionEvidence: false
        }
    }

    /// A copy with the criterion made unknown (absent); other facts leave it unchanged.
    package func forgetting(_ fact: Fact) -> TherapyCriteria {
        var copy = self
        switch fact {
        case .severeRefractory: copy.severeRefractory = nil
        case .oralBaclofenFailed: copy.oralBaclofenFailed = nil
        case .metastasesLimitedToLiver: copy.metastasesLimitedToLiver = nil
        case .priorExternalTreprostinil: copy.priorExternalTreprostinil = nil
        case .severeChronicIntractable: copy.severeChronicIntractable = nil
        case .trialReductionPercent: copy.trialReductionPercent = nil
        case .trialRoute: copy.trialRoute = nil
        case .indication, .malfunctionEvidence: break
        }
        return copy
    }
}

/// A pump's therapy: what it treats, with which drug, by which route, and the indication's criteria.
package struct Therapy: Sendable, Hashable {
    /// The condition treated.
    package var indication: Indication
    /// The drug infused.
    package var drug: Drug
    /// The route of administration.
    package var route: Route
    /// The criteria on file (those not belonging to the indication are kept and ignored).
    package var criteria: TherapyCriteria

    /// Creates a therapy; criteria default to all unknown.
    package init(indication: Indication, drug: Drug, route: Route, criteria: TherapyCriteria = TherapyCriteria()) {
        self.indication = indication
        self.drug = drug
        self.route = route
        self.criteria = criteria
    }
}

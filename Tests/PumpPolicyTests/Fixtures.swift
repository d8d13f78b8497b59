import PumpPolicy
import Testing

/// What a case of a table expects.
struct Expected: Sendable, Hashable, CustomStringConvertible {
    var determination: Determination
    var clause: Clause
    var missing: [String] = []

    static func mn(_ clause: Clause) -> Expected { Expected(determination: .medicallyNecessary, clause: clause) }
    static func nmn(_ clause: Clause) -> Expected { Expected(determination: .notMedicallyNecessary, clause: clause) }
    static func review(_ clause: Clause, _ missing: [Fact]) -> Expected {
        Expected(determination: .needsReview, clause: clause, missing: missing.map(\.rawValue))
    }

    var description: String { "\(determination.rawValue) \(clause.rawValue) missing \(missing)" }
}

/// Therapies the replacement table combines with, one per indication status.
enum Fixture {
    /// Spasticity, intrathecal baclofen, both criteria true: covered under MN.indication.3.
    static let covered = Therapy(
        indication: .spasticity, drug: .baclofen, route: .intrathecal,
        criteria: TherapyCriteria(severeRefractory: true, oralBaclofenFailed: true))

    /// Heparin for thromboembolic disease: not covered under NMN.use.heparin_thromboembolic.
    static let heparin = Therapy(indication: .thromboembolicDisease, drug: .heparin, route: .intravenous)

    /// Insulin for diabetes: not covered under NMN.use.other.
    static let insulin = Therapy(indication: .diabetes, drug: .insulin, route: .subcutaneous)

    /// Spasticity with the oral-baclofen criterion absent: unknown, candidate MN.indication.3.
    static let needsReview = Therapy(
        indication: .spasticity, drug: .baclofen, route: .intrathecal,
        criteria: TherapyCriteria(severeRefractory: true))

    /// Pain with every criterion absent: unknown, candidate MN.indication.5.
    static let painUnknown = Therapy(indication: .chronicIntractablePain, drug: .opioid, route: .intrathecal)

    /// Pain, intrathecal, every criterion met unless overridden. `trialRoute` left out is the planned
    /// route; `.some(nil)` makes it absent.
    static func pain(
        drug: Drug = .opioid, route: Route = .intrathecal, severe: Bool? = true, percent: Double? = 75,
        trialRoute: Route?? = .none
    ) -> Therapy {
        Therapy(
            indication: .chronicIntractablePain, drug: drug, route: route,
            criteria: TherapyCriteria(
                severeChronicIntractable: severe, trialReductionPercent: percent,
                trialRoute: trialRoute ?? route))
    }

    /// Every replacement trigger: the telemetry and each request reason.
    static let allTriggers: [ReplacementTrigger] = [.telemetry] + RequestReason.allCases.map { .request($0) }
}

/// Checks every field of an implant assessment against the expectation and the record rules.
func expectImplant(_ therapy: Therapy, _ expected: Expected, sourceLocation: SourceLocation = #_sourceLocation) {
    let a = PolicyEngine.assessImplant(therapy)
    #expect(a.type == .implant, sourceLocation: sourceLocation)
    #expect(a.determination == expected.determination, "\(therapy)", sourceLocation: sourceLocation)
    #expect(a.clause == expected.clause, "\(therapy)", sourceLocation: sourceLocation)
    #expect(a.missing == expected.missing, "\(therapy)", sourceLocation: sourceLocation)
    #expect(a.replacementCriterion == nil, sourceLocation: sourceLocation)
    #expect(a.requestReason == nil, sourceLocation: sourceLocation)
    #expect(a.trigger == .request, sourceLocation: sourceLocation)
    #expect(a.suppliesCovered == (expected.determination == .medicallyNecessary), sourceLocation: sourceLocation)
    #expect(a.policy == .cgSurg79, sourceLocation: sourceLocation)
    let status: IndicationStatus =
        switch expected.determination {
        case .medicallyNecessary: .covered
        case .notMedicallyNecessary: .notCovered
        case .needsReview: .unknown
        }
    #expect(
        a.indication == IndicationFinding(status: status, clause: expected.clause, missing: expected.missing),
        sourceLocation: sourceLocation)
    #expect(PolicyEngine.indicationFinding(for: therapy) == a.indication, sourceLocation: sourceLocation)
}

/// Checks every field of a replacement assessment against the expectation and the record rules.
func expectReplacement(
    _ criterion: ReplacementCriterion, _ trigger: ReplacementTrigger, _ therapy: Therapy?, _ expected: Expected,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let a = PolicyEngine.assessReplacement(criterion: criterion, trigger: trigger, therapy: therapy)
    let context: Comment = "\(criterion) \(trigger) \(String(describing: therapy))"
    #expect(a.type == .replacement, sourceLocation: sourceLocation)
    #expect(a.determination == expected.determination, context, sourceLocation: sourceLocation)
    #expect(a.clause == expected.clause, context, sourceLocation: sourceLocation)
    #expect(a.missing == expected.missing, context, sourceLocation: sourceLocation)
    #expect(a.replacementCriterion == criterion, sourceLocation: sourceLocation)
    #expect(a.requestReason == trigger.requestReason, sourceLocation: sourceLocation)
    #expect(a.trigger == trigger.kind, sourceLocation: sourceLocation)
    #expect(a.suppliesCovered == (expected.determination == .medicallyNecessary), sourceLocation: sourceLocation)
    #expect(a.indication == PolicyEngine.indicationFinding(for: therapy), sourceLocation: sourceLocation)
    #expect(a.policy == .cgSurg79, sourceLocation: sourceLocation)
}

import Foundation
import PropertyBased
import PumpPolicy
import Testing

// Random therapies, biased toward the MN rows (where criteria matter) and toward the pain trial's
// boundaries, with every criterion true, false or absent.

/// The (indication, drug, matching route) of each MN row; `nil` route means any route.
private let mnRows: [(Indication, Drug, Route?)] = [
    (.primaryLiverCancer, .chemotherapy, .intrahepaticArterial),
    (.colorectalLiverMetastases, .chemotherapy, .intrahepaticArterial),
    (.spasticity, .baclofen, .intrathecal),
    (.pulmonaryArterialHypertension, .treprostinil, nil),
    (.chronicIntractablePain, .opioid, nil),
    (.chronicIntractablePain, .nonopioidAnalgesic, nil),
]

private let boundaryPercents: [Double] = [0, 49.9, 50, 50.1, 100]

/// A trial reduction: often a boundary, otherwise anywhere in 0...100; absent a quarter of the time.
private let percentGen = zip(Gen.int(in: 0...9), Gen.double(in: 0...100))
    .map { pick, any in pick < boundaryPercents.count ? boundaryPercents[pick] : any }
    .optional

private let criteriaGen = zip(
    Gen.bool.optional, Gen.bool.optional, Gen.bool.optional, Gen.bool.optional, Gen.bool.optional,
    percentGen, Gen<Route>.case.optional
).map { a, b, c, d, e, percent, trialRoute in
    TherapyCriteria(
        severeRefractory: a, oralBaclofenFailed: b, metastasesLimitedToLiver: c, priorExternalTreprostinil: d,
        severeChronicIntractable: e, trialReductionPercent: percent, trialRoute: trialRoute)
}

/// Two times in three an MN row (its route or, half the time, a random one); else any combination.
let therapyGen = zip(
    Gen.int(in: 0...(mnRows.count + mnRows.count / 2 - 1)), Gen.bool, Gen<Indication>.case, Gen<Drug>.case,
    Gen<Route>.case,
    criteriaGen
).map { pick, keepRoute, indication, drug, route, criteria in
    guard pick < mnRows.count else {
        return Therapy(indication: indication, drug: drug, route: route, criteria: criteria)
    }
    let (rowIndication, rowDrug, rowRoute) = mnRows[pick]
    var c = criteria
    // Pain: a trial by the planned route half the time, so MN is reachable.
    if rowIndication == .chronicIntractablePain, keepRoute, c.trialRoute != nil { c.trialRoute = route }
    return Therapy(
        indication: rowIndication, drug: rowDrug, route: keepRoute ? (rowRoute ?? route) : route, criteria: c)
}

private let triggerGen = Gen<RequestReason>.case.optional.map { reason -> ReplacementTrigger in
    reason.map { .request($0) } ?? .telemetry
}

private let replacementGen = zip(Gen<ReplacementCriterion>.case, triggerGen, therapyGen.optional(valueRate: 0.85))

@Suite("Properties of the policy engine")
struct PolicyPropertyTests {
    /// (a) Forgetting a known criterion never creates a not-medically-necessary answer: if the therapy
    /// with criterion k absent is NMN, the therapy with k known was already NMN under the same clause
    /// (its NMN came from another known-false criterion or a combination no MN row names). And when
    /// forgetting k lifts an NMN, k alone had settled it: the result needs review and names k.
    @Test func forgettingACriterionNeverYieldsNotMedicallyNecessary() async {
        await propertyCheck(count: 2000, input: therapyGen) { therapy in
            let known = PolicyEngine.assessImplant(therapy)
            for fact in Fact.criteria where therapy.criteria.isKnown(fact) {
                var forgotten = therapy
                forgotten.criteria = therapy.criteria.forgetting(fact)
                let unknown = PolicyEngine.assessImplant(forgotten)
                if unknown.determination == .notMedicallyNecessary {
                    #expect(known.determination == .notMedicallyNecessary, "forgot \(fact)")
                    #expect(known.clause == unknown.clause, "forgot \(fact)")
                }
                if known.determination == .notMedicallyNecessary, unknown.determination != .notMedicallyNecessary {
                    #expect(therapy.indication.criteria.contains(fact))
                    #expect(unknown.determination == .needsReview)
                    #expect(unknown.missing.contains(fact.rawValue))
                }
                if !therapy.indication.criteria.contains(fact) {
                    #expect(unknown == known, "\(fact) does not belong to \(therapy.indication)")
                }
            }
        }
    }

    /// (a') Forgetting every criterion leaves an answer that is NMN only when no criterion could
    /// ever help: then every valuation of the criteria is NMN under the same clause.
    @Test func withEveryCriterionAbsentNotMedicallyNecessaryIsIndependentOfTheCriteria() async {
        await propertyCheck(count: 1000, input: therapyGen) { therapy in
            let bare = PolicyEngine.assessImplant(
                Therapy(indication: therapy.indication, drug: therapy.drug, route: therapy.route))
            let full = PolicyEngine.assessImplant(therapy)
            if bare.determination == .notMedicallyNecessary {
                #expect(full.determination == .notMedicallyNecessary)
                #expect(full.clause == bare.clause)
            }
        }
    }

    /// (b) Every determination cites a clause of the spec's list, of the right kind, and is medically
    /// necessary exactly when supplies are covered.
    @Test func everyImplantDeterminationCarriesASpecClauseAndMNIffSuppliesCovered() async throws {
        await propertyCheck(count: 1000, input: therapyGen) { therapy in
            let a = PolicyEngine.assessImplant(therapy)
            expectClauseConsistent(a)
            #expect(a.type == .implant && a.replacementCriterion == nil && a.requestReason == nil)
            #expect(a.clause != .mnSupplies)
            #expect(!a.clause.isMedicallyNecessary || a.clause.isIndicationClause)
        }
    }

    /// (b) The same for replacements, every criterion and trigger, enrolled or not.
    @Test func everyReplacementDeterminationCarriesASpecClauseAndMNIffSuppliesCovered() async {
        await propertyCheck(count: 1000, input: replacementGen) { criterion, trigger, therapy in
            let a = PolicyEngine.assessReplacement(criterion: criterion, trigger: trigger, therapy: therapy)
            expectClauseConsistent(a)
            #expect(a.type == .replacement && a.replacementCriterion == criterion)
            #expect(a.requestReason == trigger.requestReason)
            #expect(a.clause != .mnSupplies && !a.clause.isIndicationClause)
            if a.determination == .medicallyNecessary {
                #expect(a.indication.status == .covered && criterion != .none)
            }
        }
    }

    /// (c) Needs review exactly when something is missing, for implants and replacements; the missing
    /// names are the spec's fact keys, each once, in the spec's orders.
    @Test func needsReviewIffMissingIsNonEmpty() async {
        await propertyCheck(count: 1000, input: replacementGen) { criterion, trigger, therapy in
            var assessments = [PolicyEngine.assessReplacement(criterion: criterion, trigger: trigger, therapy: therapy)]
            if let therapy { assessments.append(PolicyEngine.assessImplant(therapy)) }
            for a in assessments {
                #expect((a.determination == .needsReview) == !a.missing.isEmpty, "\(a)")
                let facts = a.missing.compactMap(Fact.init(rawValue:))
                #expect(facts.count == a.missing.count, "unknown fact in \(a.missing)")
                // `malfunction_evidence` first (policy.md's malfunction rows), then the indication's facts.
                let rest = facts.first == .malfunctionEvidence ? Array(facts.dropFirst()) : facts
                #expect(
                    rest == Fact.allCases.filter { $0 != .malfunctionEvidence && rest.contains($0) }, "order: \(facts)")
                #expect(Set(facts).count == facts.count, "repeated: \(facts)")
                #expect((a.indication.status == .unknown) == !a.indication.missing.isEmpty)
            }
        }
    }
}

/// The clause is one of the spec's, MN for MN and needs review (the candidate clause), NMN for NMN,
/// and supplies are covered exactly when medically necessary.
private func expectClauseConsistent(_ a: Assessment, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(specClauses.contains(a.clause.rawValue), sourceLocation: sourceLocation)
    switch a.determination {
    case .medicallyNecessary, .needsReview:
        #expect(a.clause.isMedicallyNecessary, "\(a)", sourceLocation: sourceLocation)
    case .notMedicallyNecessary:
        #expect(!a.clause.isMedicallyNecessary, "\(a)", sourceLocation: sourceLocation)
    }
    #expect((a.determination == .medicallyNecessary) == a.suppliesCovered, sourceLocation: sourceLocation)
    #expect(a.policy == .cgSurg79, sourceLocation: sourceLocation)
    if let clause = a.indication.clause {
        #expect(specClauses.contains(clause.rawValue), sourceLocation: sourceLocation)
    }
}

@Suite("The generators behind the properties")
struct GeneratorCoverageTests {
    /// The properties mean something only if the random therapies reach every implant answer.
    @Test func randomTherapiesReachEveryDeterminationAndEveryImplantClause() async {
        var determinations: Set<Determination> = []
        var clauses: Set<Clause> = []
        await propertyCheck(count: 3000, input: therapyGen) { therapy in
            let a = PolicyEngine.assessImplant(therapy)
            determinations.insert(a.determination)
            clauses.insert(a.clause)
        }
        #expect(determinations == Set(Determination.allCases))
        let implantClauses: Set<Clause> = [
            .mnIndication1, .mnIndication2, .mnIndication3, .mnIndication4, .mnIndication5,
            .nmnUseHeparinThromboembolic, .nmnUseAntibioticsOsteomyelitis, .nmnUseOther,
        ]
        #expect(clauses == implantClauses)
    }
}

import PumpPolicy
import Testing

@Suite("Pain trial boundaries")
struct PainTrialBoundaryTests {
    @Test(arguments: [0, 25, 49.9, 50])
    func aTrialOfFiftyPercentOrLessIsNotSuccessful(percent: Double) {
        expectImplant(Fixture.pain(percent: percent), .nmn(.nmnUseOther))
    }

    @Test(arguments: [50.1, 50.000_001, 51, 100])
    func aTrialStrictlyAboveFiftyPercentIsSuccessful(percent: Double) {
        expectImplant(Fixture.pain(percent: percent), .mn(.mnIndication5))
    }

    @Test(arguments: [-1, 100.5, 150, .nan, .infinity])
    func aPercentThatIsNotAPercentageCountsAsAbsent(percent: Double) {
        expectImplant(Fixture.pain(percent: percent), .review(.mnIndication5, [.trialReductionPercent]))
    }

    @Test(arguments: Route.allCases.filter { $0 != .other })
    func aTrialByAnyOtherKnownRouteIsAFalseCriterion(planned: Route) {
        for trial in Route.allCases where trial != planned {
            expectImplant(Fixture.pain(route: planned, trialRoute: trial), .nmn(.nmnUseOther))
        }
        expectImplant(Fixture.pain(route: planned, trialRoute: planned), .mn(.mnIndication5))
        expectImplant(Fixture.pain(route: planned, trialRoute: .some(nil)), .review(.mnIndication5, [.trialRoute]))
    }

    @Test func aWrongTrialRouteSettlesItEvenWithEverythingElseAbsent() {
        expectImplant(
            Fixture.pain(route: .epidural, severe: nil, percent: nil, trialRoute: .intravenous), .nmn(.nmnUseOther))
    }
}

@Suite("Insulin")
struct InsulinTests {
    @Test(arguments: Indication.allCases)
    func insulinIsNotMedicallyNecessaryUnderEveryIndication(indication: Indication) {
        let everythingTrue = TherapyCriteria(
            severeRefractory: true, oralBaclofenFailed: true, metastasesLimitedToLiver: true,
            priorExternalTreprostinil: true, severeChronicIntractable: true, trialReductionPercent: 90,
            trialRoute: .subcutaneous)
        for route in Route.allCases {
            for criteria in [TherapyCriteria(), everythingTrue] {
                var c = criteria
                if c.trialRoute != nil { c.trialRoute = route }
                expectImplant(
                    Therapy(indication: indication, drug: .insulin, route: route, criteria: c), .nmn(.nmnUseOther))
            }
        }
    }
}

@Suite("Absent is not false")
struct AbsentVersusFalseTests {
    /// Each candidate MN therapy with all criteria true, and the criteria that belong to it.
    static let candidates: [(Therapy, Clause)] = [
        (
            Therapy(
                indication: .colorectalLiverMetastases, drug: .chemotherapy, route: .intrahepaticArterial,
                criteria: TherapyCriteria(metastasesLimitedToLiver: true)), .mnIndication2
        ),
        (Fixture.covered, .mnIndication3),
        (
            Therapy(
                indication: .pulmonaryArterialHypertension, drug: .treprostinil, route: .subcutaneous,
                criteria: TherapyCriteria(priorExternalTreprostinil: true)), .mnIndication4
        ),
        (Fixture.pain(), .mnIndication5),
    ]

    @Test func anAbsentCriterionNeedsReviewWhereAFalseOneIsNotMedicallyNecessary() {
        for (therapy, clause) in Self.candidates {
            expectImplant(therapy, .mn(clause))
            for fact in therapy.indication.criteria {
                var absent = therapy
                absent.criteria = therapy.criteria.forgetting(fact)
                expectImplant(absent, .review(clause, [fact]))

                expectImplant(falsified(therapy, fact), .nmn(.nmnUseOther))
            }
        }
    }

    @Test func aFalseCriterionSettlesItWhateverElseIsAbsent() {
        for (therapy, _) in Self.candidates {
            for fact in therapy.indication.criteria {
                var onlyFalse = falsified(therapy, fact)
                for other in therapy.indication.criteria where other != fact {
                    onlyFalse.criteria = onlyFalse.criteria.forgetting(other)
                }
                expectImplant(onlyFalse, .nmn(.nmnUseOther))
            }
        }
    }

    @Test func criteriaOfAnotherIndicationAreIgnored() {
        var therapy = Fixture.covered
        therapy.criteria.metastasesLimitedToLiver = false
        therapy.criteria.severeChronicIntractable = false
        therapy.criteria.trialReductionPercent = 3
        expectImplant(therapy, .mn(.mnIndication3))
    }

    /// The therapy with one criterion known false (a failed trial, another route).
    private func falsified(_ therapy: Therapy, _ fact: Fact) -> Therapy {
        var t = therapy
        switch fact {
        case .severeRefractory: t.criteria.severeRefractory = false
        case .oralBaclofenFailed: t.criteria.oralBaclofenFailed = false
        case .metastasesLimitedToLiver: t.criteria.metastasesLimitedToLiver = false
        case .priorExternalTreprostinil: t.criteria.priorExternalTreprostinil = false
        case .severeChronicIntractable: t.criteria.severeChronicIntractable = false
        case .trialReductionPercent: t.criteria.trialReductionPercent = 20
        case .trialRoute: t.criteria.trialRoute = t.route == .epidural ? .intravenous : .epidural
        case .indication, .malfunctionEvidence: Issue.record("\(fact) is not a therapy criterion")
        }
        return t
    }
}

@Suite("Replacement precedence and motives")
struct ReplacementPrecedenceTests {
    @Test(arguments: [RequestReason.upgrade, .convenience, .malfunction])
    func aRequestAtERIIsMedicallyNecessaryWhateverTheMotive(reason: RequestReason) {
        expectReplacement(.impendingFailure, .request(reason), Fixture.covered, .mn(.mnReplacementImpendingFailure))
    }

    @Test func anUpgradeOfANonFunctioningPumpIsMedicallyNecessary() {
        expectReplacement(.nonFunction, .request(.upgrade), Fixture.covered, .mn(.mnReplacementNonFunction))
    }

    @Test func nonFunctionOutranksImpendingFailure() {
        #expect(ReplacementCriterion.strongest(of: [.impendingFailure, .nonFunction]) == .nonFunction)
        #expect(ReplacementCriterion.strongest(of: [.nonFunction, .impendingFailure, .none]) == .nonFunction)
        #expect(ReplacementCriterion.strongest(of: [.none, .impendingFailure]) == .impendingFailure)
        #expect(ReplacementCriterion.strongest(of: [.none]) == ReplacementCriterion.none)
        #expect(ReplacementCriterion.strongest(of: []) == ReplacementCriterion.none)
        let both = ReplacementCriterion.strongest(of: [.impendingFailure, .nonFunction])
        expectReplacement(both, .telemetry, Fixture.covered, .mn(.mnReplacementNonFunction))
    }

    @Test func telemetryWithNoCriterionIsTreatedAsAnUnevidencedMalfunction() {
        expectReplacement(
            .none, .telemetry, Fixture.covered, .review(.mnReplacementNonFunction, [.malfunctionEvidence]))
        expectReplacement(
            .none, .telemetry, nil, .review(.mnReplacementNonFunction, [.malfunctionEvidence, .indication]))
        expectReplacement(
            .none, .telemetry, Fixture.needsReview,
            .review(.mnReplacementNonFunction, [.malfunctionEvidence, .oralBaclofenFailed]))
        expectReplacement(.none, .telemetry, Fixture.heparin, .nmn(.nmnUseHeparinThromboembolic))
    }

    @Test func aPumpNeverEnrolledHasAnUnknownIndicationWithNoClause() {
        #expect(
            PolicyEngine.indicationFinding(for: nil)
                == IndicationFinding(status: .unknown, clause: nil, missing: ["indication"]))
    }
}

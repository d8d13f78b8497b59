import PumpPolicy
import Testing

/// One row of `policy.md`'s implant table, with therapies that fall under it and what each expects.
struct ImplantRow: Sendable, CustomTestStringConvertible {
    var row: String
    var examples: [(Therapy, Expected)]

    var testDescription: String { row }
}

private let ia = Route.intrahepaticArterial

let implantTable: [ImplantRow] = [
    ImplantRow(
        row: "liver cancer + chemotherapy + intrahepatic arterial: MN.indication.1",
        examples: [
            (Therapy(indication: .primaryLiverCancer, drug: .chemotherapy, route: ia), .mn(.mnIndication1)),
            // Criteria of other indications are stored and ignored.
            (
                Therapy(
                    indication: .primaryLiverCancer, drug: .chemotherapy, route: ia,
                    criteria: TherapyCriteria(severeRefractory: false, metastasesLimitedToLiver: false)),
                .mn(.mnIndication1)
            ),
        ]),
    ImplantRow(
        row: "colorectal + chemotherapy + intrahepatic arterial, metastases limited to liver true: MN.indication.2",
        examples: [
            (
                Therapy(
                    indication: .colorectalLiverMetastases, drug: .chemotherapy, route: ia,
                    criteria: TherapyCriteria(metastasesLimitedToLiver: true)),
                .mn(.mnIndication2)
            )
        ]),
    ImplantRow(
        row: "the same, metastases limited to liver false: NMN.use.other",
        examples: [
            (
                Therapy(
                    indication: .colorectalLiverMetastases, drug: .chemotherapy, route: ia,
                    criteria: TherapyCriteria(metastasesLimitedToLiver: false)),
                .nmn(.nmnUseOther)
            )
        ]),
    ImplantRow(
        row: "spasticity + baclofen + intrathecal, both criteria true: MN.indication.3",
        examples: [(Fixture.covered, .mn(.mnIndication3))]),
    ImplantRow(
        row: "PAH + treprostinil (any route), prior external treprostinil true: MN.indication.4",
        examples: Route.allCases.map { route in
            (
                Therapy(
                    indication: .pulmonaryArterialHypertension, drug: .treprostinil, route: route,
                    criteria: TherapyCriteria(priorExternalTreprostinil: true)),
                .mn(.mnIndication4)
            )
        }),
    ImplantRow(
        row:
            "pain + opioid or nonopioid + route not other, severe, trial > 50 by the same route: MN.indication.5",
        examples: [Drug.opioid, .nonopioidAnalgesic].flatMap { drug in
            Route.allCases.filter { $0 != .other }.map { route in
                (Fixture.pain(drug: drug, route: route), .mn(.mnIndication5))
            }
        }),
    ImplantRow(
        row: "pain, trial reduction <= 50 or trial route != planned route: NMN.use.other",
        examples: [
            (Fixture.pain(percent: 50), .nmn(.nmnUseOther)),
            (Fixture.pain(percent: 10), .nmn(.nmnUseOther)),
            (Fixture.pain(percent: 0), .nmn(.nmnUseOther)),
            (Fixture.pain(route: .intrathecal, trialRoute: .epidural), .nmn(.nmnUseOther)),
            (Fixture.pain(route: .intravenous, trialRoute: .subcutaneous), .nmn(.nmnUseOther)),
        ]),
    ImplantRow(
        row: "heparin for thromboembolic disease (any route): NMN.use.heparin_thromboembolic",
        examples: Route.allCases.map { route in
            (
                Therapy(indication: .thromboembolicDisease, drug: .heparin, route: route),
                .nmn(.nmnUseHeparinThromboembolic)
            )
        }),
    ImplantRow(
        row: "antibiotics for osteomyelitis (any route): NMN.use.antibiotics_osteomyelitis",
        examples: Route.allCases.map { route in
            (
                Therapy(indication: .osteomyelitis, drug: .antibiotic, route: route),
                .nmn(.nmnUseAntibioticsOsteomyelitis)
            )
        }),
    ImplantRow(
        row: "insulin (any indication), any other combination: NMN.use.other",
        examples: [
            (Fixture.insulin, .nmn(.nmnUseOther)),
            (Therapy(indication: .primaryLiverCancer, drug: .chemotherapy, route: .intravenous), .nmn(.nmnUseOther)),
            (Therapy(indication: .spasticity, drug: .baclofen, route: .epidural), .nmn(.nmnUseOther)),
            (Therapy(indication: .spasticity, drug: .opioid, route: .intrathecal), .nmn(.nmnUseOther)),
            (Therapy(indication: .osteomyelitis, drug: .heparin, route: .intravenous), .nmn(.nmnUseOther)),
            (Therapy(indication: .other, drug: .antibiotic, route: .intravenous), .nmn(.nmnUseOther)),
            (
                Therapy(indication: .pulmonaryArterialHypertension, drug: .heparin, route: .intravenous),
                .nmn(.nmnUseOther)
            ),
            (Fixture.pain(route: .other, trialRoute: .other), .nmn(.nmnUseOther)),
            (Fixture.pain(drug: .baclofen), .nmn(.nmnUseOther)),
            (Therapy(indication: .diabetes, drug: .other, route: .other), .nmn(.nmnUseOther)),
        ]),
    ImplantRow(
        row: "MN row matches, no criterion false, some absent: needs_review with the candidate clause",
        examples: [
            (
                Therapy(indication: .colorectalLiverMetastases, drug: .chemotherapy, route: ia),
                .review(.mnIndication2, [.metastasesLimitedToLiver])
            ),
            (Fixture.needsReview, .review(.mnIndication3, [.oralBaclofenFailed])),
            (
                Therapy(indication: .spasticity, drug: .baclofen, route: .intrathecal),
                .review(.mnIndication3, [.severeRefractory, .oralBaclofenFailed])
            ),
            (
                Therapy(indication: .pulmonaryArterialHypertension, drug: .treprostinil, route: .subcutaneous),
                .review(.mnIndication4, [.priorExternalTreprostinil])
            ),
            (
                Fixture.painUnknown,
                .review(.mnIndication5, [.severeChronicIntractable, .trialReductionPercent, .trialRoute])
            ),
            (
                Fixture.pain(severe: nil, trialRoute: .some(nil)),
                .review(.mnIndication5, [.severeChronicIntractable, .trialRoute])
            ),
            (Fixture.pain(percent: nil), .review(.mnIndication5, [.trialReductionPercent])),
            // Criteria of other indications never fill in, nor count as missing.
            (
                Therapy(
                    indication: .pulmonaryArterialHypertension, drug: .treprostinil, route: .intravenous,
                    criteria: TherapyCriteria(severeRefractory: true, severeChronicIntractable: false)),
                .review(.mnIndication4, [.priorExternalTreprostinil])
            ),
        ]),
]

@Test("Every row of the implant table decides as policy.md says", arguments: implantTable)
func implantTableRowDecidesAsTheSpecSays(_ row: ImplantRow) {
    #expect(!row.examples.isEmpty)
    for (therapy, expected) in row.examples {
        expectImplant(therapy, expected)
    }
}

@Test func implantTableHasOneArgumentPerSpecRow() {
    #expect(implantTable.count == 11)
}

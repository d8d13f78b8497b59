import PumpPolicy
import Testing

/// One replacement assessment and what it expects.
struct ReplacementExample: Sendable {
    var criterion: ReplacementCriterion
    var trigger: ReplacementTrigger
    var therapy: Therapy?
    var expected: Expected
}

/// One row of `policy.md`'s replacement table, with the cases that fall under it.
struct ReplacementRow: Sendable, CustomTestStringConvertible {
    var row: String
    var examples: [ReplacementExample]

    var testDescription: String { row }
}

/// Every trigger for each criterion given, with the therapy and one expectation.
private func everyTrigger(
    _ criteria: [ReplacementCriterion], _ therapy: Therapy?, _ expected: (ReplacementCriterion) -> Expected
) -> [ReplacementExample] {
    criteria.flatMap { criterion in
        Fixture.allTriggers.map {
            ReplacementExample(criterion: criterion, trigger: $0, therapy: therapy, expected: expected(criterion))
        }
    }
}

private func replacementClause(_ criterion: ReplacementCriterion) -> Clause {
    criterion == .nonFunction ? .mnReplacementNonFunction : .mnReplacementImpendingFailure
}

/// Therapies of every indication status, the pump never enrolled included.
private let anyIndication: [Therapy?] = [Fixture.covered, Fixture.heparin, Fixture.insulin, Fixture.needsReview, nil]

let replacementTable: [ReplacementRow] = [
    ReplacementRow(
        row: "non_function, any reason or telemetry, covered: MN.replacement.non_function",
        examples: everyTrigger([.nonFunction], Fixture.covered) { _ in .mn(.mnReplacementNonFunction) }),
    ReplacementRow(
        row: "impending_failure, any reason or telemetry, covered: MN.replacement.impending_failure",
        examples: everyTrigger([.impendingFailure], Fixture.covered) { _ in .mn(.mnReplacementImpendingFailure) }),
    ReplacementRow(
        row: "none, convenience, any indication: NMN.replacement.convenience",
        examples: anyIndication.map {
            ReplacementExample(
                criterion: .none, trigger: .request(.convenience), therapy: $0,
                expected: .nmn(.nmnReplacementConvenience))
        }),
    ReplacementRow(
        row: "none, upgrade, any indication: NMN.replacement.upgrade",
        examples: anyIndication.map {
            ReplacementExample(
                criterion: .none, trigger: .request(.upgrade), therapy: $0, expected: .nmn(.nmnReplacementUpgrade))
        }),
    ReplacementRow(
        row: "none, malfunction, covered: needs_review [malfunction_evidence] MN.replacement.non_function",
        examples: [
            ReplacementExample(
                criterion: .none, trigger: .request(.malfunction), therapy: Fixture.covered,
                expected: .review(.mnReplacementNonFunction, [.malfunctionEvidence]))
        ]),
    ReplacementRow(
        row:
            "none, malfunction, unknown: needs_review [malfunction_evidence, ...] MN.replacement.non_function",
        examples: [
            ReplacementExample(
                criterion: .none, trigger: .request(.malfunction), therapy: nil,
                expected: .review(.mnReplacementNonFunction, [.malfunctionEvidence, .indication])),
            ReplacementExample(
                criterion: .none, trigger: .request(.malfunction), therapy: Fixture.needsReview,
                expected: .review(.mnReplacementNonFunction, [.malfunctionEvidence, .oralBaclofenFailed])),
            ReplacementExample(
                criterion: .none, trigger: .request(.malfunction), therapy: Fixture.painUnknown,
                expected: .review(
                    .mnReplacementNonFunction,
                    [.malfunctionEvidence, .severeChronicIntractable, .trialReductionPercent, .trialRoute])),
        ]),
    ReplacementRow(
        row: "none, malfunction, not covered: NMN under the indication's clause",
        examples: [
            ReplacementExample(
                criterion: .none, trigger: .request(.malfunction), therapy: Fixture.heparin,
                expected: .nmn(.nmnUseHeparinThromboembolic)),
            ReplacementExample(
                criterion: .none, trigger: .request(.malfunction), therapy: Fixture.insulin,
                expected: .nmn(.nmnUseOther)),
        ]),
    ReplacementRow(
        row: "non_function or impending_failure, any, not covered: NMN under the indication's clause",
        examples: everyTrigger([.nonFunction, .impendingFailure], Fixture.heparin) { _ in
            .nmn(.nmnUseHeparinThromboembolic)
        } + everyTrigger([.nonFunction, .impendingFailure], Fixture.insulin) { _ in .nmn(.nmnUseOther) }),
    ReplacementRow(
        row: "non_function or impending_failure, any, unknown: needs_review with the indication's missing facts",
        examples: everyTrigger([.nonFunction, .impendingFailure], nil) {
            .review(replacementClause($0), [.indication])
        }
            + everyTrigger([.nonFunction, .impendingFailure], Fixture.needsReview) {
                .review(replacementClause($0), [.oralBaclofenFailed])
            }),
]

@Test("Every row of the replacement table decides as policy.md says", arguments: replacementTable)
func replacementTableRowDecidesAsTheSpecSays(_ row: ReplacementRow) {
    #expect(!row.examples.isEmpty)
    for e in row.examples {
        expectReplacement(e.criterion, e.trigger, e.therapy, e.expected)
    }
}

@Test func replacementTableHasOneArgumentPerSpecRow() {
    #expect(replacementTable.count == 9)
}

import PumpControlProtocol
import PumpPolicy
import PumpSimKit
import Testing

@Suite struct PolicyOracleTests {
    static let covered = EnrollmentDocument(
        patient: "P", indication: "spasticity", drug: "baclofen", route: "intrathecal",
        criteria: CriteriaDocument(severeRefractory: true, oralBaclofenFailed: true))
    static let unknown = EnrollmentDocument(
        patient: "P", indication: "spasticity", drug: "baclofen", route: "intrathecal",
        criteria: CriteriaDocument(severeRefractory: true))
    static let notCovered = EnrollmentDocument(
        patient: "P", indication: "thromboembolic_disease", drug: "heparin", route: "intravenous",
        criteria: CriteriaDocument())

    struct Row: Sendable, CustomTestStringConvertible {
        var criterion: ReplacementCriterion
        var reason: RequestReason?
        var therapy: EnrollmentDocument?
        var determination: Determination
        var clause: String
        var missing: [String]
        var testDescription: String { "\(criterion.rawValue) \(reason?.rawValue ?? "telemetry") -> \(clause)" }
    }

    static let rows: [Row] = [
        Row(
            criterion: .nonFunction, reason: nil, therapy: covered, determination: .medicallyNecessary,
            clause: "MN.replacement.non_function", missing: []),
        Row(
            criterion: .impendingFailure, reason: .upgrade, therapy: covered, determination: .medicallyNecessary,
            clause: "MN.replacement.impending_failure", missing: []),
        Row(
            criterion: .none, reason: .convenience, therapy: notCovered, determination: .notMedicallyNecessary,
            clause: "NMN.replacement.convenience", missing: []),
        Row(
            criterion: .none, reason: .upgrade, therapy: covered, determination: .notMedicallyNecessary,
            clause: "NMN.replacement.upgrade", missing: []),
        Row(
            criterion: .none, reason: .malfunction, therapy: covered, determination: .needsReview,
            clause: "MN.replacement.non_function", missing: ["malfunction_evidence"]),
        Row(
            criterion: .none, reason: .malfunction, therapy: unknown, determination: .needsReview,
            clause: "MN.replacement.non_function", missing: ["malfunction_evidence", "oral_baclofen_failed"]),
        Row(
            criterion: .none, reason: .malfunction, therapy: notCovered, determination: .notMedicallyNecessary,
            clause: "NMN.use.heparin_thromboembolic", missing: []),
        Row(
            criterion: .impendingFailure, reason: nil, therapy: notCovered, determination: .notMedicallyNecessary,
            clause: "NMN.use.heparin_thromboembolic", missing: []),
        Row(
            criterion: .nonFunction, reason: nil, therapy: nil, determination: .needsReview,
            clause: "MN.replacement.non_function", missing: ["indication"]),
    ]

    @Test(arguments: rows)
    func theReplacementTableRowGivesItsDetermination(row: Row) throws {
        let a = try #require(
            try PolicyOracle.replacement(criterion: row.criterion, reason: row.reason, therapy: row.therapy))
        #expect(a.determination == row.determination)
        #expect(a.clause == row.clause)
        #expect(a.missing == row.missing)
        #expect(a.suppliesCovered == (row.determination == .medicallyNecessary))
    }

    @Test func telemetryShowingNothingRaisesNoRecord() throws {
        #expect(try PolicyOracle.replacement(criterion: .none, reason: nil, therapy: Self.covered) == nil)
    }

    @Test func painNeedsATrialAboveFiftyPercentByTheSameRoute() throws {
        func pain(_ percent: Double?, _ route: String?) throws -> ExpectedAssessment {
            try PolicyOracle.implant(
                EnrollmentDocument(
                    patient: "P", indication: "chronic_intractable_pain", drug: "opioid", route: "epidural",
                    criteria: CriteriaDocument(
                        severeChronicIntractable: true, trialReductionPercent: percent, trialRoute: route)))
        }
        #expect(try pain(51, "epidural").clause == "MN.indication.5")
        #expect(try pain(50, "epidural").clause == "NMN.use.other")
        #expect(try pain(80, "intrathecal").clause == "NMN.use.other")
        #expect(try pain(nil, "epidural").missing == ["trial_reduction_percent"])
    }

    @Test func anUnknownWordIsAVocabularyError() {
        #expect(throws: VocabularyError.self) {
            try PolicyOracle.implant(
                EnrollmentDocument(
                    patient: "P", indication: "migraine", drug: "opioid", route: "oral", criteria: CriteriaDocument()))
        }
    }
}

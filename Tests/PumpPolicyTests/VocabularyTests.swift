import Foundation
import PumpPolicy
import Testing

@Suite("Vocabulary and serialisation")
struct VocabularyTests {
    @Test func anUnknownWordIsAnErrorNamingEveryAcceptedWord() throws {
        let error = try #require(throws: VocabularyError.self) { try Route(word: "oral") }
        #expect(error.vocabulary == "route")
        #expect(error.word == "oral")
        #expect(
            error.accepted == [
                "intrahepatic_arterial", "intrathecal", "epidural", "intravenous", "subcutaneous", "other",
            ])
        #expect(
            error.description
                == "unknown route 'oral': accepted words are intrahepatic_arterial, intrathecal, epidural, "
                + "intravenous, subcutaneous, other")
    }

    @Test func everyVocabularyRejectsAnUnknownWordAndNamesItsWords() {
        func check<V: PolicyVocabulary>(_: V.Type, _ words: [String]) {
            #expect(V.acceptedWords == words)
            #expect(throws: VocabularyError(vocabulary: V.vocabularyName, word: "bogus", accepted: words)) {
                try V(word: "bogus")
            }
            for word in words { #expect((try? V(word: word))?.rawValue == word) }
        }
        check(
            Indication.self,
            [
                "primary_liver_cancer", "colorectal_liver_metastases", "spasticity", "pulmonary_arterial_hypertension",
                "chronic_intractable_pain", "thromboembolic_disease", "osteomyelitis", "diabetes", "other",
            ])
        check(
            Drug.self,
            [
                "chemotherapy", "baclofen", "treprostinil", "opioid", "nonopioid_analgesic", "heparin", "antibiotic",
                "insulin", "other",
            ])
        check(RequestReason.self, ["convenience", "upgrade", "malfunction"])
        check(Determination.self, ["medically_necessary", "not_medically_necessary", "needs_review"])
        check(ReplacementCriterion.self, ["non_function", "impending_failure", "none"])
        check(IndicationStatus.self, ["covered", "not_covered", "unknown"])
        check(AssessmentType.self, ["implant", "replacement"])
        check(Clause.self, specClauses)
        check(
            Fact.self,
            [
                "severe_refractory", "oral_baclofen_failed", "metastases_limited_to_liver",
                "prior_external_treprostinil", "severe_chronic_intractable", "trial_reduction_percent", "trial_route",
                "indication", "malfunction_evidence",
            ])
    }

    @Test func aCriterionValueIsExactlyTrueFalseOrAPercentFromZeroToHundred() throws {
        #expect(try TherapyCriteria.parseBool("true", for: .severeRefractory))
        #expect(try !TherapyCriteria.parseBool("false", for: .severeRefractory))
        let bad = try #require(throws: CriterionValueError.self) {
            try TherapyCriteria.parseBool("yes", for: .oralBaclofenFailed)
        }
        #expect(
            bad.description == "invalid oral_baclofen_failed 'yes': expected true or false (leave it out when unknown)")
        #expect(try TherapyCriteria.parseTrialReductionPercent("50.1") == 50.1)
        #expect(try TherapyCriteria.parseTrialReductionPercent("0") == 0)
        #expect(try TherapyCriteria.parseTrialReductionPercent("100") == 100)
        for text in ["-1", "100.1", "nan", "inf", "fifty", ""] {
            #expect(throws: CriterionValueError.self) { try TherapyCriteria.parseTrialReductionPercent(text) }
        }
    }
}

/// The clause identifiers as `policy.md` lists them.
let specClauses = [
    "MN.indication.1", "MN.indication.2", "MN.indication.3", "MN.indication.4", "MN.indication.5", "MN.supplies",
    "MN.replacement.non_function", "MN.replacement.impending_failure", "NMN.replacement.convenience",
    "NMN.replacement.upgrade", "NMN.use.heparin_thromboembolic", "NMN.use.antibiotics_osteomyelitis",
    "NMN.use.other",
]

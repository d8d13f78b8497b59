// The words of CG-SURG-79's vocabulary (`policy.md`), spelled exactly as the spec spells them.
// An unknown word is a `VocabularyError` that names the accepted words.

/// A word of the policy vocabulary: an enum whose raw values are the spec's spellings.
package protocol PolicyVocabulary: RawRepresentable, CaseIterable, Sendable, Hashable, Codable
where RawValue == String {
    /// What the word names, as a user would say it: `indication`, `drug`, `route`...
    static var vocabularyName: String { get }
}

extension PolicyVocabulary {
    /// Every accepted word, in the spec's order.
    package static var acceptedWords: [String] { allCases.map(\.rawValue) }

    /// Parses a word, or throws an error naming the accepted words.
    package init(word: String) throws(VocabularyError) {
        guard let value = Self(rawValue: word) else {
            throw VocabularyError(vocabulary: Self.vocabularyName, word: word, accepted: Self.acceptedWords)
        }
        self = value
    }
}

/// A word that is not in the policy vocabulary.
package struct VocabularyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which vocabulary: `indication`, `drug`, `route`, `reason`...
    package var vocabulary: String
    /// The word given.
    package var word: String
    /// The words that would have been accepted.
    package var accepted: [String]

    package init(vocabulary: String, word: String, accepted: [String]) {
        self.vocabulary = vocabulary
        self.word = word
        self.accepted = accepted
    }

    /// `unknown route 'oral': accepted words are intrahepatic_arterial, intrathecal, ...`
    package var description: String {
        "unknown \(vocabulary) '\(word)': accepted words are \(accepted.joined(separator: ", "))"
    }
}

/// Why the pump is implanted: the condition treated.
package enum Indication: String, PolicyVocabulary {
    /// Primary liver cancer (MN.indication.1).
    case primaryLiverCancer = "primary_liver_cancer"
    /// Metastatic colorectal cancer (MN.indication.2 when limited to the liver).
    case colorectalLiverMetastases = "colorectal_liver_metastases"
    /// Severe, refractory spasticity (MN.indication.3).
    case spasticity
    /// Pulmonary arterial hypertension (MN.indication.4).
    case pulmonaryArterialHypertension = "pulmonary_arterial_hypertension"
    /// Severe, chronic, intractable pain (MN.indication.5).
    case chronicIntractablePain = "chronic_intractable_pain"
    /// Thromboembolic disease (heparin is NMN).
    case thromboembolicDisease = "thromboembolic_disease"
    /// Osteomyelitis (antibiotics are NMN).
    case osteomyelitis
    /// Diabetes (implantable insulin pumps are NMN).
    case diabetes
    /// Any other condition.
    case other

    /// `indication`.
    package static var vocabularyName: String { "indication" }
}

/// The drug the pump infuses.
package enum Drug: String, PolicyVocabulary {
    /// Chemotherapeutic agents.
    case chemotherapy
    /// Baclofen (Lioresal).
    case baclofen
    /// Treprostinil (Remodulin).
    case treprostinil
    /// An opioid analgesic.
    case opioid
    /// A nonopioid analgesic.
    case nonopioidAnalgesic = "nonopioid_analgesic"
    case heparin
    /// An antibiotic.
    case antibiotic
    case insulin
    /// Any other drug.
    case other

    /// `drug`.
    package static var vocabularyName: String { "drug" }
}

/// The route of administration.
package enum Route: String, PolicyVocabulary {
    /// Intrahepatic arterial injection.
    case intrahepaticArterial = "intrahepatic_arterial"
    /// Intrathecal injection.
    case intrathecal
    /// Epidural injection.
    case epidural
    /// Intravenous injection.
    case intravenous
    /// Subcutaneous infusion.
    case subcutaneous
    /// Any other route.
    case other

    /// `route`.
    package static var vocabularyName: String { "route" }
}

/// Why a replacement is requested.
package enum RequestReason: String, PolicyVocabulary {
    /// For convenience (NMN while the pump works).
    case convenience
    /// To upgrade to newer technology (NMN while the pump works).
    case upgrade
    /// The requester claims the pump malfunctions.
    case malfunction

    /// `reason`.
    package static var vocabularyName: String { "reason" }
}

/// Why a pump was retired (`pumpctl retire SERIAL --reason WORD`): the pump's life cycle, not the
/// policy's, kept here with the other words a clinician types.
package enum RetirementReason: String, PolicyVocabulary {
    /// The pump was taken out of the patient.
    case explanted
    /// Another pump took its place.
    case replaced
    /// The patient died.
    case patientDeceased = "patient_deceased"
    /// Another reason (say which in the note).
    case other

    /// `retirement reason`.
    package static var vocabularyName: String { "retirement reason" }
}

/// A three-valued determination.
package enum Determination: String, PolicyVocabulary {
    /// Every criterion of an MN clause is known to hold.
    case medicallyNecessary = "medically_necessary"
    /// An NMN clause applies, or a criterion of the only candidate MN clause is known false.
    case notMedicallyNecessary = "not_medically_necessary"
    /// The answer depends on a fact not on file.
    case needsReview = "needs_review"

    /// `determination`.
    package static var vocabularyName: String { "determination" }
}

/// What the pump's own telemetry shows about replacement.
package enum ReplacementCriterion: String, PolicyVocabulary {
    /// The device is not functioning.
    case nonFunction = "non_function"
    /// A built-in system notified an impending failure.
    case impendingFailure = "impending_failure"
    /// The device reports itself functional.
    case none

    /// `replacement criterion`.
    package static var vocabularyName: String { "replacement criterion" }
}

/// A pump's state (`cli.md`), by precedence non_functional > stalled > impending_failure > functional.
package enum PumpState: String, PolicyVocabulary {
    /// Working.
    case functional
    /// A built-in notification of impending failure (ERI, IMPENDING_FAILURE).
    case impendingFailure = "impending_failure"
    /// Not functioning.
    case nonFunctional = "non_functional"
    /// Motor stalled, still within its grace period.
    case stalled
    /// No message has decided anything yet.
    case unknown
    /// Taken out of service (`pumpctl retire`): left out of the other lists and of alerts.
    case retired

    /// `state`.
    package static var vocabularyName: String { "state" }
}

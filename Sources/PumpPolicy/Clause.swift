// The stable clause identifiers of `policy.md`: every record cites one, so that a reader can find the
// sentence of CG-SURG-79 that justifies it.

/// A clause of CG-SURG-79, identified as `policy.md` identifies it.
package enum Clause: String, PolicyVocabulary {
    /// Primary liver cancer; intrahepatic arterial chemotherapy.
    case mnIndication1 = "MN.indication.1"
    /// Metastatic colorectal cancer limited to the liver; intrahepatic arterial chemotherapy.
    case mnIndication2 = "MN.indication.2"
    /// Severe, refractory spasticity failing oral baclofen; intrathecal baclofen.
    case mnIndication3 = "MN.indication.3"
    /// Pulmonary arterial hypertension after external-pump treprostinil; treprostinil.
    case mnIndication4 = "MN.indication.4"
    /// Severe, chronic, intractable pain after a successful trial by the same route; analgesics.
    case mnIndication5 = "MN.indication.5"
    /// Supplies needed for the proper use of a medically necessary pump.
    case mnSupplies = "MN.supplies"
    /// Replacement when the device is not functioning.
    case mnReplacementNonFunction = "MN.replacement.non_function"
    /// Replacement when a built-in system of the pump notifies an impending failure.
    case mnReplacementImpendingFailure = "MN.replacement.impending_failure"
    /// Replacement requested for convenience while the components remain functional.
    case nmnReplacementConvenience = "NMN.replacement.convenience"
    /// Replacement to upgrade to newer technology while the components remain functional.
    case nmnReplacementUpgrade = "NMN.replacement.upgrade"
    /// Infusion of heparin for thromboembolic disease.
    case nmnUseHeparinThromboembolic = "NMN.use.heparin_thromboembolic"
    /// Infusion of antibiotics for osteomyelitis.
    case nmnUseAntibioticsOsteomyelitis = "NMN.use.antibiotics_osteomyelitis"
    /// Every other use, fully implantable insulin pumps included.
    case nmnUseOther = "NMN.use.other"

    /// `clause`.
    package static var vocabularyName: String { "clause" }

    /// Whether the clause grants coverage (`MN.*`) rather than denies it (`NMN.*`).
    package var isMedicallyNecessary: Bool { rawValue.hasPrefix("MN.") }

    /// The clause that grants an implant for an indication (`MN.indication.1` to `.5`), if it is one.
    package var isIndicationClause: Bool {
        switch self {
        case .mnIndication1, .mnIndication2, .mnIndication3, .mnIndication4, .mnIndication5: true
        default: false
        }
    }

    /// The sentence of CG-SURG-79 the clause stands for, as `policy.md` summarises it.
    package var text: String {
        switch self {
        case .mnIndication1:
            "primary liver cancer; intrahepatic arterial injection of chemotherapeutic agents"
        case .mnIndication2:
            "metastatic colorectal cancer with metastases limited to the liver; intrahepatic arterial chemotherapy"
        case .mnIndication3:
            "severe, refractory spasticity of cerebral or spinal cord origin, unresponsive to or intolerant of "
                + "oral baclofen; intrathecal baclofen"
        case .mnIndication4:
            "pulmonary arterial hypertension, previously receiving treprostinil via an external infusion pump; "
                + "treprostinil"
        case .mnIndication5:
            "severe, chronic, intractable pain after a successful trial (greater than 50% pain reduction) of "
                + "opioid or nonopioid analgesics by the same route as the planned treatment"
        case .mnSupplies:
            "supplies needed for the proper use of a medically necessary pump"
        case .mnReplacementNonFunction:
            "replacement (possibly upgrading to current technology) when the device is not functioning"
        case .mnReplacementImpendingFailure:
            "replacement when a built-in system of the pump notifies an impending failure"
        case .nmnReplacementConvenience:
            "replacement requested for convenience while the current components remain functional"
        case .nmnReplacementUpgrade:
            "replacement to upgrade to newer technology while the current components remain functional"
        case .nmnUseHeparinThromboembolic:
            "infusion of heparin for thromboembolic disease"
        case .nmnUseAntibioticsOsteomyelitis:
            "infusion of antibiotics for osteomyelitis"
        case .nmnUseOther:
            "every other use, fully implantable insulin pumps included"
        }
    }
}

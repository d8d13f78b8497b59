import PumpControlProtocol

/// The Da Vinci CRD (STU 2.1) `ext-coverage-information` extension for one record, and the
/// reading of it back (``CoverageReading``).
///
/// Sub-extensions, in this order: `coverage` (the `Coverage` entry), `covered` (medically
/// necessary → `covered`, not medically necessary → `not-covered`, needs review → `conditional`),
/// `pa-needed` (`auth-needed` when covered, `conditional` when conditional, absent when not covered:
/// crd-ci-q2), `info-needed` (`OTH`, only when conditional: crd-ci-q3; what is missing is named in
/// `reason` and `detail`: crd-ci-q6), `reason` (the clause and its text; when conditional a second
/// one naming the missing facts), `detail` (the replacement criterion or the indication finding,
/// then one per missing fact), `date` (the record's day), `coverage-assertion-id` (the record id).
package enum CoverageInformation {
    /// The `covered` code of a determination.
    package static func covered(_ determination: String) -> String {
        switch determination {
        case "medically_necessary": "covered"
        case "not_medically_necessary": "not-covered"
        default: "conditional"
        }
    }

    /// The determination a `covered` code stands for.
    package static func determination(covered: String) -> String? {
        switch covered {
        case "covered": "medically_necessary"
        case "not-covered": "not_medically_necessary"
        case "conditional": "needs_review"
        default: nil
        }
    }

    /// The extension for `record`, its coverage being `coverage`.
    package static func `extension`(for record: EligibilityRecordDocument, coverage: Coverage) -> Extension {
        let covered = covered(record.determination)
        var parts: [Extension] = [
            sub("coverage", valueReference: Reference(reference: FHIRIDs.reference(coverage))),
            sub("covered", valueCode: covered),
        ]
        switch covered {
        case "covered": parts.append(sub("pa-needed", valueCode: "auth-needed"))
        case "conditional": parts.append(sub("pa-needed", valueCode: "conditional"))
        default: break
        }
        if covered == "conditional" { parts.append(sub("info-needed", valueCode: "OTH")) }
        parts.append(sub("reason", valueCodeableConcept: FHIRCodes.clause(record.clause)))
        if covered == "conditional" {
            parts.append(
                sub(
                    "reason",
                    valueCodeableConcept: CodeableConcept(
                        coding: record.missing.map(FHIRCodes.fact),
                        text: "Facts not on file that a reviewer must supply: "
                            + (record.missing.isEmpty ? "none named" : record.missing.joined(separator: ", ")))))
        }
        if let criterion = record.replacementCriterion {
            parts.append(detail(code: "replacement-criterion", "Replacement criterion shown by telemetry", criterion))
        }
        parts.append(detail(code: "indication-status", "Indication finding", record.indication.status))
        if let clause = record.indication.clause {
            parts.append(detail(code: "indication-clause", "Indication clause", clause))
        }
        for fact in record.missing {
            parts.append(detail(code: "missing-fact", "Fact not on file", fact))
        }
        parts.append(sub("date", valueDate: String(record.createdAt.prefix(10))))
        parts.append(sub("coverage-assertion-id", valueString: record.id))
        return Extension(url: FHIRNames.coverageInformation, extension: parts)
    }

    /// A `detail` sub-extension: `code` in our `coverage-detail` system, `value` a string.
    static func detail(code: String, _ display: String, _ value: String) -> Extension {
        Extension(
            url: "detail",
            extension: [
                Extension(
                    url: "code",
                    valueCodeableConcept: CodeableConcept(
                        coding: [Coding(system: FHIRNames.codeSystem("coverage-detail"), code: code, display: display)])
                ),
                Extension(url: "value", valueString: value),
            ])
    }

    static func sub(
        _ url: String, valueCode: String? = nil, valueString: String? = nil, valueDate: String? = nil,
        valueReference: Reference? = nil, valueCodeableConcept: CodeableConcept? = nil
    ) -> Extension {
        Extension(
            url: url, valueCode: valueCode, valueString: valueString, valueDate: valueDate,
            valueReference: valueReference, valueCodeableConcept: valueCodeableConcept)
    }
}

import PumpJSON

/// What a receiving system reads back from an exported `DeviceRequest`'s coverage-information
/// extension: the determination, the clause and the missing facts.
package struct CoverageReading: Sendable, Hashable {
    /// `medically_necessary`, `not_medically_necessary` or `needs_review`, from `covered`.
    package var determination: String
    /// The clause, from the first `reason`'s coding.
    package var clause: String
    /// The missing facts, from the `missing-fact` details, in order.
    package var missing: [String]
    /// The record id, from `coverage-assertion-id`.
    package var recordID: String
    /// The sub-extensions' urls, in order (for the CRD invariants).
    package var parts: [String]
    /// The `covered`, `pa-needed` and `info-needed` codes, when present.
    package var covered: String
    package var paNeeded: String?
    package var infoNeeded: String?

    /// Reads a `DeviceRequest` as parsed JSON; nil when it has no coverage-information extension
    /// or the extension lacks `covered`, a `reason` or `coverage-assertion-id`.
    package init?(deviceRequest: JSONValue) {
        guard
            let info = deviceRequest["extension"]?.arrayValue?.first(where: {
                $0["url"]?.stringValue == FHIRNames.coverageInformation
            }), let subs = info["extension"]?.arrayValue
        else { return nil }
        func code(_ url: String) -> String? {
            subs.first { $0["url"]?.stringValue == url }?["valueCode"]?.stringValue
        }
        guard let covered = code("covered"), let determination = CoverageInformation.determination(covered: covered),
            let clause = subs.first(where: { $0["url"]?.stringValue == "reason" })?["valueCodeableConcept"]?["coding"]?
                .arrayValue?.first?["code"]?.stringValue,
            let recordID = subs.first(where: { $0["url"]?.stringValue == "coverage-assertion-id" })?["valueString"]?
                .stringValue
        else { return nil }
        self.determination = determination
        self.clause = clause
        self.recordID = recordID
        self.covered = covered
        self.paNeeded = code("pa-needed")
        self.infoNeeded = code("info-needed")
        self.parts = subs.compactMap { $0["url"]?.stringValue }
        self.missing = subs.compactMap { sub -> String? in
            guard sub["url"]?.stringValue == "detail", let inner = sub["extension"]?.arrayValue,
                inner.contains(where: {
                    $0["url"]?.stringValue == "code"
                        && $0["valueCodeableConcept"]?["coding"]?.arrayValue?.first?["code"]?.stringValue
                            == "missing-fact"
                })
            else { return nil }
            return inner.first { $0["url"]?.stringValue == "value" }?["valueString"]?.stringValue
        }
    }
}

import PumpControlProtocol
import PumpPolicy

/// How the daemon's conclusions compare with the ground truth. Any non-zero count fails a run.
package struct FleetDiscrepancies: Sendable, Hashable {
    /// Pumps that truly failed with no non-function record.
    package var missedFailures = 0
    /// Pumps that truly reached ERI with no impending-failure record (excused when a non-function
    /// record exists and the pump's lines were resent, so ERI may have arrived after the failure).
    package var missedImpendingFailures = 0
    /// Medically-necessary records the truth does not justify (a failure or ERI that did not
    /// happen, or a therapy that is not covered).
    package var falseMedicallyNecessary = 0
    /// Records raised for the wrong reason: a criterion the truth does not show, or the right
    /// criterion with the wrong determination or clause.
    package var wrongReason = 0
    /// More than one telemetry record for the same pump and criterion.
    package var duplicateRecords = 0
    /// Pumps whose final state differs from the truth.
    package var stateMismatches = 0
    /// One line per discrepancy, for the operator.
    package var details: [String] = []

    /// Creates zero discrepancies.
    package init() {}

    /// The sum of the counts.
    package var total: Int {
        missedFailures + missedImpendingFailures + falseMedicallyNecessary + wrongReason + duplicateRecords
            + stateMismatches
    }
}

/// What the truth of a fleet adds up to.
package struct FleetTally: Sendable, Hashable {
    package var pumps = 0
    /// Pumps that reached ERI before any failure.
    package var reachedERI = 0
    /// Pumps that failed, by reason.
    package var failed: [FailureReason: Int] = [:]
    /// Pumps whose only trouble was stalls that recovered within grace.
    package var onlyBriefStalls = 0
    /// Stalls that recovered, all pumps.
    package var recoveredStalls = 0

    /// Counts the truths.
    package init(_ truths: [PumpTruth]) {
        pumps = truths.count
        for t in truths {
            if t.reachedERIAt != nil { reachedERI += 1 }
            if let f = t.failure { failed[f, default: 0] += 1 }
            if t.onlyStalledBriefly { onlyBriefStalls += 1 }
            recoveredStalls += t.recoveredStalls
        }
    }
}

/// Compares a fleet's truth with the daemon's records and device states.
package enum FleetComparison {
    /// Compares; `resentSerials` are pumps whose lines may have reached the daemon out of order.
    package static func compare(
        pumps: [FleetPump], records: [EligibilityRecordDocument], devices: [DeviceSummaryDocument],
        resentSerials: Set<String>
    ) -> FleetDiscrepancies {
        var d = FleetDiscrepancies()
        let bySerial = Dictionary(grouping: records, by: \.serial)
        let states = Dictionary(devices.map { ($0.serial, $0.state) }, uniquingKeysWith: { a, _ in a })
        for pump in pumps {
            let truth = pump.truth
            let serial = pump.serial
            let mine = bySerial[serial] ?? []
            let telemetry = mine.filter { $0.type == "replacement" && $0.trigger == "telemetry" }
            let nf = telemetry.filter { $0.replacementCriterion == ReplacementCriterion.nonFunction.rawValue }
            let imp = telemetry.filter { $0.replacementCriterion == ReplacementCriterion.impendingFailure.rawValue }
            if truth.failure != nil && nf.isEmpty {
                d.missedFailures += 1
                d.details.append(
                    "\(serial): missed failure (\(truth.failure?.rawValue ?? "") at \(truth.failedAt?.rfc3339 ?? "?"))")
            }
            if let eri = truth.reachedERIAt, imp.isEmpty, !(nf.count > 0 && resentSerials.contains(serial)) {
                d.missedImpendingFailures += 1
                d.details.append("\(serial): missed impending failure (ERI at \(eri.rfc3339))")
            }
            if nf.count > 1 || imp.count > 1 {
                d.duplicateRecords += 1
                d.details.append("\(serial): \(nf.count) non-function and \(imp.count) impending-failure records")
            }
            for r in telemetry {
                let justified: Bool
                switch r.replacementCriterion {
                case ReplacementCriterion.nonFunction.rawValue?: justified = truth.failure != nil
                case ReplacementCriterion.impendingFailure.rawValue?: justified = truth.reachedERIAt != nil
                default: justified = false
                }
                let isMN = r.determination == Determination.medicallyNecessary.rawValue
                guard justified, let criterion = r.replacementCriterion.flatMap(ReplacementCriterion.init(rawValue:))
                else {
                    if isMN { d.falseMedicallyNecessary += 1 } else { d.wrongReason += 1 }
                    d.details.append(
                        "\(serial): \(r.id) \(r.replacementCriterion ?? "null") -> \(r.determination) (\(r.clause)) "
                            + "but the pump truly \(truth.failure.map { "failed (\($0.rawValue))" } ?? (truth.reachedERIAt != nil ? "reached ERI" : "worked")) "
                            + "\(truth.onlyStalledBriefly ? "(it only stalled briefly)" : "")")
                    continue
                }
                guard
                    let expected = try? PolicyOracle.replacement(
                        criterion: criterion, reason: nil, therapy: pump.therapy)
                else { continue }
                if expected.determination.rawValue != r.determination || expected.clause != r.clause {
                    if isMN { d.falseMedicallyNecessary += 1 } else { d.wrongReason += 1 }
                    d.details.append(
                        "\(serial): \(r.id) \(criterion.rawValue) -> \(r.determination) (\(r.clause)), the policy gives "
                            + "\(expected.determination.rawValue) (\(expected.clause))")
                }
            }
            if let therapy = pump.therapy, let expected = try? PolicyOracle.implant(therapy) {
                let implants = mine.filter { $0.type == "implant" }
                if !implants.contains(where: {
                    $0.determination == expected.determination.rawValue && $0.clause == expected.clause
                }) {
                    d.wrongReason += 1
                    d.details.append(
                        "\(serial): no implant record \(expected.determination.rawValue) (\(expected.clause)); has "
                            + implants.map { "\($0.determination) (\($0.clause))" }.joined(separator: ", "))
                }
            }
            let state = states[serial]
            if state != truth.expectedState.rawValue {
                d.stateMismatches += 1
                d.details.append("\(serial): state \(state ?? "absent"), truly \(truth.expectedState.rawValue)")
            }
        }
        return d
    }
}

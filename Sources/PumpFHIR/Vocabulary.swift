import PumpPolicy

/// The namespaces and code systems of the export: ours (documented in docs/fhir.md; under
/// ``base``, a name no server answers) beside the standard ones.
package enum FHIRNames {
    /// The root of our code systems, identifier systems and `fullUrl`s.
    package static let base = "https://pumpmond.invalid/fhir"
    /// IEEE 11073-10101 (MDC) codes.
    package static let mdc = "urn:iso:std:iso:11073:10101"
    /// The Da Vinci CRD coverage-information extension (STU 2.1).
    package static let coverageInformation =
        "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"
    /// FHIR's data-absent-reason extension.
    package static let dataAbsentReason = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
    /// HL7 observation categories.
    package static let observationCategory = "http://terminology.hl7.org/CodeSystem/observation-category"

    /// One of our code systems: `alert-code`, `clause`, `fact`, ...
    package static func codeSystem(_ name: String) -> String { "\(base)/CodeSystem/\(name)" }
    /// One of our identifier systems: `pump-serial`, `record-id`, `message-id`, `patient-reference`.
    package static func identifierSystem(_ name: String) -> String { "\(base)/identifier/\(name)" }
}

/// The codes of the export and the MDC code beside each where one exists (docs/fhir.md).
package enum FHIRCodes {
    /// A pump alert code (`telemetry-protocol.md`) in our code system (no MDC code: docs/fhir.md).
    package static func alert(_ code: String) -> CodeableConcept {
        CodeableConcept(
            coding: [Coding(system: FHIRNames.codeSystem("alert-code"), code: code, display: alertDisplay[code])],
            text: alertDisplay[code] ?? "vendor alert \(code)")
    }

    static let alertDisplay: [String: String] = [
        "MOTOR_STALL": "Motor stalled; no drug delivered",
        "MOTOR_STALL_RECOVERED": "Motor turns again after a stall",
        "CRITICAL_ERROR": "Memory or hardware fault; pump stopped in a safe state",
        "BATTERY_ERI": "Battery at elective replacement indicator",
        "BATTERY_EOS": "Battery at end of service; pump stopped",
        "LOW_BATTERY_RESET": "Battery so low that the pump reset",
        "IMPENDING_FAILURE": "Built-in warning of an impending failure",
        "LOW_RESERVOIR": "Drug reservoir low",
        "EMPTY_RESERVOIR": "Drug reservoir empty",
        "PUMP_RESET": "Pump reset itself",
        "MRI_EXPOSURE": "Pump exposed to an MRI scanner",
    ]

    /// A status message as a whole: ours, and MDC_PUMP_STAT beside it.
    package static let status = CodeableConcept(
        coding: [
            Coding(system: FHIRNames.codeSystem("observation"), code: "pump-status", display: "Pump status report"),
            Coding(system: FHIRNames.mdc, code: "184508", display: "MDC_PUMP_STAT"),
        ],
        text: "Pump status report")

    /// A reading inside a status message: `battery-state`, `battery-volts`, `battery-months-remaining`,
    /// `motor`, `reservoir-volume`, `infusing`.
    package static func reading(_ code: String, _ display: String) -> CodeableConcept {
        CodeableConcept(coding: [Coding(system: FHIRNames.codeSystem("status-reading"), code: code, display: display)])
    }

    /// The device type of every pump.
    package static let pumpType = CodeableConcept(
        coding: [
            Coding(
                system: FHIRNames.codeSystem("device-type"), code: "implantable-infusion-pump",
                display: "Implantable infusion pump"),
            Coding(system: FHIRNames.mdc, code: "69985", display: "MDC_DEV_PUMP_INFUS_MDS"),
        ],
        text: "Implantable infusion pump")

    /// A clause of CG-SURG-79 with its text.
    package static func clause(_ id: String) -> CodeableConcept {
        let text = Clause(rawValue: id)?.text
        return CodeableConcept(
            coding: [Coding(system: FHIRNames.codeSystem("clause"), code: id, display: text)],
            text: text.map { "CG-SURG-79 \(id): \($0)" } ?? "CG-SURG-79 \(id)")
    }

    /// A fact not on file (`policy.md`'s criteria, `indication`, `malfunction_evidence`).
    package static func fact(_ name: String) -> Coding {
        Coding(system: FHIRNames.codeSystem("fact"), code: name)
    }
}

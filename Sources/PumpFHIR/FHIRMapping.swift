import PumpControlProtocol
import PumpJSON
import PumpPolicy

/// What the export takes from the configuration.
package struct FHIRExportOptions: Sendable, Hashable {
    /// The policy's issuer, the payer when none is configured.
    package static let defaultPayer = "Anthem Blue Cross Connecticut"

    /// The payer named in the `Coverage` of every record (`pumpctl --payer NAME`).
    package var payer: String

    package init(payer: String = Self.defaultPayer) {
        self.payer = payer
    }
}

/// The mapping of our documents to FHIR R4 resources (docs/fhir.md). Pure: the same document
/// gives the same resources, with the same ids, every time.
package enum FHIRMapping {
    /// The resources of one record (its details included: `record` and `eligibility` asked
    /// `details`): the `DeviceRequest`, the `Device`, the `Coverage`, the cited policy, then one
    /// `Observation` per evidence message.
    package static func resources(for record: EligibilityRecordDocument, options: FHIRExportOptions)
        -> [any FHIRResource]
    {
        // `device` and `patient` are details: nil when not asked for, `.some(nil)` when none.
        let device = self.device(
            (record.device ?? nil)
                ?? DeviceSummaryDocument(
                    serial: record.serial, model: nil, state: "unknown", battery: nil,
                    lastSeen: nil))
        let patientID = record.patient ?? nil
        let patient = patientReference(patientID)
        let coverage = Coverage(
            id: FHIRIDs.coverage(payer: options.payer, patient: patientID), status: "active",
            beneficiary: patient, payor: [Reference(display: options.payer)])
        let policy = self.policy(record.policy)
        let observations = (record.evidenceMessages ?? []).compactMap { message in
            observation(message, device: device, patient: patientID)
        }
        var supporting = [Reference(reference: FHIRIDs.reference(policy), display: "\(record.policy.id) policy")]
        supporting += observations.map { Reference(reference: FHIRIDs.reference($0)) }
        let what = record.type == "implant" ? "implant" : "replacement"
        let request = DeviceRequest(
            id: FHIRIDs.deviceRequest(record: record.id),
            extension: [CoverageInformation.extension(for: record, coverage: coverage)],
            identifier: [Identifier(system: FHIRNames.identifierSystem("record-id"), value: record.id)],
            status: "active", intent: "order",
            codeReference: Reference(reference: FHIRIDs.reference(device), display: "\(what) of pump \(record.serial)"),
            subject: patient, authoredOn: dateTime(record.createdAt),
            reasonCode: [FHIRCodes.clause(record.clause)], supportingInfo: supporting,
            note: record.note.map { [Annotation(text: $0)] })
        return [request, device, coverage, policy] + observations
    }

    /// The resources of `device SERIAL`: the `Device`, then its latest status and open alerts as
    /// `Observation`s.
    package static func resources(for detail: DeviceDetailDocument) -> [any FHIRResource] {
        let device = self.device(
            DeviceSummaryDocument(
                serial: detail.serial, model: detail.model, state: detail.state, battery: detail.battery,
                lastSeen: detail.lastSeen, reason: detail.reason))
        var resources: [any FHIRResource] = [device]
        let patient = detail.therapy?.patient
        if let status = detail.latestStatus, let o = observation(status, device: device, patient: patient) {
            resources.append(o)
        }
        for alert in detail.openAlerts {
            var fields = JSONObject()
            fields.append("id", .string(alert.messageID))
            fields.append("kind", .string("alert"))
            fields.append("at", .string(alert.at))
            fields.append("code", .string(alert.code))
            fields.append("severity", .string(alert.severity))
            fields.append("state", .string("raised"))
            if let text = alert.detail { fields.append("detail", .string(text)) }
            if let o = observation(.object(fields), device: device, patient: patient) { resources.append(o) }
        }
        return resources
    }

    /// The pump: serial, model as its name, `active` or `inactive` once retired.
    static func device(_ summary: DeviceSummaryDocument) -> Device {
        Device(
            id: FHIRIDs.device(serial: summary.serial),
            identifier: [Identifier(system: FHIRNames.identifierSystem("pump-serial"), value: summary.serial)],
            status: summary.state == "retired" ? "inactive" : "active", serialNumber: summary.serial,
            deviceName: summary.model.map { [Device.DeviceName(name: $0, type: "model-name")] },
            type: FHIRCodes.pumpType)
    }

    /// CG-SURG-79, cited: its id, its issuer and title, from its effective date on.
    static func policy(_ policy: PolicyIdentityDocument) -> DocumentReference {
        DocumentReference(
            id: FHIRIDs.policy(policy.id),
            identifier: [Identifier(system: FHIRNames.identifierSystem("policy"), value: policy.id)],
            status: "current",
            description:
                "\(FHIRExportOptions.defaultPayer) \(policy.id) Implantable Infusion Pumps, effective \(policy.effective)",
            content: [
                .init(
                    attachment: .init(
                        contentType: "text/plain", title: "\(policy.id) Implantable Infusion Pumps"))
            ],
            context: .init(period: Period(start: policy.effective)))
    }

    /// The patient by identifier only (pumpmond keeps no demographics); a pump never enrolled has
    /// no reference on file, said with data-absent-reason `unknown`.
    static func patientReference(_ patient: String?) -> Reference {
        guard let patient, !patient.isEmpty else {
            return Reference(
                extension: [Extension(url: FHIRNames.dataAbsentReason, valueCode: "unknown")], type: "Patient")
        }
        return Reference(
            type: "Patient",
            identifier: Identifier(system: FHIRNames.identifierSystem("patient-reference"), value: patient))
    }

    /// One stored message (as `events` shows it) as an `Observation`; nil for one without an id,
    /// kind or time (never stored).
    static func observation(_ message: JSONValue, device: Device, patient: String?) -> Observation? {
        guard let id = message["id"]?.stringValue, let kind = message["kind"]?.stringValue,
            let at = message["at"]?.stringValue
        else { return nil }
        var observation = Observation(
            id: FHIRIDs.observation(serial: device.serialNumber, messageID: id),
            identifier: [
                Identifier(system: FHIRNames.identifierSystem("message-id"), value: "\(device.serialNumber)/\(id)")
            ],
            status: "final", code: FHIRCodes.status,
            subject: patient.map { _ in patientReference(patient) },
            effectiveDateTime: dateTime(at), valueCodeableConcept: nil, valueString: nil,
            device: Reference(reference: FHIRIDs.reference(device)), component: nil)
        if kind == "alert" {
            let code = message["code"]?.stringValue ?? "UNKNOWN"
            observation.code = FHIRCodes.alert(code)
            observation.valueString = message["detail"]?.stringValue
            observation.component = [
                word("alert-severity", "Alert severity", message["severity"]?.stringValue),
                word("alert-state", "Alert state", message["state"]?.stringValue ?? "raised"),
            ].compactMap { $0 }
        } else {
            observation.component = statusReadings(message)
        }
        return observation
    }

    private static func statusReadings(_ message: JSONValue) -> [Observation.Component] {
        var readings: [Observation.Component?] = []
        let battery = message["battery"]
        readings.append(word("battery-state", "Battery state", battery?["state"]?.stringValue))
        readings.append(amount("battery-volts", "Battery voltage", battery?["volts"], ucum: "V", unit: "V"))
        readings.append(
            amount(
                "battery-months-remaining", "Battery months remaining", battery?["months_remaining"], ucum: "mo",
                unit: "month"))
        readings.append(word("motor", "Motor", message["motor"]?.stringValue))
        readings.append(amount("reservoir-volume", "Reservoir volume", message["reservoir_ml"], ucum: "mL", unit: "mL"))
        if case .bool(let infusing)? = message["infusing"] {
            readings.append(
                Observation.Component(
                    code: FHIRCodes.reading("infusing", "Infusing"), valueCodeableConcept: nil, valueQuantity: nil,
                    valueString: nil, valueBoolean: infusing))
        }
        if let firmware = message["firmware"]?.stringValue {
            readings.append(
                Observation.Component(
                    code: FHIRCodes.reading("firmware", "Firmware version"), valueCodeableConcept: nil,
                    valueQuantity: nil, valueString: firmware, valueBoolean: nil))
        }
        return readings.compactMap { $0 }
    }

    /// A reading whose value is one of our words (`ERI`, `stalled`, `critical`), in the code system
    /// named like the reading.
    private static func word(_ code: String, _ display: String, _ value: String?) -> Observation.Component? {
        guard let value, !value.isEmpty else { return nil }
        return Observation.Component(
            code: FHIRCodes.reading(code, display),
            valueCodeableConcept: CodeableConcept(coding: [Coding(system: FHIRNames.codeSystem(code), code: value)]),
            valueQuantity: nil, valueString: nil, valueBoolean: nil)
    }

    private static func amount(
        _ code: String, _ display: String, _ value: JSONValue?, ucum: String, unit: String
    ) -> Observation.Component? {
        guard case .number(let number)? = value else { return nil }
        return Observation.Component(
            code: FHIRCodes.reading(code, display), valueCodeableConcept: nil,
            valueQuantity: Quantity(value: number.doubleValue, ucum: ucum, unit: unit), valueString: nil,
            valueBoolean: nil)
    }

    /// An RFC 3339 time as FHIR's `dateTime`/`instant`: the same time, `T` and `Z` upper case
    /// (the protocol accepts `t`/`z`; FHIR does not).
    package static func dateTime(_ text: String) -> String {
        String(text.map { $0 == "t" ? "T" : $0 == "z" ? "Z" : $0 })
    }
}

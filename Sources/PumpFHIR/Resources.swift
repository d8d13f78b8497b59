// The FHIR R4 resources of the export, as plain `Codable` structs (property order = key order).

/// A resource that can stand in a bundle entry.
package protocol FHIRResource: Codable, Sendable {
    /// `Device`, `DeviceRequest`, ...
    var resourceType: String { get }
    var id: String { get }
}

/// The pump.
package struct Device: FHIRResource, Hashable {
    package var resourceType = "Device"
    package var id: String
    package var identifier: [Identifier]
    /// `active`, or `inactive` once the pump is retired.
    package var status: String
    package var serialNumber: String
    package var deviceName: [DeviceName]?
    package var type: CodeableConcept

    /// A name of the device; the export gives the model (`model-name`).
    package struct DeviceName: Codable, Sendable, Hashable {
        package var name: String
        package var type: String
    }
}

/// The replacement (or implant) the record assesses, with the coverage determination on it.
package struct DeviceRequest: FHIRResource, Hashable {
    package var resourceType = "DeviceRequest"
    package var id: String
    /// The CRD `ext-coverage-information` extension.
    package var `extension`: [Extension]
    package var identifier: [Identifier]
    package var status: String
    package var intent: String
    package var codeReference: Reference
    package var subject: Reference
    package var authoredOn: String
    package var reasonCode: [CodeableConcept]?
    package var supportingInfo: [Reference]?
    package var note: [Annotation]?
}

/// One evidence message, the pump's latest status or an open alert.
package struct Observation: FHIRResource, Hashable {
    package var resourceType = "Observation"
    package var id: String
    package var identifier: [Identifier]
    package var status: String
    package var code: CodeableConcept
    package var subject: Reference?
    package var effectiveDateTime: String
    package var valueCodeableConcept: CodeableConcept?
    package var valueString: String?
    package var device: Reference
    package var component: [Component]?

    /// One reading of a status message (battery state, voltage, motor, reservoir).
    package struct Component: Codable, Sendable, Hashable {
        package var code: CodeableConcept
        package var valueCodeableConcept: CodeableConcept?
        package var valueQuantity: Quantity?
        package var valueString: String?
        package var valueBoolean: Bool?
    }
}

/// The patient's coverage with the payer named in the configuration.
package struct Coverage: FHIRResource, Hashable {
    package var resourceType = "Coverage"
    package var id: String
    package var status: String
    package var beneficiary: Reference
    package var payor: [Reference]
}

/// The policy, cited so that a reviewer can find the clause: CG-SURG-79 and its effective date.
package struct DocumentReference: FHIRResource, Hashable {
    package var resourceType = "DocumentReference"
    package var id: String
    package var identifier: [Identifier]
    package var status: String
    package var description: String
    package var content: [Content]
    package var context: Context

    package struct Content: Codable, Sendable, Hashable {
        package var attachment: Attachment
    }

    package struct Attachment: Codable, Sendable, Hashable {
        package var contentType: String
        package var title: String
    }

    package struct Context: Codable, Sendable, Hashable {
        /// From the effective date on.
        package var period: Period
    }
}

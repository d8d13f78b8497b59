// FHIR R4 (4.0.1) data types, only the elements the export fills. Each is a plain `Codable`
// struct whose property order is its key order; absent (nil) elements are left out of the
// written document (``FHIRJSON``), as FHIR forbids `null` and empty arrays.

/// A code in a code system.
package struct Coding: Codable, Sendable, Hashable {
    package var system: String
    package var code: String
    package var display: String?

    package init(system: String, code: String, display: String? = nil) {
        self.system = system
        self.code = code
        self.display = display
    }
}

/// Codings for one concept, and its text.
package struct CodeableConcept: Codable, Sendable, Hashable {
    package var coding: [Coding]?
    package var text: String?

    package init(coding: [Coding]? = nil, text: String? = nil) {
        self.coding = coding
        self.text = text
    }
}

/// An identifier in a namespace (`system`).
package struct Identifier: Codable, Sendable, Hashable {
    package var system: String
    package var value: String

    package init(system: String, value: String) {
        self.system = system
        self.value = value
    }
}

/// A reference to a resource in the bundle (`reference`), or to one known by identifier only.
package struct Reference: Codable, Sendable, Hashable {
    package var `extension`: [Extension]?
    package var reference: String?
    package var type: String?
    package var identifier: Identifier?
    package var display: String?

    package init(
        extension: [Extension]? = nil, reference: String? = nil, type: String? = nil, identifier: Identifier? = nil,
        display: String? = nil
    ) {
        self.extension = `extension`
        self.reference = reference
        self.type = type
        self.identifier = identifier
        self.display = display
    }
}

/// An extension: a value, or (complex) sub-extensions.
package struct Extension: Codable, Sendable, Hashable {
    package var url: String
    package var `extension`: [Extension]?
    package var valueCode: String?
    package var valueString: String?
    package var valueDate: String?
    package var valueReference: Reference?
    package var valueCodeableConcept: CodeableConcept?

    package init(
        url: String, extension: [Extension]? = nil, valueCode: String? = nil, valueString: String? = nil,
        valueDate: String? = nil, valueReference: Reference? = nil, valueCodeableConcept: CodeableConcept? = nil
    ) {
        self.extension = `extension`
        self.url = url
        self.valueCode = valueCode
        self.valueString = valueString
        self.valueDate = valueDate
        self.valueReference = valueReference
        self.valueCodeableConcept = valueCodeableConcept
    }
}

/// A measured amount in UCUM units.
package struct Quantity: Codable, Sendable, Hashable {
    package var value: Double
    package var unit: String
    package var system: String
    package var code: String

    package init(value: Double, ucum code: String, unit: String) {
        self.value = value
        self.unit = unit
        self.system = "http://unitsofmeasure.org"
        self.code = code
    }
}

/// A text note.
package struct Annotation: Codable, Sendable, Hashable {
    package var text: String
    package init(text: String) { self.text = text }
}

/// A time span; the export fills only its start.
package struct Period: Codable, Sendable, Hashable {
    package var start: String
    package init(start: String) { self.start = start }
}

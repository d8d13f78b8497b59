import PumpJSON

/// Writes FHIR JSON: a resource's members in declaration order, with the members FHIR forbids
/// (`null`, an empty array or object, an empty string) left out.
package enum FHIRJSON {
    /// The compact text of `value`.
    package static func bytes(of value: some Encodable) throws -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        try writer.write(pruned(try JSONParser.parse(JSONWriter.bytes(of: value))) ?? .object(JSONObject()))
        return writer.bytes
    }

    /// `value` without what FHIR forbids; nil when nothing is left of it.
    static func pruned(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .null:
            return nil
        case .string(let text):
            return text.isEmpty ? nil : value
        case .array(let elements):
            let kept = elements.compactMap(pruned)
            return kept.isEmpty ? nil : .array(kept)
        case .object(let object):
            var kept = JSONObject()
            for member in object.members {
                if let inner = pruned(member.value) { kept.append(member.key, inner) }
            }
            return kept.isEmpty ? nil : .object(kept)
        default:
            return value
        }
    }
}

/// Writes a `Bundle` of type `collection` entry by entry, as records arrive: the caller sends each
/// piece before asking for the next, so the bundle is never held whole. A resource already written
/// (the same `fullUrl`: a pump, the coverage, the policy, shared by several records) is written once.
package struct FHIRBundleWriter {
    private var head: [UInt8]?
    private var entries = 0
    private var written: Set<String> = []

    /// A bundle with the id `id` (`[A-Za-z0-9-.]`, at most 64).
    package init(id: String) {
        var writer = JSONWriter(capacity: 128)
        writer.appendRaw(#"{"resourceType":"Bundle","id":"#)
        JSONWriter.appendString(id, to: &writer.bytes)
        writer.appendRaw(#","type":"collection""#)
        head = writer.bytes
    }

    /// The text of one more entry (with whatever comes before it); empty when the resource was
    /// already written.
    package mutating func append(_ resource: some FHIRResource) throws -> [UInt8] {
        let fullUrl = FHIRIDs.fullUrl(resource)
        guard written.insert(fullUrl).inserted else { return [] }
        var out = head ?? []
        head = nil
        out.append(contentsOf: Array((entries == 0 ? #","entry":["# : ",").utf8))
        entries += 1
        out.append(contentsOf: Array(#"{"fullUrl":"#.utf8))
        JSONWriter.appendString(fullUrl, to: &out)
        out.append(contentsOf: Array(#","resource":"#.utf8))
        out.append(contentsOf: try FHIRJSON.bytes(of: resource))
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The end of the bundle (an empty bundle has no `entry` at all: FHIR forbids an empty array).
    package mutating func finish() -> [UInt8] {
        var out = head ?? []
        head = nil
        out.append(contentsOf: Array((entries == 0 ? "}" : "]}").utf8))
        return out
    }
}

extension FHIRBundleWriter {
    /// The whole bundle of `resources`, compact (for one record or one pump; lists stream instead).
    package static func document(id: String, resources: [any FHIRResource]) throws -> [UInt8] {
        var writer = FHIRBundleWriter(id: id)
        var out: [UInt8] = []
        for resource in resources { out += try writer.append(resource) }
        return out + writer.finish()
    }
}

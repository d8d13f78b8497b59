/// Stable resource ids derived from our ids: the same record exports to the same ids every time,
/// so a receiving system updates instead of duplicating. FHIR ids are `[A-Za-z0-9-.]{1,64}`;
/// what may hold other characters (a message id, a patient reference, a payer) is hashed.
package enum FHIRIDs {
    /// `pump-SM2-004211` (a serial is 3 to 32 letters, digits or `-`).
    package static func device(serial: String) -> String { "pump-\(serial)" }
    /// `record-R-000017`.
    package static func deviceRequest(record: String) -> String { "record-\(record)" }
    /// `message-SM2-004211-<16 hex digits of the message id's hash>`.
    package static func observation(serial: String, messageID: String) -> String {
        "message-\(serial)-\(hash(messageID))"
    }
    /// `coverage-<hash of payer and patient reference>`.
    package static func coverage(payer: String, patient: String?) -> String {
        "coverage-\(hash(payer + "\u{0}" + (patient ?? "")))"
    }
    /// `policy-CG-SURG-79`.
    package static func policy(_ id: String) -> String { "policy-\(id)" }

    /// The entry's `fullUrl`: our base, the type and the id (references inside the bundle are the
    /// relative `Type/id`, which resolve against it).
    package static func fullUrl(_ resource: some FHIRResource) -> String {
        "\(FHIRNames.base)/\(resource.resourceType)/\(resource.id)"
    }

    /// `Type/id`, a reference to a resource in the bundle.
    package static func reference(_ resource: some FHIRResource) -> String { "\(resource.resourceType)/\(resource.id)" }

    /// FNV-1a, 64 bits, of the UTF-8 bytes, as 16 lower-case hex digits: stable across runs and
    /// platforms (Swift's `Hasher` is seeded per process).
    package static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        let digits = String(h, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

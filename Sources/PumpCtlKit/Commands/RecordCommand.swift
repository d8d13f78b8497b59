import ArgumentParser
import PumpControlProtocol
import PumpJSON

/// `pumpctl record ID [--fhir [--payer NAME]]`.
struct RecordCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "One eligibility record in full, with its evidence messages.",
        discussion: """
            ID is the record's id as eligibility lists it, e.g. R-000017. --json prints the record as eligibility \
            --json does, then `patient` (the patient reference of the therapy it was assessed under, or null), \
            `device` (the pump as devices lists it) and `evidence_messages` (the evidence messages as events \
            shows them). --fhir prints it as a FHIR R4 Bundle to attach to a prior-authorization request \
            (docs/fhir.md). Exits 66 for an id no record has.
            """)

    @Argument(help: ArgumentHelp("The record's id, e.g. R-000017.", valueName: "id"))
    var id: String

    @OptionGroup var global: GlobalOptions

    @OptionGroup var fhirOptions: FHIROptions

    func request() throws(PumpCtlError) -> ControlRequest {
        guard !id.isEmpty else { throw .badUsage("a record id is required, e.g. R-000017") }
        return ControlRequest(op: .record, id: id)
    }

    func fhirExport() throws(PumpCtlError) -> (FHIRExport, FHIROptions)? {
        guard fhirOptions.fhir else { return nil }
        let request = try request()
        // Written only once the daemon found the record, so `id` is one of its ids (`R-000017`).
        return (.records(request, bundleID: "record-\(id)", list: false), fhirOptions)
    }

    static func render(_ document: EligibilityRecordDocument, _ style: TextStyle) -> String {
        var out = Render.record(document, style)
        if let messages = document.evidenceMessages, !messages.isEmpty {
            out += "Evidence messages:\n"
            for message in messages {
                let stamp = message["at"]?.stringValue.map { style.time($0) } ?? "-"
                let kind = message["kind"]?.stringValue ?? "?"
                let what = message["code"]?.stringValue ?? message["battery"]?["state"]?.stringValue ?? ""
                let detail = message["detail"]?.stringValue ?? message["model"]?.stringValue ?? ""
                out += "    \(stamp)  \(TextSanitizer.visible(kind)) \(TextSanitizer.visible(what))"
                out += detail.isEmpty ? "\n" : "  \(TextSanitizer.visible(detail, limit: 120))\n"
            }
        }
        if case let patient?? = document.patient { out += "Patient reference: \(TextSanitizer.visible(patient))\n" }
        return out
    }
}

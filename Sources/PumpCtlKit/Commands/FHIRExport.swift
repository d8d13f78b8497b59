import ArgumentParser
import Foundation
import PumpControlProtocol
import PumpFHIR
import PumpJSON

/// `--fhir` and `--payer`, on `record`, `eligibility` and `device`.
struct FHIROptions: ParsableArguments {
    @Flag(
        name: .long,
        help: """
            Print one FHIR R4 (4.0.1) JSON document instead: a Bundle (type collection) with a DeviceRequest per \
            record carrying the Da Vinci CRD coverage-information extension, the pump as a Device, the evidence \
            as Observations, the payer's Coverage and the cited policy (docs/fhir.md). Wins over --json.
            """)
    var fhir = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The payer named in the export's Coverage (default: $PUMPMOND_FHIR_PAYER, else the policy's issuer, "
                + "\(FHIRExportOptions.defaultPayer)).", valueName: "name"))
    var payer: String?

    /// The export's options: `--payer`, else a non-empty `PUMPMOND_FHIR_PAYER`, else the issuer.
    func options(_ environment: PumpCtlEnvironment) throws(PumpCtlError) -> FHIRExportOptions {
        if let payer {
            guard !payer.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .badData("--payer must name the payer, not be empty")
            }
            return FHIRExportOptions(payer: payer)
        }
        if let configured = environment.variables["PUMPMOND_FHIR_PAYER"], !configured.isEmpty {
            return FHIRExportOptions(payer: configured)
        }
        return FHIRExportOptions()
    }
}

/// What a `--fhir` run asks the daemon and how it writes the bundle.
enum FHIRExport {
    /// Records (`record` or `eligibility` asked `details`), each written as it arrives.
    case records(ControlRequest, bundleID: String, list: Bool)
    /// One pump (`device`).
    case device(ControlRequest, bundleID: String)

    /// Asks the daemon and writes the bundle into `output`, pretty-printed; returns the exit code.
    func perform(
        _ fhir: FHIROptions, socket option: String?, _ environment: PumpCtlEnvironment,
        _ output: inout StandardOutput
    ) throws(PumpCtlError) -> Int32 {
        let options = try fhir.options(environment)
        let request: ControlRequest
        let bundleID: String
        switch self {
        case .records(let r, let id, _), .device(let r, let id):
            (request, bundleID) = (r, id)
        }
        let line: [UInt8]
        do {
            line = try JSONWriter.bytes(of: request)
        } catch {
            throw PumpCtlError(exitCode: 70, message: "cannot write the request as JSON: \(error)")
        }
        let client = ControlSocketClient(
            path: environment.socketPath(option: option), timeout: environment.replyTimeout)
        var bundle = BundleOutput(id: bundleID)
        switch self {
        case .records(_, _, list: true):
            var reply = ListElementReply(socket: client.path, listName: "records")
            try client.exchange(line) { (piece) throws(PumpCtlError) in
                try reply.receive(piece, as: EligibilityRecordDocument.self) {
                    (record) throws(PumpCtlError) in
                    try bundle.append(FHIRMapping.resources(for: record, options: options), into: &output)
                }
            }
            try reply.finish()
        case .records:
            var whole = WholeReply(socket: client.path)
            try client.exchange(line) { (piece) throws(PumpCtlError) in try whole.receive(piece) }
            let record = try whole.document(EligibilityRecordDocument.self)
            try bundle.append(FHIRMapping.resources(for: record, options: options), into: &output)
        case .device:
            var whole = WholeReply(socket: client.path)
            try client.exchange(line) { (piece) throws(PumpCtlError) in try whole.receive(piece) }
            let device = try whole.document(DeviceDetailDocument.self)
            try bundle.append(FHIRMapping.resources(for: device), into: &output)
        }
        bundle.finish(into: &output)
        return 0
    }
}

/// The bundle's text as it is written: through the pretty printer into stdout's buffer, which is
/// written out each time it passes 1 MiB.
private struct BundleOutput {
    var writer: FHIRBundleWriter
    var printer = JSONPrettyPrinter()

    init(id: String) {
        writer = FHIRBundleWriter(id: id)
    }

    mutating func append(_ resources: [any FHIRResource], into output: inout StandardOutput) throws(PumpCtlError) {
        for resource in resources {
            let bytes: [UInt8]
            do {
                bytes = try writer.append(resource)
            } catch {
                throw PumpCtlError(exitCode: 70, message: "cannot write the FHIR export: \(error)")
            }
            print(bytes, into: &output)
        }
        output.flushIfLong()
    }

    mutating func finish(into output: inout StandardOutput) {
        print(writer.finish(), into: &output)
        output.pending.append(UInt8(ascii: "\n"))
    }

    private mutating func print(_ bytes: [UInt8], into output: inout StandardOutput) {
        bytes.withUnsafeBufferPointer { printer.print($0, into: &output.pending) }
    }
}

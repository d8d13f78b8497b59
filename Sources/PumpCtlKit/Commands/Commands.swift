import ArgumentParser
import PumpControlProtocol
import PumpFHIR
import PumpPolicy

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The daemon's control socket (default: $PUMPMOND_CONTROL_SOCKET, else \(PumpCtl.defaultSocketPath)).",
            valueName: "path"))
    var socket: String?

    @Flag(
        name: .long,
        help: "Print one JSON document for scripts instead of the table; errors still go to stderr as text.")
    var json = false
}

/// Help text listing a vocabulary.
func wordsHelp<V: PolicyVocabulary>(_ type: V.Type) -> String {
    V.acceptedWords.joined(separator: ", ")
}

/// `--limit` must be at least 1 (argument-parser reports a `ValidationError` with exit code 64).
func validateLimit(_ limit: Int) throws {
    guard limit >= 1 else { throw ValidationError("--limit must be at least 1 (got \(limit)); it defaults to 50.") }
}

/// The root command: `pumpctl`.
struct PumpCtlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pumpctl",
        abstract: "The clinicians' command line for pumpmond: pumps, their messages and eligibility records.",
        discussion: """
            Talks to the pumpmond daemon over its control socket (--socket PATH, default \
            $PUMPMOND_CONTROL_SOCKET, else \(PumpCtl.defaultSocketPath)). Every command prints a readable \
            table or text (times in the local time zone; colour only on a terminal, never with NO_COLOR set) \
            and, with --json, one pretty-printed JSON document instead.

            Common questions:
              Which pumps need replacing, and why?
                pumpctl eligibility --determination medically_necessary
              Which pumps have failed, or will soon?
                pumpctl devices --state non_functional   (or --state impending_failure)
              What did a pump report?
                pumpctl device SERIAL   and   pumpctl events SERIAL
              Is a requested replacement covered, and under which clause?
                pumpctl request-replacement SERIAL --reason convenience|upgrade|malfunction
              Record the therapy of a new implant:
                pumpctl enroll SERIAL --patient REF --indication I --drug D --route R
              Has anyone changed records or the audit trail behind the daemon's back?
                pumpctl verify   (exits 65 naming the first row that breaks a chain)
              A pump was explanted or replaced:
                pumpctl retire SERIAL --reason explanted|replaced|patient_deceased|other
              Follow failures and alerts live:
                pumpctl watch   (or --json, one object per line)
              One record, or records as FHIR R4 for a prior-authorization request:
                pumpctl record R-000017 --fhir   (also eligibility --fhir, device SERIAL --fhir)
              Copy the store while it runs:
                pumpctl backup   (exits 69 when no backup could be made)

            Exit codes: 0 success (whatever the determination); 64 bad usage (unknown flag, missing \
            required one, --limit below 1); 65 bad data (unknown vocabulary word, BOOL other than true or \
            false, percent outside 0 to 100, malformed serial), and for verify a broken hash chain; 66 no such pump or record; 69 the daemon is \
            not reachable; 70 a reply pumpctl cannot read or an internal error of the daemon; 77 not \
            permitted (members of the `\(PumpCtlError.accessGroup)` group may use the socket). Errors go to \
            stderr and leave stdout empty.
            """,
        subcommands: [
            StatusCommand.self, DevicesCommand.self, DeviceCommand.self, EventsCommand.self,
            EligibilityCommand.self, EnrollCommand.self, RequestReplacementCommand.self, RejectedCommand.self,
            VerifyCommand.self, RetireCommand.self, WatchCommand.self, RecordCommand.self, BackupCommand.self,
        ])

    /// `--socket` and `--json`, before or after the subcommand: argument-parser parses the root
    /// command's options first, wherever they stand, and a subcommand's `@OptionGroup` of the same
    /// type receives the root's values (declaring it there also lists them in the subcommand's help).
    @OptionGroup var global: GlobalOptions
}

/// `pumpctl status`.
struct StatusCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The daemon: version, uptime, store, counts of pumps, messages, records and rejected messages.")

    @OptionGroup var global: GlobalOptions

    func request() throws(PumpCtlError) -> ControlRequest { ControlRequest(op: .status) }
    static func render(_ document: DaemonStatusDocument, _ style: TextStyle) -> String {
        Render.status(document, style)
    }
}

/// `pumpctl devices [--state S]`.
struct DevicesCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "Pumps with serial, model, state, battery and last seen.",
        discussion: """
            Pump states: functional; impending_failure (a built-in notice: battery ERI, IMPENDING_FAILURE); \
            non_functional (EOS, LOW_BATTERY_RESET, uncleared CRITICAL_ERROR, a stall past its grace); \
            stalled (motor stalled, still within grace); unknown (no status yet, e.g. enrolled, never reported); \
            retired (pumpctl retire; listed only with --state retired). REASON says why: end_of_service, \
            low_battery_reset, critical_error, motor_stall, battery_eri, impending_failure, stall, or the \
            retirement reason.
            """)

    @Option(help: ArgumentHelp("Only pumps in this state: \(wordsHelp(PumpState.self)).", valueName: "state"))
    var state: String?

    @OptionGroup var global: GlobalOptions

    func request() throws(PumpCtlError) -> ControlRequest {
        let state = try state.map { (word: String) throws(PumpCtlError) in
            try Validation.word(word, as: PumpState.self, flag: "--state").rawValue
        }
        return ControlRequest(op: .devices, state: state)
    }
    static func render(_ document: DeviceListDocument, _ style: TextStyle) -> String {
        Render.devices(document, style)
    }
}

/// `pumpctl device SERIAL`.
struct DeviceCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "One pump: state, enrolled therapy, open alerts and latest status.",
        discussion: """
            Pump states: \(wordsHelp(PumpState.self)). Battery states: BOS (beginning of service), MOS \
            (middle), ERI (elective replacement indicator), EOS (end of service). Exits 66 for a serial \
            never seen nor enrolled.
            """)

    @Argument(help: ArgumentHelp("The pump's serial, e.g. SM2-004211.", valueName: "serial"))
    var serial: String

    @OptionGroup var global: GlobalOptions

    @OptionGroup var fhirOptions: FHIROptions

    func request() throws(PumpCtlError) -> ControlRequest {
        ControlRequest(op: .device, serial: try Validation.serial(serial))
    }
    func fhirExport() throws(PumpCtlError) -> (FHIRExport, FHIROptions)? {
        guard fhirOptions.fhir else { return nil }
        let request = try request()
        return (.device(request, bundleID: "device-\(serial)"), fhirOptions)
    }
    static func render(_ document: DeviceDetailDocument, _ style: TextStyle) -> String {
        Render.device(document, style)
    }
}

/// `pumpctl events SERIAL [--limit N]`.
struct EventsCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "The pump's messages (status and alerts), newest first by the pump's time.",
        discussion: "Exits 66 for a serial never seen nor enrolled; a known pump without messages gives an empty list.")

    @Argument(help: ArgumentHelp("The pump's serial, e.g. SM2-004211.", valueName: "serial"))
    var serial: String

    @Option(help: ArgumentHelp("The most messages to show, at least 1.", valueName: "n"))
    var limit = 50

    @OptionGroup var global: GlobalOptions

    func validate() throws { try validateLimit(limit) }

    func request() throws(PumpCtlError) -> ControlRequest {
        ControlRequest(op: .events, serial: try Validation.serial(serial), limit: limit)
    }
    static func render(_ document: EventListDocument, _ style: TextStyle) -> String {
        Render.events(document, style)
    }
    static var textRows: TextRows? {
        TextRows(listName: "events", row: Render.eventRow, text: Render.eventTable)
    }
}

/// `pumpctl rejected [--limit N]`.
struct RejectedCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejected",
        abstract: "Quarantined messages with their reasons, newest first.",
        discussion: """
            Reasons: invalid_json, frame_too_large, unsupported_version, missing_field, invalid_field, \
            unknown_kind, unknown_code, timestamp_in_future, timestamp_implausible, conflicting_duplicate. \
            --json also gives each message's exact bytes (raw_base64).
            """)

    @Option(help: ArgumentHelp("The most messages to show, at least 1.", valueName: "n"))
    var limit = 50

    @OptionGroup var global: GlobalOptions

    func validate() throws { try validateLimit(limit) }

    func request() throws(PumpCtlError) -> ControlRequest { ControlRequest(op: .rejected, limit: limit) }
    static func render(_ document: RejectedListDocument, _ style: TextStyle) -> String {
        Render.rejected(document, style)
    }
}

/// `pumpctl eligibility [--serial S] [--determination D]`.
struct EligibilityCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "eligibility",
        abstract: "Eligibility records, newest first.",
        discussion: """
            Determinations: medically_necessary (every criterion of an MN clause holds); \
            not_medically_necessary (an NMN clause applies, or a criterion is known false); needs_review \
            (a fact is not on file: the record lists what is missing). Use `pumpctl request-replacement` \
            to ask for a new assessment.
            """)

    @Option(help: ArgumentHelp("Only this pump's records.", valueName: "serial"))
    var serial: String?

    @Option(
        help: ArgumentHelp("Only records with this determination: \(wordsHelp(Determination.self)).", valueName: "word")
    )
    var determination: String?

    @OptionGroup var global: GlobalOptions

    @OptionGroup var fhirOptions: FHIROptions

    func request() throws(PumpCtlError) -> ControlRequest {
        let serial = try serial.map { (s: String) throws(PumpCtlError) in try Validation.serial(s, flag: "--serial") }
        let determination = try determination.map { (word: String) throws(PumpCtlError) in
            try Validation.word(word, as: Determination.self, flag: "--determination").rawValue
        }
        return ControlRequest(op: .eligibility, serial: serial, determination: determination)
    }
    /// The records with their details, written into the bundle one by one as they arrive; the
    /// bundle's id is derived from the filters.
    func fhirExport() throws(PumpCtlError) -> (FHIRExport, FHIROptions)? {
        guard fhirOptions.fhir else { return nil }
        var request = try request()
        request.details = true
        let filters = "\(request.serial ?? "")\u{0}\(request.determination ?? "")"
        return (.records(request, bundleID: "eligibility-\(FHIRIDs.hash(filters))", list: true), fhirOptions)
    }
    static func render(_ document: RecordListDocument, _ style: TextStyle) -> String {
        Render.records(document, style)
    }
}

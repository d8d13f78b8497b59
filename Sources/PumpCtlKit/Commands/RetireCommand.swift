import ArgumentParser
import PumpControlProtocol
import PumpPolicy

/// `pumpctl retire SERIAL --reason WORD [--replaced-by SERIAL] [--note TEXT]`.
struct RetireCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Takes a pump out of service for good (explanted, replaced, patient deceased).",
        discussion: """
            The pump's state becomes retired: `devices --state retired` lists it, `device SERIAL` still shows \
            it, the other lists and the alerts leave it out. Messages that still arrive for it are stored, \
            change nothing and are logged as warnings; its records stay as they were. Audited like every \
            request. Exits 66 for a serial never seen nor enrolled, 65 for an unknown reason word and for a \
            pump already retired (a retirement is final).
            """)

    @Argument(help: ArgumentHelp("The pump's serial, e.g. SM2-004211.", valueName: "serial"))
    var serial: String

    @Option(help: ArgumentHelp("Why: \(wordsHelp(RetirementReason.self)).", valueName: "word"))
    var reason: String

    @Option(help: ArgumentHelp("The serial of the pump that took its place.", valueName: "serial"))
    var replacedBy: String?

    @Option(help: ArgumentHelp("A note kept with the retirement (no patient data).", valueName: "text"))
    var note: String?

    @OptionGroup var global: GlobalOptions

    func request() throws(PumpCtlError) -> ControlRequest {
        let serial = try Validation.serial(serial)
        let reason = try Validation.word(reason, as: RetirementReason.self, flag: "--reason")
        let replacedBy = try replacedBy.map { (s: String) throws(PumpCtlError) in
            try Validation.serial(s, flag: "--replaced-by")
        }
        return ControlRequest(op: .retire, serial: serial, reason: reason.rawValue, note: note, replacedBy: replacedBy)
    }
    static func render(_ document: RetirementDocument, _ style: TextStyle) -> String {
        Render.retirement(document, style)
    }
}

extension Render {
    /// `pumpctl retire`: what was stored.
    package static func retirement(_ doc: RetirementDocument, _ style: TextStyle) -> String {
        var out = style.paint("Pump \(TextSanitizer.visible(doc.serial)) retired", .bold) + "\n"
        out += fields(
            [
                ("Reason", .init(words(doc.reason))),
                ("Replaced by", .init(doc.replacedBy.map { TextSanitizer.visible($0) } ?? "-")),
                ("Note", .init(doc.note.map { TextSanitizer.visible($0, limit: 200) } ?? "-")),
                ("Retired", .init(style.time(doc.retiredAt))),
                ("State before", Words.state(doc.previousState)),
            ], style)
        return out
    }
}

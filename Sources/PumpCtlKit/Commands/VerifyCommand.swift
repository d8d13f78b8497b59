import ArgumentParser
import PumpControlProtocol

/// `pumpctl verify`.
struct VerifyCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Checks the hash chains of the eligibility records and the audit trail.",
        discussion: """
            Each record and audit row carries a SHA-256 chained over the row before it. verify walks both \
            chains and prints, for each, the rows checked and its head (the last row's id and hash: compare \
            them with the heads the daemon logs to the journal), or the first row that breaks it. Exits 65 \
            when a chain is broken: a row was changed, inserted or deleted outside the daemon; restore the \
            store from a backup and keep the tampered copy for investigation.
            """)

    @OptionGroup var global: GlobalOptions

    func request() throws(PumpCtlError) -> ControlRequest { ControlRequest(op: .verify) }
    static func render(_ document: VerifyDocument, _ style: TextStyle) -> String {
        Render.verify(document, style)
    }
    static func exitCode(for document: VerifyDocument) -> Int32 { document.intact ? 0 : 65 }
    static let reportsFindings = true
}

extension Render {
    /// `pumpctl verify`.
    package static func verify(_ doc: VerifyDocument, _ style: TextStyle) -> String {
        var out = ""
        for chain in doc.chains {
            let table = TextSanitizer.visible(chain.table)
            let rows = "\(chain.rowsChecked) row\(chain.rowsChecked == 1 ? "" : "s")"
            let head =
                chain.headID.map { id in "head: row \(id), \(TextSanitizer.visible(chain.headHash ?? "no hash"))" }
                ?? "empty"
            if let broken = chain.broken {
                out +=
                    style.paint("\(table): broken at row \(broken.rowID)", .bad)
                    + ": \(TextSanitizer.visible(broken.reason))\n"
                    + "  \(rows) before it intact; last intact \(head)\n"
            } else {
                out += style.paint("\(table): intact", .good) + ", \(rows) checked, \(head)\n"
            }
        }
        if !doc.intact {
            out += "The store was changed outside pumpmond: restore it from a backup and keep this copy.\n"
        }
        return out
    }
}

import ArgumentParser
import PumpControlProtocol

/// `pumpctl backup`.
struct BackupCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Makes an online, checked copy of the store in the daemon's backup directory.",
        discussion: """
            The daemon copies its store on a consistent snapshot while telemetry keeps arriving (SQLite's \
            VACUUM INTO), checks the copy with PRAGMA integrity_check, syncs it and renames it into its backup \
            directory (pumpmond --backup-dir, default backups in the state directory) as \
            pumpmond-<UTC time>.sqlite, then removes the oldest copies beyond --backup-keep. Prints the file, \
            its size and what it holds. Audited like every request. Exits 69 when no backup could be made \
            (full or unwritable backup directory, a copy failing its check, another backup running): the \
            message says why, no partial file is left and the store is unharmed. It waits for the copy as long \
            as it takes (minutes for a big store), not the 30 s other commands wait. Restore: systemd/README.md.
            """)

    @OptionGroup var global: GlobalOptions

    /// The copy reads the whole store twice (copy, then check): minutes for a big one, not the 30 s
    /// other requests get. A day is a bound, not an estimate; pumpmond-backup.service's
    /// TimeoutStartSec= (2 h) ends a stuck one first.
    static var replyTimeout: Duration? { .seconds(24 * 3600) }

    func request() throws(PumpCtlError) -> ControlRequest { ControlRequest(op: .backup) }
    static func render(_ document: BackupDocument, _ style: TextStyle) -> String {
        Render.backup(document, style)
    }
}

extension Render {
    /// `pumpctl backup`: the copy that was kept.
    package static func backup(_ doc: BackupDocument, _ style: TextStyle) -> String {
        var out = style.paint("Backup written", .good) + ": \(TextSanitizer.visible(doc.path))\n"
        out += fields(
            [
                ("Taken", .init(TextSanitizer.visible(doc.takenAt))),
                ("Size", .init("\(doc.bytes) bytes")),
                ("Integrity", .init(TextSanitizer.visible(doc.integrity))),
                ("Messages", .init("\(doc.messages)")),
                ("Records", .init("\(doc.records)")),
                ("Audit rows", .init("\(doc.audit)")),
                ("Rejected", .init("\(doc.rejected)")),
            ], style)
        for path in doc.pruned { out += "Removed older backup: \(TextSanitizer.visible(path))\n" }
        return out
    }
}

import Glibc
import Logging

/// Chooses the log handler for the daemon: the journal under systemd, prefixed stderr lines elsewhere.
///
/// Bootstrap once in `main`:
/// ```swift
/// LoggingSystem.bootstrap { label in JournalLogging.makeHandler(label: label, identifier: "pumpmond") }
/// ```
package enum JournalLogging {
    /// A ``JournalLogHandler`` when stderr is connected to the journal, a ``StderrLogHandler`` otherwise.
    ///
    /// systemd sets `JOURNAL_STREAM` to the `device:inode` of the stream it connected to stdout and
    /// stderr; the journal is chosen only when that variable is set and still names this process's
    /// stderr (`sd_journal_stream_fd(3)` documents this check), so a shell that redirected stderr
    /// gets plain lines.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - identifier: The `SYSLOG_IDENTIFIER` for journal entries, usually the program name.
    package static func makeHandler(label: String, identifier: String) -> any LogHandler {
        if isStderrJournalStream() {
            return JournalLogHandler(label: label, identifier: identifier)
        }
        return StderrLogHandler(label: label)
    }

    /// Whether this process's stderr is the journal stream systemd connected (see ``makeHandler(label:identifier:)``).
    package static func isStderrJournalStream() -> Bool {
        guard let value = getenv("JOURNAL_STREAM") else { return false }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return journalStream(
            String(cString: value), names: (device: UInt64(status.st_dev), inode: UInt64(status.st_ino)))
    }

    /// Whether a `JOURNAL_STREAM` value (`device:inode`, in decimal) names the given file.
    ///
    /// - Parameters:
    ///   - value: The variable's value.
    ///   - file: The device and inode numbers of the file to compare, as `fstat(2)` reports them.
    static func journalStream(_ value: String, names file: (device: UInt64, inode: UInt64)) -> Bool {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        return device == file.device && inode == file.inode
    }
}

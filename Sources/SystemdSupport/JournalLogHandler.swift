import Logging

/// A swift-log handler writing structured entries to the systemd journal.
///
/// Each log call becomes one journal entry (see ``JournalEntry``): `MESSAGE`, `PRIORITY`,
/// `SYSLOG_IDENTIFIER`, the source location, and every metadata key as its own field, so
/// `journalctl PUMP_SERIAL=PX-1042` finds every entry about one pump. When the journal refuses an
/// entry, the handler writes it to stderr as ``StderrLogHandler`` would, so nothing is lost silently.
package struct JournalLogHandler: LogHandler {
    /// The logger's label, sent as `LOGGER_LABEL`.
    package let label: String
    /// The `SYSLOG_IDENTIFIER` of every entry, usually the program name (`pumpmond`).
    package let identifier: String
    /// Where entries go.
    package let destination: JournalDestination
    /// Metadata attached to every entry of this handler.
    package var metadata: Logger.Metadata = [:]
    /// Contextual metadata merged into every entry (under the handler's and the call's).
    package var metadataProvider: Logger.MetadataProvider?
    /// The lowest level this handler writes; `info` by default.
    package var logLevel: Logger.Level = .info

    /// Creates a handler for one logger.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - identifier: The `SYSLOG_IDENTIFIER`, usually the program name.
    ///   - destination: Where to send entries; the system journal by default.
    ///   - metadataProvider: Contextual metadata to merge into every entry, if any.
    package init(
        label: String,
        identifier: String,
        destination: JournalDestination = .systemJournal,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.identifier = identifier
        self.destination = destination
        self.metadataProvider = metadataProvider
    }

    /// The handler's metadata value for `metadataKey`.
    package subscript(metadataKey metadataKey: String) -> Logger.Metadata.Value? {
        get { metadata[metadataKey] }
        set { metadata[metadataKey] = newValue }
    }

    /// Sends the event as one journal entry, or writes it to stderr if the journal refuses it.
    ///
    /// - Parameter event: The event `Logger` passes after checking the level.
    package func log(event: LogEvent) {
        let merged = StderrLogHandler.merge(provider: metadataProvider, handler: metadata, call: event.metadata)
        let entry = JournalEntry(
            level: event.level,
            message: event.message.description,
            identifier: identifier,
            label: label,
            metadata: merged,
            error: event.error,
            file: event.file,
            function: event.function,
            line: event.line)
        guard destination.send(entry) < 0 else { return }
        var fallback = StderrLogHandler(label: label)
        fallback.metadata = merged
        var unmerged = event
        unmerged.metadata = nil
        fallback.log(event: unmerged)
    }
}

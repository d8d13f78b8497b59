import Glibc
import Logging

/// A swift-log handler writing one line per entry to stderr, prefixed with the sd-daemon priority.
///
/// Lines look like `<6>Accepted message pump.serial=PX-1042 note="two words"`: the syslog priority in
/// angle brackets (see `sd-daemon(3)`; journald reads it when stderr is a journal stream), the message,
/// then the metadata as ` key=value` pairs sorted by key. Line breaks and other control characters are
/// escaped so that one entry is always one line; values with spaces, quotes or `=` are quoted.
package struct StderrLogHandler: LogHandler {
    /// The logger's label.
    package let label: String
    /// Where lines go; stderr unless a test passes another descriptor.
    package let fileDescriptor: Int32
    /// Metadata attached to every entry of this handler.
    package var metadata: Logger.Metadata = [:]
    /// Contextual metadata merged into every entry (under the handler's and the call's).
    package var metadataProvider: Logger.MetadataProvider?
    /// The lowest level this handler writes; `info` by default.
    package var logLevel: Logger.Level = .info

    /// Creates a handler writing to stderr (or to `fileDescriptor`, which it does not close).
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - fileDescriptor: Where to write; `STDERR_FILENO` by default.
    ///   - metadataProvider: Contextual metadata to merge into every entry, if any.
    package init(label: String, fileDescriptor: Int32 = STDERR_FILENO, metadataProvider: Logger.MetadataProvider? = nil)
    {
        self.label = label
        self.fileDescriptor = fileDescriptor
        self.metadataProvider = metadataProvider
    }

    /// The handler's metadata value for `metadataKey`.
    package subscript(metadataKey metadataKey: String) -> Logger.Metadata.Value? {
        get { metadata[metadataKey] }
        set { metadata[metadataKey] = newValue }
    }

    /// Writes the event as one line, in a single `write(2)` so concurrent lines do not interleave.
    ///
    /// - Parameter event: The event `Logger` passes after checking the level.
    package func log(event: LogEvent) {
        var merged = Self.merge(provider: metadataProvider, handler: metadata, call: event.metadata)
        if let error = event.error, merged["error"] == nil {
            merged["error"] = .string(String(describing: error))
        }
        let line = Self.formatLine(level: event.level, message: event.message.description, metadata: merged)
        writeAll(Array(line.utf8), to: fileDescriptor)
    }

    /// The line for one entry, ending in `\n` (see the type's description for the format).
    ///
    /// - Parameters:
    ///   - level: The log level, written as its syslog priority (see ``JournalEntry/priority(for:)``).
    ///   - message: The message; line breaks are escaped as `\n`.
    ///   - metadata: The merged metadata, written sorted by key.
    package static func formatLine(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var line = "<\(JournalEntry.priority(for: level))>" + escaped(message, quoting: false)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " " + escaped(key, quoting: false) + "=" + escaped(value.description, quoting: true)
        }
        return line + "\n"
    }

    /// Merges metadata the way swift-log's own handlers do: the call's over the handler's over the provider's.
    static func merge(
        provider: Logger.MetadataProvider?, handler: Logger.Metadata, call: Logger.Metadata?
    ) -> Logger.Metadata {
        var merged = provider?.get() ?? [:]
        merged.merge(handler) { _, new in new }
        if let call { merged.merge(call) { _, new in new } }
        return merged
    }

    private static func escaped(_ text: String, quoting: Bool) -> String {
        var out = ""
        var needsQuotes = quoting && text.isEmpty
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\" where quoting: out += "\\\\"
            case "\"" where quoting:
                out += "\\\""
                needsQuotes = true
            case " ", "=":
                out.unicodeScalars.append(scalar)
                needsQuotes = needsQuotes || quoting
            case _ where scalar.properties.generalCategory == .control:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return needsQuotes ? "\"" + out + "\"" : out
    }
}

/// Writes all of `bytes` to `fd`, retrying partial writes and interruptions; drops them on other errors.
func writeAll(_ bytes: [UInt8], to fd: Int32) {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}

import Logging

/// The fields of one structured journal entry, built from a swift-log event.
///
/// Building an entry is pure: it reads no environment and sends nothing, so the field encoding is
/// tested on its own. ``JournalLogHandler`` builds one per log call and hands it to a ``JournalDestination``.
package struct JournalEntry: Sendable, Hashable {
    /// The fields in the order they are sent: the ones the handler writes first, then the metadata
    /// sorted by key. A name may repeat; the journal keeps every value.
    package var fields: [JournalField]

    /// An entry made of the given fields, as they are.
    ///
    /// - Parameter fields: The fields to send.
    package init(fields: [JournalField]) {
        self.fields = fields
    }

    /// The entry for one log event.
    ///
    /// Writes `MESSAGE`, `PRIORITY` (see ``priority(for:)``), `SYSLOG_IDENTIFIER`, `MESSAGE_ID` when the
    /// metadata key `message_id` (any case) holds a 128-bit id (see ``messageID(from:)``), `LOGGER_LABEL`,
    /// `CODE_FILE`, `CODE_LINE`, `CODE_FUNC`, `ERROR` when an error is given, and then every metadata
    /// entry under the name ``fieldName(forMetadataKey:)`` gives it. Metadata whose name is one of the
    /// fields written above (such as `message`, or a `message_id` that is not a valid id) is kept under
    /// that name prefixed with `METADATA_`; metadata whose key has no usable name is dropped.
    ///
    /// - Parameters:
    ///   - level: The log level, mapped to the syslog priority.
    ///   - message: The message; may span several lines.
    ///   - identifier: The `SYSLOG_IDENTIFIER`, usually the program name (`pumpmond`).
    ///   - label: The logger's label, or `nil` to leave `LOGGER_LABEL` out.
    ///   - metadata: The merged metadata of the handler, the metadata provider and the call.
    ///   - error: The error attached to the log call, if any.
    ///   - file: The source file of the log call.
    ///   - function: The function of the log call.
    ///   - line: The source line of the log call.
    package init(
        level: Logger.Level,
        message: String,
        identifier: String,
        label: String?,
        metadata: Logger.Metadata,
        error: (any Error)? = nil,
        file: String,
        function: String,
        line: UInt
    ) {
        var fields = [
            JournalField(name: "MESSAGE", text: message),
            JournalField(name: "PRIORITY", text: String(Self.priority(for: level))),
            JournalField(name: "SYSLOG_IDENTIFIER", text: identifier),
        ]
        let sortedMetadata = metadata.sorted { $0.key < $1.key }
        var consumedKey: String?
        if let (key, value) = sortedMetadata.first(where: { $0.key.lowercased() == "message_id" }),
            let id = Self.messageID(from: value.description)
        {
            fields.append(JournalField(name: "MESSAGE_ID", text: id))
            consumedKey = key
        }
        if let label {
            fields.append(JournalField(name: "LOGGER_LABEL", text: label))
        }
        fields.append(JournalField(name: "CODE_FILE", text: file))
        fields.append(JournalField(name: "CODE_LINE", text: String(line)))
        fields.append(JournalField(name: "CODE_FUNC", text: function))
        if let error {
            fields.append(JournalField(name: "ERROR", text: String(describing: error)))
        }
        // MESSAGE_ID is reserved even when absent: a value that is not an id must not pose as one.
        let reserved = Set(fields.map(\.name)).union(["MESSAGE_ID"])
        for (key, value) in sortedMetadata where key != consumedKey {
            guard var name = Self.fieldName(forMetadataKey: key) else { continue }
            if reserved.contains(name) {
                name = String(("METADATA_" + name).prefix(Self.maximumFieldNameLength))
            }
            fields.append(JournalField(name: name, text: value.description))
        }
        self.fields = fields
    }

    /// The longest field name journald accepts.
    package static let maximumFieldNameLength = 64

    /// The journal field name for a swift-log metadata key, or `nil` when nothing usable remains.
    ///
    /// Upper-cases the key, turns every character outside `A–Z`, `0–9` and `_` into `_`, strips leading
    /// `_` and digits (a leading `_` marks fields only journald may set), and keeps at most 64 characters:
    /// `pump.serial` becomes `PUMP_SERIAL`, `2fa-code` becomes `FA_CODE`, `___` gives `nil`.
    ///
    /// - Parameter key: A metadata key as the caller wrote it.
    package static func fieldName(forMetadataKey key: String) -> String? {
        let mapped = key.unicodeScalars.map { scalar -> UInt8 in
            switch scalar {
            case "a"..."z": UInt8(scalar.value) - 0x20
            case "A"..."Z", "0"..."9": UInt8(scalar.value)
            default: UInt8(ascii: "_")
            }
        }
        let trimmed = mapped.drop { $0 == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard !trimmed.isEmpty else { return nil }
        return String(decoding: trimmed.prefix(maximumFieldNameLength), as: UTF8.self)
    }

    /// The syslog priority (`PRIORITY=` and the `<N>` stderr prefix) for a swift-log level.
    ///
    /// `critical` → 2 (crit), `error` → 3 (err), `warning` → 4 (warning), `notice` → 5 (notice),
    /// `info` → 6 (info), `debug` and `trace` → 7 (debug).
    ///
    /// - Parameter level: The swift-log level.
    package static func priority(for level: Logger.Level) -> Int {
        switch level {
        case .critical: 2
        case .error: 3
        case .warning: 4
        case .notice: 5
        case .info: 6
        case .debug, .trace: 7
        }
    }

    /// The journal `MESSAGE_ID` for a caller's 128-bit id, or `nil` when `text` is not one.
    ///
    /// Accepts 32 hexadecimal digits (as `journalctl --new-id128` prints them) or the 36-character
    /// UUID form with dashes, in either case, and returns 32 lower-case hexadecimal digits.
    ///
    /// - Parameter text: The metadata value given under `message_id`.
    package static func messageID(from text: String) -> String? {
        var bytes = Array(text.utf8)
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { bytes.removeFirst() }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes.removeLast() }
        let dash = UInt8(ascii: "-")
        if bytes.count == 36, [8, 13, 18, 23].allSatisfy({ bytes[$0] == dash }) {
            bytes.removeAll { $0 == dash }
        }
        guard bytes.count == 32 else { return nil }
        var digits = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"):
                digits.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "A")...UInt8(ascii: "F"):
                digits.unicodeScalars.append(Unicode.Scalar(byte + 0x20))
            default:
                return nil
            }
        }
        return digits
    }

    /// The `iovec` contents for `sd_journal_sendv(3)`: one `NAME=value` byte array per field.
    package var iovecPayloads: [[UInt8]] {
        fields.map(\.assignmentBytes)
    }

    /// The whole entry as one datagram of journald's native protocol (see ``JournalField/nativeProtocolBytes``).
    package var nativeProtocolPayload: [UInt8] {
        fields.flatMap(\.nativeProtocolBytes)
    }
}

/// One field of a journal entry: a journal field name and its raw value bytes.
///
/// Values are bytes, not text: journald stores them as given, newlines and NUL bytes included.
package struct JournalField: Sendable, Hashable {
    /// The field name: upper-case `A–Z`, digits and `_`, not starting with `_` or a digit, at most 64 characters.
    package var name: String
    /// The value's bytes.
    package var value: [UInt8]

    /// A field with a binary value.
    ///
    /// - Parameters:
    ///   - name: A valid journal field name (see ``JournalEntry/fieldName(forMetadataKey:)``).
    ///   - value: The value's bytes.
    package init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    /// A field with a text value, stored as UTF-8.
    ///
    /// - Parameters:
    ///   - name: A valid journal field name (see ``JournalEntry/fieldName(forMetadataKey:)``).
    ///   - text: The value.
    package init(name: String, text: String) {
        self.init(name: name, value: Array(text.utf8))
    }

    /// The value read as UTF-8 text (invalid sequences replaced), for tests and diagnostics.
    package var text: String {
        String(decoding: value, as: UTF8.self)
    }

    /// The bytes `NAME=value` of one `iovec` handed to `sd_journal_sendv(3)`.
    ///
    /// The value may hold newlines or binary data: `sd_journal_sendv` itself switches to journald's
    /// length-prefixed form for such values.
    package var assignmentBytes: [UInt8] {
        Array(name.utf8) + [UInt8(ascii: "=")] + value
    }

    /// This field in journald's native protocol, as written to the journal's datagram socket.
    ///
    /// A value without a newline is sent as `NAME=value\n`; any other value in the binary-safe form
    /// `NAME\n`, the value's length as a 64-bit little-endian integer, the value, then `\n`
    /// (the same choice `sd_journal_sendv(3)` makes).
    package var nativeProtocolBytes: [UInt8] {
        let newline = UInt8(ascii: "\n")
        guard value.contains(newline) else { return assignmentBytes + [newline] }
        var bytes = Array(name.utf8)
        bytes.append(newline)
        withUnsafeBytes(of: UInt64(value.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: value)
        bytes.append(newline)
        return bytes
    }
}

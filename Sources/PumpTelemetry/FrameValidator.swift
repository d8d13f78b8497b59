import PumpJSON

/// Checks one protocol v1 line against every rule of the telemetry protocol and turns it into a
/// ``TelemetryMessage`` or a ``Rejection``.
///
/// Faults are reported by the protocol's precedence: `invalid_json`; then `v`; then the envelope
/// fields `id`, `serial`, `kind`, `at`; then the kind's fields in the order of their table
/// (`status`: `model`, `firmware`, `battery`, `motor`, `reservoir_ml`, `infusing`; `alert`:
/// `code`, `severity`, `state`, `detail`); then `timestamp_in_future` or `timestamp_implausible`
/// (before 2000-01-01T00:00:00Z). `frame_too_large` and
/// `conflicting_duplicate` belong to the framing and storage layers (see
/// ``Rejection/frameTooLarge(length:)`` and ``Rejection/conflictingDuplicate(id:serial:)``).
///
/// Decisions where the protocol is silent:
/// - A field given as JSON `null` counts as absent: a required one is `missing_field`, an
///   optional one takes its default. The exception is `battery`, where `null` means "no battery".
/// - `v` compares by value: `1`, `1.0` and `1e0` are all version 1; `1.5` or `"1"` are
///   `invalid_field`; `2` is `unsupported_version`.
/// - `id` characters are bytes 0x20–0x7E (space included); `model` and `detail` lengths count
///   Swift `Character`s (grapheme clusters).
/// - Numbers that must be ≥ 0 are checked exactly (`-0` is allowed, `-0.1` is not); one too large
///   for a `Double` (`1e400`) is `invalid_field`.
/// - `firmware` is any string, empty included.
package struct FrameValidator: Sendable {
    /// The longest line the protocol accepts, in bytes, its `\n` not counted.
    package static let maxLineBytes = 65_536

    /// How far ahead of the daemon's clock `at` may be, in microseconds (5 minutes by default).
    package let futureTolerance: Int64
    /// The earliest `at` accepted, in microseconds since the Unix epoch; anything before it is
    /// `timestamp_implausible`.
    package let earliestAt: Int64

    /// 2000-01-01T00:00:00Z: no implanted pump reports from before then, so an earlier `at` is a
    /// pump clock that was reset.
    package static let plausibleSince: Int64 = 946_684_800_000_000

    /// Creates a validator.
    /// - Parameters:
    ///   - micros: how far ahead of the daemon's clock `at` may be; exactly this much is accepted,
    ///     one microsecond more is `timestamp_in_future`.
    ///   - earliestAt: the earliest `at` accepted (µs); default 2000-01-01T00:00:00Z, which is
    ///     itself accepted.
    package init(futureTolerance micros: Int64 = 300_000_000, earliestAt: Int64 = FrameValidator.plausibleSince) {
        self.futureTolerance = micros
        self.earliestAt = earliestAt
    }

    /// Validates one line, given without its `\n` (a trailing `\r` is white space). A line longer
    /// than ``maxLineBytes`` is `frame_too_large`.
    /// - Parameter nowMicros: the daemon's clock, microseconds since the Unix epoch.
    package func validate(_ line: UnsafeRawBufferPointer, nowMicros: Int64) -> FrameVerdict {
        // The framing layer normally catches these first; a caller that hands over a whole long
        // line still gets the protocol's answer.
        if line.count > FrameValidator.maxLineBytes { return .rejected(.frameTooLarge(length: line.count)) }
        let content: JSONValue
        do {
            content = try JSONParser.parse(line)
        } catch {
            return .rejected(Rejection(id: nil, reason: .invalidJSON, detail: "not valid JSON: \(error.description)"))
        }
        return validate(content: content, nowMicros: nowMicros)
    }

    /// Validates one line held in an array (see the buffer-pointer form).
    package func validate(_ line: [UInt8], nowMicros: Int64) -> FrameVerdict {
        line.withUnsafeBytes { validate($0, nowMicros: nowMicros) }
    }

    /// Validates an already parsed JSON value (everything after `invalid_json` syntax checks).
    package func validate(content: JSONValue, nowMicros: Int64) -> FrameVerdict {
        guard case .object(let object) = content else {
            return .rejected(
                Rejection(
                    id: nil, reason: .invalidJSON,
                    detail: "the line is \(content.typeDescription), not a JSON object"))
        }
        let fields = MessageFields(object)
        do {
            return .valid(try message(fields, content: content, nowMicros: nowMicros))
        } catch {
            return .rejected(Rejection(id: fields.id?.stringValue, reason: error.reason, detail: error.detail))
        }
    }

    private func message(
        _ fields: borrowing MessageFields, content: JSONValue, nowMicros: Int64
    ) throws(Fault) -> TelemetryMessage {

        let v = try Field.required(fields.v, "v")
        guard case .number(let version) = v, version.isInteger else {
            throw Fault(.invalidField, "field \"v\" must be the integer 1; it is \(Field.show(v))")
        }
        guard version.canonical == "1" else {
            throw Fault(
                .unsupportedVersion,
                "protocol version \(Field.clip(version.literal)) is not supported; this daemon speaks version 1 (\"v\": 1)"
            )
        }

        let id = try Field.requiredString(fields.id, "id")
        if let problem = FieldRules.idProblem(id) {
            throw Fault(.invalidField, "field \"id\" must be 1 to 128 printable ASCII characters; \(problem)")
        }

        let serial = try Field.requiredString(fields.serial, "serial")
        guard FieldRules.isSerial(serial) else {
            throw Fault(
                .invalidField,
                "field \"serial\" must be 3 to 32 letters, digits or '-', starting with a letter or digit; "
                    + "it is \(Field.show(.string(serial)))")
        }

        let kindWord = try Field.requiredString(fields.kind, "kind")
        guard let kind = MessageKind.matching(kindWord) else {
            throw Fault(
                .unknownKind,
                "field \"kind\" is \(Field.show(.string(kindWord))); known kinds are \"status\" and \"alert\"")
        }

        let atText = try Field.requiredString(fields.at, "at")
        var atBytes = atText
        guard let at = atBytes.withUTF8({ RFC3339.parse(UnsafeRawBufferPointer($0)) }) else {
            throw Fault(
                .invalidField,
                "field \"at\" must be an RFC 3339 time with a zone offset, like \"2026-11-28T10:15:00Z\"; "
                    + "it is \(Field.show(.string(atText)))")
        }

        let payload: Payload
        switch kind {
        case .status: payload = .status(try StatusFields.read(fields))
        case .alert: payload = .alert(try AlertFields.read(fields))
        }

        let (limit, overflow) = nowMicros.addingReportingOverflow(futureTolerance)
        if !overflow && (at.micros > limit || (at.micros == limit && at.belowMicrosecond)) {
            let ahead = Double(at.micros - nowMicros) / 1_000_000
            throw Fault(
                .timestampInFuture,
                "field \"at\" (\(atText)) is \(ahead) s ahead of the daemon's clock (\(Timestamp.format(micros: nowMicros))); "
                    + "at most \(Double(futureTolerance) / 1_000_000) s is accepted: check the pump's or the gateway's clock"
            )
        }
        if at.micros < earliestAt {
            throw Fault(
                .timestampImplausible,
                "field \"at\" (\(atText)) is before \(Timestamp.format(micros: earliestAt)), earlier than any implanted pump "
                    + "reports: the pump's clock was reset; set it with the programmer and send the message again")
        }

        return TelemetryMessage(
            id: id, serial: serial, kind: kind, at: PumpTime(text: atText, micros: at.micros), payload: payload,
            content: content)
    }
}

/// A validation fault before the line's id is attached.
struct Fault: Error {
    let reason: RejectionReason
    let detail: String

    init(_ reason: RejectionReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }
}

/// Rules for single envelope values.
enum FieldRules {
    /// Why `id` breaks "1 to 128 printable ASCII characters", or nil when it keeps it.
    static func idProblem(_ id: String) -> String? {
        var id = id
        return id.withUTF8 { bytes in
            if bytes.isEmpty { return "it is empty" }
            for i in 0..<bytes.count where bytes[i] &- 0x20 > 0x7E - 0x20 {
                return "character \(i + 1) is not printable ASCII"
            }
            return bytes.count > 128 ? "it has \(bytes.count)" : nil
        }
    }

    /// `^[A-Za-z0-9][A-Za-z0-9-]{2,31}$`.
    static func isSerial(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { bytes in
            guard (3...32).contains(bytes.count) else { return false }
            for i in 0..<bytes.count {
                let b = bytes[i]
                let alphanumeric = (b | 0x20) &- UInt8(ascii: "a") < 26 || b &- UInt8(ascii: "0") < 10
                guard alphanumeric || (i > 0 && b == UInt8(ascii: "-")) else { return false }
            }
            return true
        }
    }

    /// Whether `s` has more than `limit` `Character`s (counted only when its UTF-8 could).
    static func isLonger(_ s: String, than limit: Int) -> Bool {
        s.utf8.count > limit && s.count > limit
    }
}

import PumpJSON

/// What the validator concluded about one line.
package enum FrameVerdict: Sendable, Equatable {
    /// A valid message, ready to store.
    case valid(TelemetryMessage)
    /// An invalid line, to quarantine and answer `rejected`.
    case rejected(Rejection)
}

/// Why a line was rejected, for the reply and the quarantine.
package struct Rejection: Sendable, Hashable, CustomStringConvertible {
    /// The line's `id` when it has one that is a JSON string (even an invalid one), else nil.
    package var id: String?
    /// The protocol's reason word.
    package var reason: RejectionReason
    /// A sentence for the operator naming the field and the rule, e.g.
    /// `field "model" must be 1 to 64 characters; it has 65`.
    package var detail: String

    package init(id: String?, reason: RejectionReason, detail: String) {
        self.id = id
        self.reason = reason
        self.detail = detail
    }

    /// The rejection for a line longer than ``FrameValidator/maxLineBytes``: reply `id` null,
    /// `detail` giving the line's true length.
    package static func frameTooLarge(length: Int) -> Rejection {
        Rejection(
            id: nil, reason: .frameTooLarge,
            detail: "line of \(length) bytes is longer than the \(FrameValidator.maxLineBytes)-byte limit "
                + "(the first \(FrameValidator.maxLineBytes) bytes are quarantined)")
    }

    /// The rejection for a valid message whose `serial` and `id` are already stored with other
    /// content.
    package static func conflictingDuplicate(id: String, serial: String) -> Rejection {
        Rejection(
            id: id, reason: .conflictingDuplicate,
            detail: "pump \(serial) already sent a message with id \(JSONWriter.quoted(id)) and different content; "
                + "a resend must repeat the same content, a new message needs a new id")
    }

    /// The rejection for a valid message whose sender may not report for its serial.
    package static func notAuthorized(id: String, serial: String, source: String?) -> Rejection {
        Rejection(
            id: id, reason: .notAuthorized,
            detail: "\(source ?? "this sender") may not report for pump \(serial); "
                + "its allowed serials are set in the gateways file")
    }

    /// The reply line for this rejection.
    package var reply: Reply { Reply(id: id, result: .rejected, reason: reason.rawValue, detail: detail) }

    /// `reason: detail`.
    package var description: String { "\(reason.rawValue): \(detail)" }
}

/// The protocol's rejection reasons, in their order of precedence when a line has several faults.
package enum RejectionReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// Not JSON, invalid UTF-8, an empty line, or a JSON value that is not an object.
    case invalidJSON = "invalid_json"
    /// The line is longer than 65,536 bytes (produced by the framing layer).
    case frameTooLarge = "frame_too_large"
    /// `v` is an integer other than 1.
    case unsupportedVersion = "unsupported_version"
    /// A required field is absent (or `null`).
    case missingField = "missing_field"
    /// A field breaks its rule (wrong type, length, pattern, range or word).
    case invalidField = "invalid_field"
    /// `kind` is a string other than `status` and `alert`.
    case unknownKind = "unknown_kind"
    /// An alert `code` is neither a known code nor a vendor code `X-<VENDOR>-<NAME>`.
    case unknownCode = "unknown_code"
    /// `at` is more than 5 minutes ahead of the daemon's clock.
    case timestampInFuture = "timestamp_in_future"
    /// `at` is before 2000-01-01T00:00:00Z: a pump clock that was reset.
    case timestampImplausible = "timestamp_implausible"
    /// A valid message for a serial outside its sender's allowance (gateways file; produced by the
    /// ingest server, after validation and before storage).
    case notAuthorized = "not_authorized"
    /// Same `serial` and `id` as a stored message, with different content (produced by the store).
    case conflictingDuplicate = "conflicting_duplicate"
}

/// Why the daemon could not store a line (reply `unavailable`): the sender must send it again.
package enum UnavailableReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// The disk is full.
    case storageFull = "storage_full"
    /// The store is read-only.
    case storageReadOnly = "storage_read_only"
    /// Another storage failure.
    case storageError = "storage_error"
    /// The daemon is shutting down.
    case shuttingDown = "shutting_down"
}

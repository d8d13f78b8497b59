/// The daemon's answer to one `ControlRequest`: one JSON line, either
/// `{"ok":true,"result":<document>}` or `{"ok":false,"error":{"code":"...","message":"..."}}`.
public struct ControlReply<Result: Codable & Sendable>: Codable, Sendable {
    /// Whether the request succeeded.
    public var ok: Bool
    /// The document `cli.md` shapes for the command, when `ok`.
    public var result: Result?
    /// What went wrong, when not `ok`.
    public var error: ControlFailure?

    /// A successful reply.
    public init(result: Result) {
        self.ok = true
        self.result = result
        self.error = nil
    }

    /// A failed reply.
    public init(error: ControlFailure) {
        self.ok = false
        self.result = nil
        self.error = error
    }
}

/// A refused or failed control request, with a message a clinician or operator can act on.
public struct ControlFailure: Codable, Sendable, Hashable, Error {
    /// The class of failure; each maps to one `pumpctl` exit code.
    public var code: ControlFailureCode
    /// What happened and what to do, in plain words.
    public var message: String

    /// Creates a failure.
    public init(code: ControlFailureCode, message: String) {
        self.code = code
        self.message = message
    }
}

/// The classes of control failure and the `pumpctl` exit code each one ends with (`cli.md`).
public enum ControlFailureCode: String, Codable, Sendable, CaseIterable {
    /// A malformed request (64).
    case badUsage = "bad_usage"
    /// An unknown vocabulary word or an out-of-range value (65).
    case badData = "bad_data"
    /// No such pump or record (66).
    case notFound = "not_found"
    /// The daemon cannot serve the request now, e.g. its store is unavailable (69).
    case unavailable = "unavailable"
    /// The caller is not allowed to use the control socket (77).
    case notPermitted = "not_permitted"
    /// An internal error in the daemon (70).
    case internalError = "internal_error"

    /// The process exit code `pumpctl` ends with for this failure.
    public var exitCode: Int32 {
        switch self {
        case .badUsage: 64
        case .badData: 65
        case .notFound: 66
        case .unavailable: 69
        case .notPermitted: 77
        case .internalError: 70
        }
    }
}

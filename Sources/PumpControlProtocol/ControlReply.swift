import PumpJSON

/// The daemon's answer to one `ControlRequest`: one JSON line, either
/// `{"ok":true,"result":<document>}` or `{"ok":false,"error":{"code":"...","message":"..."}}`.
/// Readers decode it; the daemon writes it with ``ControlReplyWriter``, which leaves out the
/// member that does not apply (encoding this type would write it as `null`).
package struct ControlReply<Result: Codable & Sendable>: Codable, Sendable {
    /// Whether the request succeeded.
    package var ok: Bool
    /// The document `cli.md` shapes for the command, when `ok`.
    package var result: Result?
    /// What went wrong, when not `ok`.
    package var error: ControlFailure?

    /// A successful reply.
    package init(result: Result) {
        self.ok = true
        self.result = result
        self.error = nil
    }

    /// A failed reply.
    package init(error: ControlFailure) {
        self.ok = false
        self.result = nil
        self.error = error
    }
}

/// A refused or failed control request, with a message a clinician or operator can act on.
package struct ControlFailure: Codable, Sendable, Hashable, Error {
    /// The class of failure; each maps to one `pumpctl` exit code.
    package var code: ControlFailureCode
    /// What happened and what to do, in plain words.
    package var message: String

    package init(code: ControlFailureCode, message: String) {
        self.code = code
        self.message = message
    }
}

/// The classes of control failure and the `pumpctl` exit code each one ends with (`cli.md`).
package enum ControlFailureCode: String, Codable, Sendable, CaseIterable {
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
    package var exitCode: Int32 {
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

/// Writes reply lines, compact, keys in each document's declaration order, in pieces to hand to
/// the socket one by one: a long list is never one buffer of the whole reply.
package enum ControlReplyWriter {
    /// About how many bytes a piece holds before the next list element starts a new one.
    package static let pieceSize = 1 << 20

    /// `{"ok":true,"result":<document>}` and `\n`.
    package static func success(_ document: some Encodable) -> [[UInt8]] {
        do {
            var w = JSONWriter(capacity: 1024)
            w.appendRaw(#"{"ok":true,"result":"#)
            try w.encode(document)
            w.appendRaw("}\n")
            return [w.bytes]
        } catch {
            return cannotEncode
        }
    }

    /// The same line for a list document, written element by element into pieces of about
    /// ``pieceSize`` bytes.
    package static func success<List: ListDocument>(list: List) -> [[UInt8]] {
        guard var writer = ListReplyWriter<List>() else { return success(list) }
        var pieces: [[UInt8]] = []
        do {
            for element in list.elements {
                if let piece = try writer.append(element) { pieces.append(piece) }
            }
        } catch {
            return cannotEncode
        }
        pieces.append(writer.finish())
        return pieces
    }

    /// `{"ok":false,"error":{"code":…,"message":…}}` and `\n`.
    package static func failure(_ failure: ControlFailure) -> [[UInt8]] {
        var w = JSONWriter(capacity: 256)
        w.appendRaw(#"{"ok":false,"error":"#)
        // Two strings: nothing in a failure can be beyond JSON.
        try? w.encode(failure)
        w.appendRaw("}\n")
        return [w.bytes]
    }

    /// The answer when a document holds something JSON cannot say (a stored number like `1e400`).
    package static var cannotEncode: [[UInt8]] {
        failure(ControlFailure(code: .internalError, message: "cannot encode the reply"))
    }
}

/// Writes the reply line of a list document as its elements come, handing out each piece of about
/// ``ControlReplyWriter/pieceSize`` bytes as soon as it is full: the elements can come from a
/// cursor, and the caller sends (and releases) each piece before producing the next, so neither
/// the list nor its reply is ever held whole.
package struct ListReplyWriter<List: ListDocument> {
    private var w = JSONWriter(capacity: 1024)
    private var count = 0

    /// Starts the line, `{"ok":true,"result":{"<name>":[`; nil when `List` is not one named list.
    package init?() {
        // The empty document names the list: its shape stays defined by the type alone.
        guard case .object(let shape)? = try? JSONParser.parse(JSONWriter.bytes(of: List.empty)), shape.count == 1,
            shape[0].value == .array([])
        else { return nil }
        w.appendRaw(#"{"ok":true,"result":{"#)
        JSONWriter.appendString(shape[0].key, to: &w.bytes)
        w.appendRaw(":[")
    }

    /// Writes one element; returns the piece to send when it filled one.
    package mutating func append(_ element: List.Element) throws -> [UInt8]? {
        if count > 0 { w.appendRaw(",") }
        count += 1
        try w.encode(element)
        guard w.bytes.count >= ControlReplyWriter.pieceSize else { return nil }
        let piece = w.bytes
        w.bytes = []
        w.bytes.reserveCapacity(ControlReplyWriter.pieceSize + ControlReplyWriter.pieceSize / 4)
        return piece
    }

    /// Ends the line; the last piece, `]}}` and `\n` included.
    package mutating func finish() -> [UInt8] {
        w.appendRaw("]}}\n")
        defer { w.bytes = [] }
        return w.bytes
    }
}

/// A document that is one named list, `{"<name>":[...]}`, written element by element.
package protocol ListDocument: Encodable, Sendable {
    associatedtype Element: Encodable
    var elements: [Element] { get }
    /// The document without elements; its encoding names the list.
    static var empty: Self { get }
}

extension DeviceListDocument: ListDocument {
    package var elements: [DeviceSummaryDocument] { devices }
    package static var empty: Self { Self(devices: []) }
}

extension RecordListDocument: ListDocument {
    package var elements: [EligibilityRecordDocument] { records }
    package static var empty: Self { Self(records: []) }
}

extension EventListDocument: ListDocument {
    package var elements: [JSONValue] { events }
    package static var empty: Self { Self(events: []) }
}

extension RejectedListDocument: ListDocument {
    package var elements: [RejectedDocument] { rejected }
    package static var empty: Self { Self(rejected: []) }
}

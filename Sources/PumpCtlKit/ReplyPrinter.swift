#if canImport(Glibc)
    import Glibc
#endif
import PumpControlProtocol
import PumpJSON
import PumpTelemetry

/// The shape of a `cli.md` document, enough to print a reply's `result` for `--json` straight from
/// the reply's bytes, without decoding it into a document and encoding it again.
indirect enum DocumentShape: Sendable {
    /// A string.
    case string
    /// A string or `null` (a missing member is `null` too).
    case optionalString
    /// `true` or `false`.
    case bool
    /// Any JSON value (a stored message): objects with their keys sorted.
    case any
    /// An array of one shape.
    case array(DocumentShape)
    /// An object with these members, printed in this order.
    case object([DocumentMember])
}

/// One member of an object shape.
struct DocumentMember: Sendable {
    /// The key, as UTF-8.
    let key: [UInt8]
    /// The value's shape.
    let shape: DocumentShape

    init(_ key: String, _ shape: DocumentShape) {
        self.key = Array(key.utf8)
        self.shape = shape
    }
}

/// Prints the `result` of a reply line in the exact text that `OrderedJSONEncoder(prettyPrinted:
/// true)` gives for the decoded document, in one pass over the bytes.
///
/// It is a fast path, not a second decoder: whenever the reply is anything but a successful reply
/// whose result has the expected shape in plain terms (a missing required member, a duplicate key,
/// a non-ASCII key, an integral number written with a fraction or exponent, invalid UTF-8, a lone
/// surrogate...), it gives up and returns nil, and `pumpctl` decodes the reply as before, with the
/// same output or the same error message as always.
enum ReplyPrinter {
    /// The pretty-printed result with its trailing newline, or nil to take the decoding path.
    static func print(reply: [UInt8], shape: DocumentShape) -> [UInt8]? {
        reply.withUnsafeBufferPointer { input in
            var printer = Printer(input: input)
            return try? printer.reply(shape)
        }
    }
}

extension ReplyPrinter {
    /// The `events` reply's document, read in one pass with the same rules: nil whenever the reply
    /// is not plain, and `pumpctl` decodes it with `JSONDecoder` instead. Each value is the
    /// `JSONValue` that `JSONDecoder` would give (an integer within `Int64` as that integer, another
    /// number as its `Double`'s text).
    static func events(reply: [UInt8]) -> EventListDocument? {
        reply.withUnsafeBufferPointer { input in
            var printer = Printer(input: input)
            return try? printer.eventsReply()
        }
    }
}

/// Thrown to give up on the fast path.
struct GiveUp: Error {}


/// The shapes of the documents `--json` prints without decoding (those that can be long, and the
/// record); each mirrors its document's `encode(to:)`. Computed on use (a few small arrays, once per
/// run), not kept in globals: an indirect enum's boxes reached from a global through tagged pointers
/// are reported as leaks by LeakSanitizer at exit (scripts/sanitize).
enum DocumentShapes {
    /// `EligibilityRecordDocument`.
    static var record: DocumentShape {
        DocumentShape.object([
            .init("id", .string), .init("serial", .string), .init("type", .string), .init("trigger", .string),
            .init("request_reason", .optionalString), .init("determination", .string), .init("clause", .string),
            .init("replacement_criterion", .optionalString),
            .init("indication", .object([.init("status", .string), .init("clause", .optionalString)])),
            .init("missing", .array(.string)), .init("supplies_covered", .bool),
            .init(
                "evidence",
                .array(
                    .object([
                        .init("message_id", .string), .init("kind", .string), .init("code", .optionalString),
                        .init("at", .string),
                    ]))),
            .init("policy", .object([.init("id", .string), .init("effective", .string)])),
            .init("created_at", .string), .init("note", .optionalString),
        ])
    }

    /// `RecordListDocument`.
    static var recordList: DocumentShape { DocumentShape.object([.init("records", .array(record))]) }

    /// `DeviceListDocument`.
    static var deviceList: DocumentShape {
        DocumentShape.object([
            .init(
                "devices",
                .array(
                    .object([
                        .init("serial", .string), .init("model", .optionalString), .init("state", .string),
                        .init("battery", .optionalString), .init("last_seen", .optionalString),
                    ])))
        ])
    }

    /// `EventListDocument`.
    static var eventList: DocumentShape { DocumentShape.object([.init("events", .array(.any))]) }

    /// `RejectedListDocument`.
    static var rejectedList: DocumentShape {
        DocumentShape.object([
            .init(
                "rejected",
                .array(
                    .object([
                        .init("received_at", .string), .init("reason", .string), .init("detail", .optionalString),
                        .init("raw", .string), .init("raw_base64", .string),
                    ])))
        ])
    }
}

import PumpHealth
import PumpTelemetry

/// One line handed to the store by an ingest connection, framed and validated.
///
/// A valid message is kept only as what the store needs of it (``IngestMessage``): its parsed JSON
/// tree is dropped as soon as the content hash is taken, so that lines waiting for a commit stay
/// small, and the hashing runs on the connection's task rather than in the single writer.
public enum IngestItem: Sendable {
    /// A valid message, reduced to what the store keeps of it.
    case valid(IngestMessage)
    /// A rejected line, its bytes (at most the first 65,536) and why.
    case rejected(Rejection, raw: [UInt8], receivedAt: Int64)

    /// A valid message and its bytes as received.
    public static func message(_ m: TelemetryMessage, raw: [UInt8], receivedAt: Int64) -> IngestItem {
        .valid(IngestMessage(m, raw: raw, receivedAt: receivedAt))
    }
}

/// What the store keeps of one valid message: the indexed fields, what failure detection needs,
/// the content hash of its canonical JSON, and its bytes as received.
public struct IngestMessage: Sendable {
    /// The pump's serial.
    public var serial: String
    /// The message's failure-detection signal (id, kind, code, battery, motor, times).
    public var signal: HealthSignal
    /// The alert's `state` word; nil for a status.
    public var alertState: String?
    /// The status's `model`; nil for an alert.
    public var model: String?
    /// 64-bit FNV-1a of the canonical JSON content.
    public var contentHash: Int64
    /// The line as received.
    public var raw: [UInt8]

    /// Reduces a validated message (hashes its canonical content).
    public init(_ m: TelemetryMessage, raw: [UInt8], receivedAt: Int64) {
        serial = m.serial
        signal = HealthSignal(message: m, receivedAt: receivedAt)
        alertState = m.alertStateWord
        model = m.status?.model
        contentHash = ContentHash.ofCanonical(m.content)
        self.raw = raw
    }

    /// The message's `id`.
    public var id: String { signal.messageID }
    /// When the daemon received it (µs).
    public var receivedAt: Int64 { signal.receivedAt }
}

/// An eligibility record the ingest path raised, for logging and the journal.
public struct RaisedRecord: Sendable, Hashable {
    /// `R-000017`.
    public var recordID: String
    /// The pump.
    public var serial: String
    /// `non_function` or `impending_failure`.
    public var criterion: String
    /// The determination word.
    public var determination: String
    /// The clause.
    public var clause: String
}

/// What one committed batch produced: one reply per item, in order, and the records raised.
public struct IngestOutcome: Sendable {
    /// Replies, one per item, in the order of the items.
    public var replies: [Reply]
    /// Records raised by the batch.
    public var raised: [RaisedRecord]
    /// Messages stored (accepted).
    public var accepted: Int

    /// Creates an outcome.
    public init(replies: [Reply], raised: [RaisedRecord], accepted: Int) {
        self.replies = replies
        self.raised = raised
        self.accepted = accepted
    }
}

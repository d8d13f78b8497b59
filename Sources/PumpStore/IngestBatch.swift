import PumpTelemetry

/// One line handed to the store by an ingest connection, framed and validated.
public enum IngestItem: Sendable {
    /// A valid message and its bytes as received.
    case message(TelemetryMessage, raw: [UInt8], receivedAt: Int64)
    /// A rejected line, its bytes (at most the first 65,536) and why.
    case rejected(Rejection, raw: [UInt8], receivedAt: Int64)
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

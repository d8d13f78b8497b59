import Foundation
import PumpControlProtocol
import PumpHealth
import PumpJSON
import PumpStore
import PumpTelemetry

/// One line handed to the ingest writer by an ingest connection, framed and validated.
///
/// A valid message is kept only as what the store needs of it (``IngestMessage``): its parsed JSON
/// tree is dropped as soon as the content hash is taken, so that lines waiting for a commit stay
/// small, and the hashing runs on the connection's task rather than in the single writer.
package enum IngestItem: Sendable {
    /// A valid message, reduced to what the store keeps of it.
    case valid(IngestMessage)
    /// A rejected line, its bytes (at most the first 65,536), why, and who sent it
    /// (``Authorization/source``).
    case rejected(Rejection, raw: [UInt8], receivedAt: Int64, source: String? = nil)

    /// A valid message and its bytes as received, from `source` (``Authorization/source``).
    package static func message(
        _ m: TelemetryMessage, raw: [UInt8], receivedAt: Int64, source: String? = nil
    ) -> IngestItem {
        .valid(IngestMessage(m, raw: raw, receivedAt: receivedAt, source: source))
    }
}

/// What the store keeps of one valid message: the indexed fields, what failure detection needs,
/// the content hash of its canonical JSON, and its bytes as received.
package struct IngestMessage: Sendable {
    /// The pump's serial.
    package var serial: String
    /// The message's failure-detection signal (id, kind, code, battery, motor, times).
    package var signal: HealthSignal
    /// The alert's `state` word; nil for a status.
    package var alertState: String?
    /// The status's `model`; nil for an alert.
    package var model: String?
    /// A status that reports drug in the reservoir (`reservoir_ml` above 0): a refill, for the
    /// empty-reservoir alert.
    package var reportsDrug: Bool
    /// 64-bit FNV-1a of the canonical JSON content.
    package var contentHash: Int64
    /// The line as received.
    package var raw: [UInt8]
    /// Who sent it: `gateway:NAME`, `sha256:FINGERPRINT`, `unix:UID`, `tcp:ADDRESS`; nil when unknown.
    package var source: String?

    /// Reduces a validated message (hashes its canonical content).
    package init(_ m: TelemetryMessage, raw: [UInt8], receivedAt: Int64, source: String? = nil) {
        serial = m.serial
        signal = HealthSignal(message: m, receivedAt: receivedAt)
        alertState = m.alertStateWord
        model = m.status?.model
        reportsDrug = (m.status?.reservoirML ?? 0) > 0
        contentHash = ContentHash.ofCanonical(m.content)
        self.raw = raw
        self.source = source
    }

    /// The message's `id`.
    package var id: String { signal.messageID }
    /// When the daemon received it (µs).
    package var receivedAt: Int64 { signal.receivedAt }
}

/// An eligibility record the ingest path raised, for logging and the journal.
package struct RaisedRecord: Sendable, Equatable {
    /// `R-000017`.
    package var recordID: String
    /// The pump.
    package var serial: String
    /// `non_function` or `impending_failure`.
    package var criterion: String
    /// The determination word.
    package var determination: String
    /// The clause.
    package var clause: String
    /// The record as `cli.md` shows it.
    package var document: EligibilityRecordDocument
}

/// What one committed batch produced: one reply per item, in order, and the records raised.
package struct IngestOutcome: Sendable {
    /// Replies, one per item, in the order of the items.
    package var replies: [Reply]
    /// Records raised by the batch.
    package var raised: [RaisedRecord]
    /// Messages stored (accepted).
    package var accepted: Int
    /// The earliest silent-stall deadline (daemon clock, µs) among the pumps the batch saved, so
    /// that the sweeper can wake for it; nil when none of them has one.
    package var earliestStallDeadline: Int64?
    /// The pumps the batch touched, as committed (for the alert board).
    package var changes: [PumpChange]
    /// Messages the batch stored for retired pumps.
    package var retiredMessages: [RetiredPumpMessage]

    package init(
        replies: [Reply], raised: [RaisedRecord], accepted: Int, earliestStallDeadline: Int64? = nil,
        changes: [PumpChange] = [], retiredMessages: [RetiredPumpMessage] = []
    ) {
        self.replies = replies
        self.raised = raised
        self.accepted = accepted
        self.earliestStallDeadline = earliestStallDeadline
        self.changes = changes
        self.retiredMessages = retiredMessages
    }
}

/// 64-bit FNV-1a, the content hash stored beside each message (not a security measure: a hash
/// match is always confirmed by comparing canonical content).
enum ContentHash {
    static func of(_ bytes: [UInt8]) -> Int64 {
        bytes.withUnsafeBufferPointer { of($0) }
    }

    static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: h)
    }

    /// The hash of `content`'s canonical bytes.
    static func ofCanonical(_ content: JSONValue) -> Int64 {
        of(JSONWriter.canonical(content))
    }
}

extension IngestMessage {
    /// The message's `message` row.
    var row: MessageRow {
        MessageRow(
            serial: serial, messageID: signal.messageID, kind: signal.kind.rawValue, code: signal.code,
            alertState: alertState, at: signal.at, atText: signal.atText, receivedAt: signal.receivedAt,
            contentHash: contentHash, raw: Data(raw), source: source)
    }
}

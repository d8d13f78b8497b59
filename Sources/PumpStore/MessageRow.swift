import Foundation
import GRDB

/// A row of `message`: one message accepted from a pump, its bytes as received, and the fields
/// the queries and the idempotency key need. `(serial, message_id)` is unique; `content_hash` is
/// a 64-bit FNV-1a of the canonical JSON, compared before the exact comparison of a resend.
package struct MessageRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "message"

    package var id: Int64?
    package var serial: String
    package var messageID: String
    package var kind: String
    package var code: String?
    package var alertState: String?
    /// The pump's `at` (µs).
    package var at: Int64
    /// The pump's `at` as the pump spelled it.
    package var atText: String
    package var receivedAt: Int64
    package var contentHash: Int64
    package var raw: Data
    /// Who sent it: `gateway:NAME`, `sha256:FINGERPRINT`, `unix:UID`, `tcp:ADDRESS`; nil when
    /// unknown, and in rows from before `v4-message-source`.
    package var source: String?

    enum CodingKeys: String, CodingKey {
        case id, serial
        case messageID = "message_id"
        case kind, code
        case alertState = "alert_state"
        case at
        case atText = "at_text"
        case receivedAt = "received_at"
        case contentHash = "content_hash"
        case raw, source
    }

    package enum Columns {
        static let id = Column(CodingKeys.id)
        static let serial = Column(CodingKeys.serial)
        static let messageID = Column(CodingKeys.messageID)
        static let kind = Column(CodingKeys.kind)
        static let code = Column(CodingKeys.code)
        static let alertState = Column(CodingKeys.alertState)
        static let at = Column(CodingKeys.at)
        static let receivedAt = Column(CodingKeys.receivedAt)
    }

    package init(
        serial: String, messageID: String, kind: String, code: String?, alertState: String?, at: Int64,
        atText: String, receivedAt: Int64, contentHash: Int64, raw: Data, source: String? = nil
    ) {
        self.serial = serial
        self.messageID = messageID
        self.kind = kind
        self.code = code
        self.alertState = alertState
        self.at = at
        self.atText = atText
        self.receivedAt = receivedAt
        self.contentHash = contentHash
        self.raw = raw
        self.source = source
    }
}

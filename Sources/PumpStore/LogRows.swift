import Foundation
import GRDB

/// A row of `quarantine`: a rejected line, its bytes (at most the first 65,536), reason and
/// detail.
package struct QuarantineRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "quarantine"

    package var id: Int64?
    package var receivedAt: Int64
    package var reason: String
    package var detail: String?
    package var messageID: String?
    package var raw: Data

    enum CodingKeys: String, CodingKey {
        case id
        case receivedAt = "received_at"
        case reason, detail
        case messageID = "message_id"
        case raw
    }

    package enum Columns {
        static let id = Column(CodingKeys.id)
    }

    package init(receivedAt: Int64, reason: String, detail: String?, messageID: String?, raw: Data) {
        self.receivedAt = receivedAt
        self.reason = reason
        self.detail = detail
        self.messageID = messageID
        self.raw = raw
    }
}

/// A row of `audit`: who asked what through the control socket, allowed or refused.
package struct AuditRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "audit"

    package var id: Int64?
    /// When (µs).
    package var at: Int64
    package var uid: Int64?
    package var user: String?
    package var command: String
    /// The request's arguments as JSON.
    package var arguments: String
    /// `allowed: ok`, `allowed: not_found`, `refused: not permitted`...
    package var outcome: String
}

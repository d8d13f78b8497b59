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
    /// Who sent it (``IngestMessage/source``); nil in rows from before `v4-message-source`.
    package var source: String?

    enum CodingKeys: String, CodingKey {
        case id
        case receivedAt = "received_at"
        case reason, detail
        case messageID = "message_id"
        case raw, source
    }

    package enum Columns {
        static let id = Column(CodingKeys.id)
    }

    package init(
        receivedAt: Int64, reason: String, detail: String?, messageID: String?, raw: Data, source: String? = nil
    ) {
        self.receivedAt = receivedAt
        self.reason = reason
        self.detail = detail
        self.messageID = messageID
        self.raw = raw
        self.source = source
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
    /// The request line as text (bytes that are not UTF-8 replaced by U+FFFD); `request` is exact.
    package var arguments: String
    /// `allowed: ok`, `allowed: not_found`, `refused: not permitted`...
    package var outcome: String
    /// The request line's exact bytes (invalid UTF-8 included); nil in rows written before it was kept.
    package var request: Data?
    /// The row's link in the audit trail's hash chain (`HashChain`), set when it is inserted.
    package var chainHash: String?

    enum CodingKeys: String, CodingKey {
        case id, at, uid, user, command, arguments, outcome, request
        case chainHash = "chain_hash"
    }

    package init(
        at: Int64, uid: Int64?, user: String?, command: String, arguments: String, outcome: String, request: Data?
    ) {
        self.at = at
        self.uid = uid
        self.user = user
        self.command = command
        self.arguments = arguments
        self.outcome = outcome
        self.request = request
    }
}

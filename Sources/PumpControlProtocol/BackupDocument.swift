/// `backup --json`: the copy of the store that was written, checked and kept.
package struct BackupDocument: Codable, Sendable, Hashable {
    /// The backup file's absolute path.
    package var path: String
    /// When the copy was taken, UTC with milliseconds (also in the file's name).
    package var takenAt: String
    /// The file's size in bytes.
    package var bytes: Int
    /// `PRAGMA integrity_check` on the copy: `ok` (a copy that fails it is not kept).
    package var integrity: String
    /// Messages in the copy.
    package var messages: Int
    /// Eligibility records in the copy.
    package var records: Int
    /// Audit rows in the copy (this request's own row is written after it, so not in it).
    package var audit: Int
    /// Rejected lines in the copy.
    package var rejected: Int
    /// Older backups removed to keep the configured count, oldest first.
    package var pruned: [String]

    enum CodingKeys: String, CodingKey {
        case path
        case takenAt = "taken_at"
        case bytes, integrity, messages, records, audit, rejected, pruned
    }

    package init(
        path: String, takenAt: String, bytes: Int, integrity: String, messages: Int, records: Int, audit: Int,
        rejected: Int, pruned: [String]
    ) {
        self.path = path
        self.takenAt = takenAt
        self.bytes = bytes
        self.integrity = integrity
        self.messages = messages
        self.records = records
        self.audit = audit
        self.rejected = rejected
        self.pruned = pruned
    }
}

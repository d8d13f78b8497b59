import Foundation
import GRDB

/// What a copy of the store holds, read back from the copy itself.
package struct StoreCopyCheck: Sendable, Hashable {
    /// `PRAGMA integrity_check`'s first finding: `ok` for a sound copy.
    package var integrity: String
    /// Rows of `message`.
    package var messages: Int
    /// Rows of `record`.
    package var records: Int
    /// Rows of `audit`.
    package var audit: Int
    /// Rows of `quarantine`.
    package var rejected: Int
}

extension PumpStore {
    /// Writes a consistent copy of the store to `path` (which must not exist) with `VACUUM INTO`,
    /// on a reader's snapshot: the writer keeps committing meanwhile. The copy is then opened on
    /// its own, switched to a rollback journal (one self-contained file, no `-wal` beside it), and
    /// checked: its integrity and its row counts are returned. The file is not synced (the caller
    /// syncs it before renaming it into place); on failure what was written may remain at `path`,
    /// for the caller to remove.
    package func copy(to path: String) async throws(StoreError) -> StoreCopyCheck {
        do {
            try await pool.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
        } catch {
            throw StoreError.from(error, path: path)
        }
        return try Self.check(copy: path)
    }

    /// Opens the copy at `path` alone, makes it a rollback-journal file and reads its integrity and
    /// counts.
    package static func check(copy path: String) throws(StoreError) -> StoreCopyCheck {
        do {
            var config = Configuration()
            config.label = "pumpmond-backup-check"
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            return try queue.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check(1)").first ?? "no answer"
                func count(_ table: String) throws -> Int {
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
                }
                return StoreCopyCheck(
                    integrity: integrity, messages: try count("message"), records: try count("record"),
                    audit: try count("audit"), rejected: try count("quarantine"))
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }
}

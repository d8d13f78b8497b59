import Foundation
import GRDB
import Synchronization

/// The daemon's SQLite store: one `DatabasePool` (WAL, `synchronous=FULL`) opened once, frozen SQL
/// migrations run at open, every write one transaction. Readers (control queries) run concurrently
/// with the single writer.
package struct PumpStore: Sendable {
    /// The database file's path.
    package let path: String
    let pool: DatabasePool
    let checkpointer: Checkpointer

    /// The file name of the store inside the state directory.
    package static let fileName = "pumpmond.sqlite"

    /// Opens (creating if needed) the store in `directory` and migrates it.
    package init(directory: String) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(path: directory, reason: "\(error.localizedDescription)")
        }
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        try self.init(path: path)
    }

    /// Opens (creating if needed) the store file at `path` and migrates it.
    package init(path: String) throws(StoreError) {
        self.path = path
        var config = Configuration()
        config.label = "pumpmond"
        config.busyMode = .timeout(10)
        config.maximumReaderCount = 4
        config.prepareDatabase { db in
            // A commit must survive a power loss, not only a crash of the daemon: that is the promise.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Checkpoints run on the checkpointer's own connection, off the writer's commits (see
            // `Checkpointer`), not inside the commit that crosses SQLite's automatic threshold.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Schema.migrator().migrate(pool)
            checkpointer = try Checkpointer(path: path)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Runs `body` in one write transaction (rolled back when it throws), mapping failures to
    /// `StoreError`.
    package func write<T: Sendable>(
        _ body: @Sendable @escaping (StoreTransaction) throws -> T
    ) async throws(StoreError) -> T {
        do {
            return try await pool.write { db in try body(StoreTransaction(db)) }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Runs `body` on a read-only snapshot.
    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Lets the checkpointer copy what was just committed; when it is the writer's turn, checkpoints
    /// on the writer's connection instead, and leaves the next commit alone to start the WAL over
    /// (a checkpoint running beside it would keep it from doing so).
    package func afterIngestCommit() async {
        if checkpointer.takeWritersTurn() {
            _ = try? await pool.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            return
        }
        checkpointer.request()
    }

    /// Closes the store; later calls fail.
    package func close() throws(StoreError) {
        do {
            try checkpointer.close()
            try pool.close()
        } catch {
            throw StoreError.from(error, path: path)
        }
    }
}

/// Copies committed WAL frames into the database file on a connection of its own, so that the
/// ingest writer's commits do not wait for checkpoints (SQLite's automatic checkpoint runs inside
/// the commit that crosses its threshold, and stalls every reply of that batch). A passive
/// checkpoint never blocks the writer nor readers.
///
/// The WAL only starts over when a write transaction begins with every frame copied, which a
/// checkpoint running beside a busy writer never achieves: once the WAL holds `writerTurnFrames`
/// pages, the background pauses and the writer checkpoints once itself, between two commits (only
/// the last commit's pages are left to copy by then), and the WAL starts over.
final class Checkpointer: Sendable {
    /// The WAL size, in pages, at which the writer takes its turn.
    static let writerTurnFrames = 4000

    private let queue: DatabaseQueue
    private let running = Atomic<Bool>(false)
    private let writersTurn = Atomic<Bool>(false)

    init(path: String) throws {
        var config = Configuration()
        config.label = "pumpmond-checkpoint"
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        queue = try DatabaseQueue(path: path, configuration: config)
    }

    /// Starts a passive checkpoint unless one is running or it is the writer's turn.
    func request() {
        guard !writersTurn.load(ordering: .acquiring),
            running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        queue.asyncWriteWithoutTransaction { db in
            // A failure (closed store, I/O error) also hands the turn to the writer, whose own
            // checkpoint then reports nothing either: the next commit tries again.
            let frames = (try? db.checkpoint(.passive).walFrameCount) ?? Self.writerTurnFrames
            if frames >= Self.writerTurnFrames { self.writersTurn.store(true, ordering: .releasing) }
            self.running.store(false, ordering: .releasing)
        }
    }

    /// Whether the writer should checkpoint now (and the background resume afterwards).
    func takeWritersTurn() -> Bool {
        writersTurn.exchange(false, ordering: .acquiringAndReleasing)
    }

    func close() throws {
        try queue.close()
    }
}

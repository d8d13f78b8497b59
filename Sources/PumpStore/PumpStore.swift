import Foundation
import GRDB
import Glibc
import Synchronization

/// The daemon's SQLite store: one `DatabasePool` (WAL, `synchronous=FULL`) opened once, frozen SQL
/// migrations run at open, every write one transaction. Readers (control queries) run concurrently
/// with the single writer.
package struct PumpStore: Sendable {
    /// The database file's path.
    package let path: String
    let pool: DatabasePool
    let checkpointer: Checkpointer
    let fileWatch: StoreFileWatch
    /// The store's random id, drawn when it was created (`Schema.v2StoreIdentity`).
    package let identity: String

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

    /// Opens (creating if needed) the store file at `path` and migrates it. The file and its WAL and
    /// shared-memory files are made readable by the daemon's user only (0600), whatever the umask.
    ///
    /// Before migrating, `checkIntegrity` runs SQLite's `quick_check` and refuses a damaged store
    /// (`corrupt`), and `expectedIdentity` refuses a store whose identity differs or that has none
    /// (`identityMismatch`), leaving such a store unchanged.
    package init(
        path: String, expectedIdentity: String? = nil, checkIntegrity: Bool = false
    ) throws(StoreError) {
        self.path = path
        if let kind = StoreError.nonFileKind(path) { throw .notAFile(path: path, kind: kind) }
        try Self.restrictModes(path)
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
            if checkIntegrity {
                let findings = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(1)") }
                if let first = findings.first, first != "ok" { throw StoreError.corrupt(path: path, detail: first) }
            }
            if let expectedIdentity {
                let found = try pool.read(Self.identity)
                if found != expectedIdentity {
                    throw StoreError.identityMismatch(path: path, found: found, expected: expectedIdentity)
                }
            }
            try Schema.migrator().migrate(pool)
            try pool.write { db in try Self.fillMissingReasons(db) }
            guard let id = try pool.read(Self.identity) else {
                throw StoreError.failed(reason: "the store at \(path) lost its store id while being opened")
            }
            identity = id
            checkpointer = try Checkpointer(path: path)
            // The WAL and shared-memory files exist now (WAL mode). chmod by path: opening and closing
            // a descriptor of the database file here would drop the connections' locks on it.
            for suffix in ["-wal", "-shm"] { _ = chmod(path + suffix, 0o600) }
            fileWatch = StoreFileWatch(path: path)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// The store's id (`store_identity`), nil when the store has none yet.
    private static func identity(_ db: Database) throws -> String? {
        guard try db.tableExists("store_identity") else { return nil }
        return try String.fetchOne(db, sql: "SELECT id FROM store_identity")
    }

    /// Creates the database file 0600 when missing (SQLite gives its WAL and shared-memory files the
    /// database file's mode) and takes group and other access away from the store's files.
    private static func restrictModes(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 {
            let reason = errno
            if reason == EACCES || reason == EROFS || reason == EPERM { throw .readOnly(path: path) }
            throw .cannotOpen(path: path, reason: String(cString: strerror(reason)))
        }
        // Closing a descriptor drops the process's POSIX locks on the file, SQLite's included: this
        // runs only while no connection is open (before the pool, and before any transaction).
        defer { _ = Glibc.close(fd) }
        _ = fchmod(fd, 0o600)
        for suffix in ["-wal", "-shm"] { _ = chmod(path + suffix, 0o600) }
    }

    /// Throws `fileReplaced` once the store file was removed or replaced since it was opened (and
    /// from then on): a write would go to a file nobody will ever open again.
    package func checkFileInPlace() throws(StoreError) {
        try fileWatch.check()
    }

    /// Runs `body` in one write transaction (rolled back when it throws), mapping failures to
    /// `StoreError`.
    package func write<T: Sendable>(
        _ body: @Sendable @escaping (StoreTransaction) throws -> T
    ) async throws(StoreError) -> T {
        try fileWatch.check()
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

/// The device and inode of the store file when it was opened, compared with what its path names
/// now. Once they differ, the finding is kept: the connections still write to the old inode.
final class StoreFileWatch: Sendable {
    private let path: String
    private let opened: (dev: UInt64, ino: UInt64)?
    private let lost = Mutex<StoreError?>(nil)

    init(path: String) {
        self.path = path
        opened = Self.identity(path)
    }

    func check() throws(StoreError) {
        if let e = lost.withLock({ $0 }) { throw e }
        guard let opened else { return }
        let what: String
        switch Self.identity(path) {
        case nil: what = "was removed"
        case let now? where now != opened: what = "was replaced by another file"
        default: return
        }
        let e = StoreError.fileReplaced(path: path, what: what)
        lost.withLock { $0 = $0 ?? e }
        throw e
    }

    private static func identity(_ path: String) -> (dev: UInt64, ino: UInt64)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
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

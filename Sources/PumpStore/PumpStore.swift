import Foundation
import GRDB
import PumpTelemetry

/// The daemon's SQLite store: one `DatabasePool` (WAL, `synchronous=FULL`) opened once, frozen SQL
/// migrations run at open, every write one transaction. Readers (control queries) run concurrently
/// with the single writer.
public struct PumpStore: Sendable {
    /// The database file's path.
    public let path: String
    let pool: DatabasePool

    /// The file name of the store inside the state directory.
    public static let fileName = "pumpmond.sqlite"

    /// Opens (creating if needed) the store in `directory` and migrates it.
    public init(directory: String) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(path: directory, reason: "\(error.localizedDescription)")
        }
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        try self.init(path: path)
    }

    /// Opens (creating if needed) the store file at `path` and migrates it.
    public init(path: String) throws(StoreError) {
        self.path = path
        var config = Configuration()
        config.label = "pumpmond"
        config.busyMode = .timeout(10)
        config.maximumReaderCount = 4
        config.prepareDatabase { db in
            // A commit must survive a power loss, not only a crash of the daemon: that is the promise.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Schema.migrator().migrate(pool)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Runs `body` in one write transaction, mapping failures to `StoreError`.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.write(body)
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

    /// Closes the store; later calls fail.
    public func close() throws(StoreError) {
        do { try pool.close() } catch { throw StoreError.from(error, path: path) }
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
        var buffer: [UInt8] = []
        buffer.reserveCapacity(512)
        content.appendCanonical(to: &buffer)
        return of(buffer)
    }
}

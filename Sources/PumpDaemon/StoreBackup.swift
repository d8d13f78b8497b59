import Foundation
import NIOPosix
import PumpControlProtocol
import PumpStore
import PumpTelemetry
import Synchronization

/// `pumpctl backup`: an online copy of the store, taken on a reader's snapshot while ingest goes
/// on, written under a temporary name, checked (`PRAGMA integrity_check`), synced, renamed into the
/// backup directory as `pumpmond-<UTC time>.sqlite`, then the oldest copies beyond ``keep`` removed.
/// One backup at a time; a failed one leaves no file behind.
final class StoreBackup: Sendable {
    let store: PumpStore
    /// Where the copies go (made 0700 when missing).
    let directory: String
    /// How many copies are kept; older ones are removed after each successful backup.
    let keep: Int
    private let running = Mutex(false)

    /// Backup files are `pumpmond-20261130T143501.123Z.sqlite`: their names sort by time.
    static let prefix = "pumpmond-"
    static let suffix = ".sqlite"
    /// A copy being written: `.pumpmond-<time>.sqlite.partial` (hidden, never pruned as a backup).
    static let partialSuffix = ".partial"

    init(store: PumpStore, directory: String, keep: Int) {
        self.store = store
        self.directory = directory
        self.keep = keep
    }

    /// Takes one backup at `now` and returns what was kept.
    func take(now: Int64) async throws(BackupError) -> BackupDocument {
        let started = running.withLock { busy in
            if busy { return false }
            busy = true
            return true
        }
        guard started else { throw .alreadyRunning }
        defer { running.withLock { $0 = false } }
        try makeDirectory()
        removePartials()
        let stamp = Timestamp.format(micros: now)
        let name = Self.prefix + stamp.filter { $0 != "-" && $0 != ":" } + Self.suffix
        let final = (directory as NSString).appendingPathComponent(name)
        let partial = (directory as NSString).appendingPathComponent("." + name + Self.partialSuffix)
        do throws(BackupError) {
            let check: StoreCopyCheck
            do {
                check = try await store.copy(to: partial)
            } catch {
                throw BackupError.copy(directory: directory, error)
            }
            guard check.integrity == "ok" else { throw BackupError.check(path: partial, finding: check.integrity) }
            try await Self.blocking { () throws(BackupError) in
                try Self.sync(file: partial)
                guard rename(partial, final) == 0 else {
                    throw BackupError.io(path: final, action: "rename the checked copy to", reason: Self.errno())
                }
                try Self.sync(file: self.directory)
            }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: final)[.size] as? Int) ?? 0
            return BackupDocument(
                path: final, takenAt: stamp, bytes: bytes, integrity: check.integrity, messages: check.messages,
                records: check.records, audit: check.audit, rejected: check.rejected, pruned: prune())
        } catch {
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(partial + suffix) }
            throw error
        }
    }

    private func makeDirectory() throws(BackupError) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .io(path: directory, action: "create the backup directory", reason: error.localizedDescription)
        }
    }

    /// Partial copies an earlier run left (the daemon was killed mid-backup).
    private func removePartials() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix("." + Self.prefix) && name.contains(Self.suffix + Self.partialSuffix) {
            unlink((directory as NSString).appendingPathComponent(name))
        }
    }

    /// Removes the oldest backups beyond `keep`; returns their paths, oldest first.
    private func prune() -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix(Self.prefix) && $0.hasSuffix(Self.suffix) }
            .sorted()
        var removed: [String] = []
        for name in names.dropLast(keep) {
            let path = (directory as NSString).appendingPathComponent(name)
            if unlink(path) == 0 { removed.append(path) }
        }
        return removed
    }

    private static func sync(file path: String) throws(BackupError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, action: "open for fsync", reason: errno()) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(path: path, action: "fsync", reason: errno()) }
    }

    private static func errno() -> String { String(cString: strerror(Glibc.errno)) }

    /// Runs blocking file calls (fsync of a large file) off the event loops and the store's threads.
    private static func blocking(_ body: @escaping @Sendable () throws(BackupError) -> Void) async throws(BackupError) {
        do {
            try await NIOThreadPool.singleton.runIfActive { try body() }
        } catch let error as BackupError {
            throw error
        } catch {
            throw .io(path: "", action: "run the backup's file calls", reason: "\(error)")
        }
    }
}

/// Why a backup was not made; nothing partial is left behind.
enum BackupError: Error, CustomStringConvertible {
    /// Another backup is being taken.
    case alreadyRunning
    /// The copy could not be written (full, read-only, ...).
    case copy(directory: String, StoreError)
    /// The copy was written but fails SQLite's integrity check.
    case check(path: String, finding: String)
    /// A file call failed.
    case io(path: String, action: String, reason: String)

    var description: String {
        switch self {
        case .alreadyRunning:
            "a backup is already being taken: wait for it to finish, then try again"
        case .copy(let directory, .full):
            "no backup was made: the backup directory \(directory) is on a full filesystem; free space there "
                + "(or keep fewer copies: --backup-keep) and try again; the store is unharmed"
        case .copy(let directory, .readOnly), .copy(let directory, .cannotOpen):
            "no backup was made: the backup directory \(directory) cannot be written; check its permissions "
                + "and mount; the store is unharmed"
        case .copy(let directory, let error):
            "no backup was made in \(directory): \(error.description)"
        case .check(let path, let finding):
            "no backup was made: the copy \(path) failed SQLite's integrity check (\(finding)) and was removed; "
                + "run pumpctl verify and try again"
        case .io(let path, let action, let reason):
            "no backup was made: cannot \(action) \(path): \(reason)"
        }
    }
}

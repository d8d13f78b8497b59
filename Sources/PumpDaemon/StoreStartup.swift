import Foundation
import Logging
import PumpStore

/// Opens the store at start, refusing one that is not the store this state directory had.
///
/// The store's random id lives in the store (`store_identity`) and in `pumpmond.store-id` beside
/// it. Neither file: a new install, both are created. A store without the id file: a store from
/// before store ids, adopted (its id is written). The id file with the store missing, empty, without
/// an id or with another id: refused (`DaemonError.storeNotOurs`, exit 71), unless the operator
/// asked for a new store with `--initialize-store`; what was found is then set aside, renamed, never
/// deleted. A store that fails SQLite's `quick_check` is refused too.
enum StoreStartup {
    static let identityFileName = "pumpmond.store-id"

    static func open(directory: String, initialize: Bool, logger: Logger) throws(DaemonError) -> PumpStore {
        let storePath = (directory as NSString).appendingPathComponent(PumpStore.fileName)
        let identityPath = (directory as NSString).appendingPathComponent(identityFileName)
        let expected = try readIdentity(identityPath)

        var refused: StoreFinding?
        var store: PumpStore?
        if expected != nil, let finding = fileFinding(storePath) {
            refused = finding
        } else {
            do {
                store = try PumpStore(path: storePath, expectedIdentity: expected, checkIntegrity: true)
            } catch .identityMismatch(_, let found, let expected) {
                refused = found.map { .otherIdentity(found: $0, expected: expected) } ?? .noIdentity(expected: expected)
            } catch {
                throw .store(error)
            }
        }
        if let refused {
            guard initialize else {
                throw .storeNotOurs(store: storePath, identityFile: identityPath, finding: refused)
            }
            let setAside = try setAside(storePath)
            logger.warning(
                "--initialize-store: starting a new, empty store",
                metadata: [
                    "store": "\(storePath)", "found": "\(refused)",
                    "set_aside": "\(setAside.isEmpty ? "nothing" : setAside.joined(separator: ", "))",
                ])
            do {
                store = try PumpStore(path: storePath, checkIntegrity: true)
            } catch {
                throw .store(error)
            }
        } else if initialize {
            logger.warning(
                "--initialize-store ignored: the store is the one this state directory had; remove the flag",
                metadata: ["store": "\(storePath)"])
        }
        guard let store else { throw .store(.failed(reason: "the store at \(storePath) was not opened")) }
        if expected == nil || refused != nil {
            try writeIdentity(store.identity, to: identityPath)
            logger.notice(
                expected == nil && refused == nil ? "Store id recorded" : "New store id recorded",
                metadata: ["store": "\(storePath)", "store_id": "\(store.identity)", "id_file": "\(identityPath)"])
        }
        return store
    }

    /// Missing or empty: what a store path holds when it cannot be the expected store at all.
    private static func fileFinding(_ path: String) -> StoreFinding? {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        return st.st_size == 0 ? .empty : nil
    }

    private static func readIdentity(_ path: String) throws(DaemonError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .stateDirectory(path: path, reason: "the store id file cannot be read; check its permissions")
        }
        let id = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard id.count == 32, id.allSatisfy(\.isHexDigit) else {
            throw .stateDirectory(
                path: path,
                reason: "the store id file does not hold a store id ('\(id.prefix(40))'); "
                    + "restore it from the backup with the store, or start once with --initialize-store")
        }
        return id
    }

    /// Writes the id file whole or not at all (a temporary file renamed over it), mode 0600.
    private static func writeIdentity(_ id: String, to path: String) throws(DaemonError) {
        let temporary = path + ".new"
        let fd = Foundation.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .stateDirectory(
                path: path, reason: "cannot write the store id file: \(String(cString: strerror(errno)))")
        }
        let bytes = Array((id + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            throw .stateDirectory(
                path: path, reason: "cannot write the store id file: \(String(cString: strerror(errno)))")
        }
    }

    /// Renames the store's files (database, WAL, shared memory) out of the way; returns the new names.
    private static func setAside(_ storePath: String) throws(DaemonError) -> [String] {
        let stamp = Int(Date().timeIntervalSince1970)
        var moved: [String] = []
        for suffix in ["", "-wal", "-shm"] {
            let from = storePath + suffix
            guard FileManager.default.fileExists(atPath: from) else { continue }
            let to = "\(storePath).set-aside-\(stamp)\(suffix)"
            guard rename(from, to) == 0 else {
                throw .stateDirectory(
                    path: from, reason: "cannot set the store aside as \(to): \(String(cString: strerror(errno)))")
            }
            moved.append(to)
        }
        return moved
    }
}

/// What a start found instead of the store its state directory records.
package enum StoreFinding: Sendable, Equatable, CustomStringConvertible {
    case missing
    case empty
    case noIdentity(expected: String)
    case otherIdentity(found: String, expected: String)

    package var description: String {
        switch self {
        case .missing: "is missing"
        case .empty: "is empty (0 bytes)"
        case .noIdentity(let expected): "has no store id (expected \(expected))"
        case .otherIdentity(let found, let expected): "has store id \(found), not \(expected)"
        }
    }
}

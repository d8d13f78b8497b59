import Foundation
import GRDB

/// Why the store could not do what was asked, in words an operator can act on.
package enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The disk or filesystem holding the store is full.
    case full(path: String)
    /// The store file or its directory cannot be written.
    case readOnly(path: String)
    /// The store directory cannot be created or opened.
    case cannotOpen(path: String, reason: String)
    /// The store path names something other than a file (`kind`: "a directory", "a socket", ...).
    case notAFile(path: String, kind: String)
    /// SQLite's integrity check (or a read) found the store damaged; `detail` is SQLite's first finding.
    case corrupt(path: String, detail: String)
    /// The store file was removed or replaced while the daemon had it open.
    case fileReplaced(path: String, what: String)
    /// The store does not carry the identity expected of it: `found` is its id, nil when it has none.
    case identityMismatch(path: String, found: String?, expected: String)
    /// Any other SQLite failure.
    case failed(reason: String)

    /// What to do about a damaged or lost store (`systemd/README.md` spells the procedure out).
    package static let restoreProcedure =
        "stop pumpmond, put the latest backup of the store in place (systemd/README.md, 'Restoring the store'), start it again"

    package var description: String {
        switch self {
        case .full(let path):
            "the store at \(path) is on a full filesystem: free space there, messages are refused until then"
        case .readOnly(let path):
            "the store at \(path) is read-only: check the file's and directory's permissions and mount"
        case .cannotOpen(let path, let reason):
            "cannot open the store at \(path): \(reason)"
        case .notAFile(let path, let kind):
            "\(path) is \(kind), not a SQLite file: move it out of the way, or give pumpmond another --state-dir"
        case .corrupt(let path, let detail):
            "the store at \(path) is damaged (SQLite: \(detail)): \(Self.restoreProcedure)"
        case .fileReplaced(let path, let what):
            "the store file \(path) \(what) while pumpmond had it open: messages are refused from now on; "
                + Self.restoreProcedure
        case .identityMismatch(let path, let found?, let expected):
            "the store at \(path) has store id \(found), not \(expected)"
        case .identityMismatch(let path, nil, let expected):
            "the store at \(path) has no store id (expected \(expected))"
        case .failed(let reason):
            "the store failed: \(reason)"
        }
    }

    /// Maps any error thrown by GRDB to a store error.
    static func from(_ error: any Error, path: String) -> StoreError {
        if let e = error as? StoreError { return e }
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_FULL: return .full(path: path)
            case .SQLITE_CANTOPEN:
                if let kind = nonFileKind(path) { return .notAFile(path: path, kind: kind) }
                return .readOnly(path: path)
            case .SQLITE_READONLY, .SQLITE_PERM: return .readOnly(path: path)
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(path: path, detail: db.message ?? "\(db.resultCode)")
            default: break
            }
            switch db.extendedResultCode.primaryResultCode {
            case .SQLITE_FULL: return .full(path: path)
            case .SQLITE_READONLY: return .readOnly(path: path)
            default: return .failed(reason: db.description)
            }
        }
        return .failed(reason: String(describing: error))
    }

    /// What the path names when it exists and is not a regular file, nil otherwise.
    static func nonFileKind(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFSOCK: return "a socket"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR, S_IFBLK: return "a device"
        default: return "a special file"
        }
    }
}

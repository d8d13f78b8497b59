import GRDB

/// Why the store could not do what was asked, in words an operator can act on.
package enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The disk or filesystem holding the store is full.
    case full(path: String)
    /// The store file or its directory cannot be written.
    case readOnly(path: String)
    /// The store directory cannot be created or opened.
    case cannotOpen(path: String, reason: String)
    /// Any other SQLite failure.
    case failed(reason: String)

    package var description: String {
        switch self {
        case .full(let path):
            "the store at \(path) is on a full filesystem: free space there, messages are refused until then"
        case .readOnly(let path):
            "the store at \(path) is read-only: check the file's and directory's permissions and mount"
        case .cannotOpen(let path, let reason):
            "cannot open the store at \(path): \(reason)"
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
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: return .readOnly(path: path)
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
}

import PumpStore
import PumpTelemetry

extension StoreError {
    /// The protocol's `unavailable` reason for this failure.
    package var unavailableReason: UnavailableReason {
        switch self {
        case .full: .storageFull
        case .readOnly: .storageReadOnly
        case .cannotOpen, .notAFile, .corrupt, .fileReplaced, .identityMismatch, .failed: .storageError
        }
    }

    /// Whether the failure may lie in some rows only (a damaged page, an unreadable row), so that
    /// the lines of other pumps may still commit; not for failures of the whole store.
    var mayBeConfinedToRows: Bool {
        switch self {
        case .corrupt, .failed: true
        case .full, .readOnly, .cannotOpen, .notAFile, .fileReplaced, .identityMismatch: false
        }
    }
}

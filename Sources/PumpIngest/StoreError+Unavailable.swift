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
}

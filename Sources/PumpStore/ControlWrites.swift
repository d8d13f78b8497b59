import Foundation

/// The audit trail of the control socket.
extension PumpStore {
    /// Appends one row to the audit trail; committed before the caller answers the request.
    package func appendAudit(
        at: Int64, uid: UInt32?, user: String?, command: String, request: [UInt8], outcome: String
    ) async throws(StoreError) {
        let arguments = String(decoding: request, as: UTF8.self)
        try await write { tx in
            try tx.insert(
                AuditRow(
                    at: at, uid: uid.map { Int64($0) }, user: user, command: command, arguments: arguments,
                    outcome: outcome, request: Data(request)))
        }
    }
}

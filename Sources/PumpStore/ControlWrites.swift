/// The audit trail of the control socket.
extension PumpStore {
    /// Appends one row to the audit trail; committed before the caller answers the request.
    package func appendAudit(
        at: Int64, uid: UInt32?, user: String?, command: String, arguments: String, outcome: String
    ) async throws(StoreError) {
        try await write { tx in
            try tx.insert(
                AuditRow(
                    at: at, uid: uid.map { Int64($0) }, user: user, command: command, arguments: arguments,
                    outcome: outcome))
        }
    }
}

import PumpControlProtocol
import PumpStore

extension ControlHandler {
    /// `record ID`: the record with its details (patient reference, the pump, the evidence
    /// messages); `not_found` (66) for an id no record has.
    func record(_ id: String?) async throws -> EligibilityRecordDocument {
        guard let id else { throw ControlFailure(code: .badUsage, message: "a record id is required") }
        guard let record = try await store.record(id: id) else {
            throw ControlFailure(
                code: .notFound,
                message:
                    "no eligibility record has the id \(id): ids look like R-000017 (pumpctl eligibility lists them)")
        }
        return record
    }
}

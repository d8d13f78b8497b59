import GRDB

extension PumpStore {
    /// Pumps by state word (`/metrics`' `pumpmond_pumps`).
    package func pumpCountsByState() async throws(StoreError) -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT state, count(*) FROM pump GROUP BY state")
            while let row = try rows.next() {
                let state: String? = row[0]
                counts[state ?? "unknown", default: 0] += row[1] as Int
            }
            return counts
        }
    }
}

/// `pumpctl verify`: what walking the hash chains of the eligibility records and of the audit
/// trail found (the daemon walks both on one snapshot of the store).
///
/// Wire example: `{"intact":true,"chains":[{"table":"record","rows_checked":12,"head_id":12,
/// "head_hash":"3fa2…","broken":null},{"table":"audit",...}]}`.
package struct VerifyDocument: Codable, Sendable, Hashable {
    /// Whether no chain is broken.
    package var intact: Bool
    /// One per chain: `record`, then `audit`.
    package var chains: [ChainDocument]

    package init(chains: [ChainDocument]) {
        self.intact = chains.allSatisfy { $0.broken == nil }
        self.chains = chains
    }
}

/// One table's chain.
package struct ChainDocument: Codable, Sendable, Hashable {
    /// `record` or `audit`.
    package var table: String
    /// Rows found intact, in id order (those before the break, when there is one).
    package var rowsChecked: Int
    /// The last intact row's id (null for an empty table).
    package var headID: Int64?
    /// The last intact row's chain hash, 64 hex digits: compare it with the heads in the journal.
    package var headHash: String?
    /// The first row that breaks the chain, null when none does.
    package var broken: ChainBreakDocument?

    enum CodingKeys: String, CodingKey {
        case table
        case rowsChecked = "rows_checked"
        case headID = "head_id"
        case headHash = "head_hash"
        case broken
    }

    package init(table: String, rowsChecked: Int, headID: Int64?, headHash: String?, broken: ChainBreakDocument?) {
        self.table = table
        self.rowsChecked = rowsChecked
        self.headID = headID
        self.headHash = headHash
        self.broken = broken
    }
}

/// The first row that breaks a chain.
package struct ChainBreakDocument: Codable, Sendable, Hashable {
    /// The row's id in its table.
    package var rowID: Int64
    /// What does not match.
    package var reason: String

    enum CodingKeys: String, CodingKey {
        case rowID = "row_id"
        case reason
    }

    package init(rowID: Int64, reason: String) {
        self.rowID = rowID
        self.reason = reason
    }
}

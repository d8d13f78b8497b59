import Foundation
import GRDB
import PumpControlProtocol

/// The hash chains that make `record` and `audit` tamper-evident (the way journald's sealing and
/// certificate-transparency logs are): each row's `chain_hash` is the SHA-256 of the previous row's
/// `chain_hash` (32 zero bytes before the first row) followed by the row's canonical content, written
/// in the transaction that inserts the row. A row changed, inserted or removed in the middle breaks
/// the chain at that row or the next one; a store rewritten from the changed row on is caught by the
/// chain heads the daemon logs to the journal.
///
/// The canonical content is the row's columns in `columns` order, each as stored by SQLite:
/// NULL `0x00`; INTEGER `0x01` and 8 bytes big-endian two's complement; REAL `0x02` and the 8 bytes
/// of the IEEE 754 double, big-endian; TEXT `0x03`, the byte count as 8 bytes big-endian, then the
/// UTF-8 bytes; BLOB `0x04`, the byte count likewise, then the bytes. `chain_hash` is stored as 64
/// lowercase hex digits. docs/hash-chains.md has a Python script that recomputes both chains.
///
/// Frozen: changing a column list or the encoding breaks every existing chain.
package enum HashChain: String, Sendable, CaseIterable {
    case record
    case audit

    /// The table.
    package var table: String { rawValue }

    /// The columns of the canonical content, in order (every column but `chain_hash`).
    package var columns: [String] {
        switch self {
        case .record:
            [
                "id", "serial", "type", "trigger", "request_reason", "determination", "clause",
                "replacement_criterion", "indication_status", "indication_clause", "missing", "supplies_covered",
                "evidence", "note", "therapy_id", "created_at",
            ]
        case .audit: ["id", "at", "uid", "user", "command", "arguments", "outcome", "request"]
        }
    }

    /// What comes before the first row.
    static let genesis = [UInt8](repeating: 0, count: 32)

    /// The chain hash (hex) of a row with `values` (in `columns` order) after a row whose chain
    /// hash is `previous` (nil before the first row).
    static func link(previous: String?, values: [DatabaseValue]) -> String {
        var content = previous.flatMap(bytes(hex:)) ?? genesis
        for value in values { append(value, to: &content) }
        return SHA256.hex(of: content)
    }

    /// The row's values in `columns` order.
    func values(of row: [String: DatabaseValue]) -> [DatabaseValue] {
        columns.map { row[$0] ?? .null }
    }

    private static func append(_ value: DatabaseValue, to content: inout [UInt8]) {
        func bigEndian(_ v: UInt64) {
            for shift in stride(from: 56, through: 0, by: -8) { content.append(UInt8(truncatingIfNeeded: v >> shift)) }
        }
        switch value.storage {
        case .null:
            content.append(0)
        case .int64(let v):
            content.append(1)
            bigEndian(UInt64(bitPattern: v))
        case .double(let v):
            content.append(2)
            bigEndian(v.bitPattern)
        case .string(let s):
            // What SQLite stores of the text: GRDB binds a string as a C string, so a NUL ends it
            // (and reads it back likewise); the bytes hashed are the bytes stored.
            let stored = s.utf8.prefix { $0 != 0 }
            content.append(3)
            bigEndian(UInt64(stored.count))
            content.append(contentsOf: stored)
        case .blob(let d):
            content.append(4)
            bigEndian(UInt64(d.count))
            content.append(contentsOf: d)
        }
    }

    /// The 32 bytes of a stored hash, nil when it is not 64 hex digits.
    static func bytes(hex: String) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var i = 0
        while i < 64 {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    // MARK: In a transaction

    /// The last row's id and chain hash, nil for an empty table.
    func head(_ db: Database) throws -> (id: Int64, hash: String?)? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, chain_hash FROM \(table) ORDER BY id DESC LIMIT 1"))
        else { return nil }
        return (row["id"], row["chain_hash"])
    }

    /// Walks the chain in id order and reports the first row that breaks it.
    func verify(_ db: Database) throws -> ChainReport {
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT \(columns.joined(separator: ", ")), chain_hash FROM \(table) ORDER BY id")
        var report = ChainReport(chain: self, rows: 0, headID: nil, headHash: nil, broken: nil)
        let count = columns.count
        var values = [DatabaseValue](repeating: .null, count: count)
        while let row = try cursor.next() {
            for i in 0..<count { values[i] = row[i] }
            let id: Int64 = row[0]
            let stored: String? = row[count]
            let expected = Self.link(previous: report.headHash, values: values)
            if stored != expected {
                report.broken = ChainBreak(
                    rowID: id,
                    reason: stored == nil
                        ? "the row has no chain hash (inserted outside the daemon)"
                        : "the row's chain hash does not match its content and the row before it "
                            + "(the row was changed or inserted, or the row before it deleted)")
                return report
            }
            report.rows += 1
            report.headID = id
            report.headHash = stored
        }
        return report
    }

    /// Computes `chain_hash` for every row, in id order (the migration that adds the column), reading
    /// the rows 10,000 at a time so that memory stays bounded on a large table.
    func fill(_ db: Database) throws {
        let select = try db.makeStatement(
            sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table) WHERE id > ? ORDER BY id LIMIT 10000")
        let update = try db.makeStatement(sql: "UPDATE \(table) SET chain_hash = ? WHERE id = ?")
        var previous: String?
        var after: Int64 = .min
        while true {
            let rows = try Row.fetchAll(select, arguments: [after])
            guard let last = rows.last else { return }
            for row in rows {
                let values = (0..<columns.count).map { row[$0] as DatabaseValue }
                let hash = Self.link(previous: previous, values: values)
                try update.execute(arguments: [hash, row[0] as DatabaseValue])
                previous = hash
            }
            after = last[0]
        }
    }
}

/// What walking one chain found.
package struct ChainReport: Sendable, Hashable {
    package var chain: HashChain
    /// Rows checked and found intact (those before the break, when there is one).
    package var rows: Int
    /// The last intact row's id and chain hash.
    package var headID: Int64?
    package var headHash: String?
    /// The first row that breaks the chain.
    package var broken: ChainBreak?
}

extension ChainReport {
    package var document: ChainDocument {
        ChainDocument(
            table: chain.table, rowsChecked: rows, headID: headID, headHash: headHash,
            broken: broken.map { ChainBreakDocument(rowID: $0.rowID, reason: $0.reason) })
    }
}

/// The first row that breaks a chain, and how.
package struct ChainBreak: Sendable, Hashable {
    package var rowID: Int64
    package var reason: String
}

extension PumpStore {
    /// `verify`: both chains walked on one snapshot.
    package func verify() async throws(StoreError) -> VerifyDocument {
        VerifyDocument(chains: try await verifyChains().map(\.document))
    }

    /// Walks both chains on one snapshot.
    package func verifyChains() async throws(StoreError) -> [ChainReport] {
        try await read { db in try HashChain.allCases.map { try $0.verify(db) } }
    }

    /// Each chain's last row id and chain hash (nil for an empty table), for the journal.
    package func chainHeads() async throws(StoreError) -> [(chain: HashChain, id: Int64?, hash: String?)] {
        try await read { db in
            try HashChain.allCases.map { chain in
                let head = try chain.head(db)
                return (chain, head?.id, head?.hash)
            }
        }
    }
}

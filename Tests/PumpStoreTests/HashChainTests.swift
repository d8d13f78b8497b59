import Foundation
import GRDB
import PumpStore
import PumpTesting
import Testing

/// Records and audit rows carry a SHA-256 chain (`HashChain`): an untouched store verifies; a row
/// deleted, forged or edited behind the triggers is named as the first row that breaks its chain;
/// a store written by the schema before the chains migrates and verifies.
@Suite struct HashChainTests {
    static let t0: Int64 = 1_790_000_000_000_000

    /// A record row as the ingest path writes one (read from a row, as the store reads them).
    static func record(_ serial: String, _ n: Int64) throws -> RecordRow {
        try RecordRow(
            row: [
                "id": nil, "serial": serial, "type": "replacement", "trigger": "request", "request_reason": "upgrade",
                "determination": "not_medically_necessary", "clause": "NMN.replacement.upgrade",
                "replacement_criterion": nil, "indication_status": "unknown", "indication_clause": nil,
                "missing": "[]", "supplies_covered": false, "evidence": "[]", "note": "note \(n) / é",
                "therapy_id": nil, "created_at": t0 + n,
            ])
    }

    /// A store in a temporary directory with `records` records and `audits` audit rows, written through
    /// the store's own transactions.
    final class Filled {
        let directory: TemporaryDirectory
        let store: PumpStore
        var path: String { store.path }

        init(records: Int64 = 3, audits: Int64 = 3) async throws {
            directory = try TemporaryDirectory(prefix: "pmc")
            store = try PumpStore(directory: directory.path)
            for n in 1...records {
                let row = try HashChainTests.record("SM2-00000\(n)", n)
                try await store.write { tx in
                    var row = row
                    try tx.insert(&row)
                }
            }
            for n in 1...audits {
                try await store.appendAudit(
                    at: HashChainTests.t0 + n, uid: 0, user: "root", command: "status",
                    request: Array(#"{"op":"status"}"#.utf8), outcome: "allowed: ok")
            }
        }

        deinit {
            try? store.close()
            directory.remove()
        }

        /// Runs SQL on a connection of its own, as someone with the file would.
        func tamper(_ sql: String) throws {
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
            try queue.close()
        }

        func report(_ chain: HashChain) async throws -> ChainReport {
            try #require(try await store.verifyChains().first { $0.chain == chain })
        }
    }

    @Test func anUntouchedStoreVerifiesWithEachChainsHead() async throws {
        let s = try await Filled(records: 3, audits: 4)
        let document = try await s.store.verify()
        #expect(document.intact)
        #expect(document.chains.map(\.table) == ["record", "audit"])
        #expect(document.chains.map(\.rowsChecked) == [3, 4])
        #expect(document.chains.map(\.headID) == [3, 4])
        #expect(document.chains.allSatisfy { $0.broken == nil && $0.headHash?.count == 64 })
        let heads = try await s.store.chainHeads()
        #expect(heads.map(\.hash) == document.chains.map(\.headHash))
    }

    @Test func aDeletedRecordBreaksTheChainAtTheRowAfterIt() async throws {
        let s = try await Filled()
        try s.tamper("DROP TRIGGER record_no_delete; DELETE FROM record WHERE id = 2")
        let report = try await s.report(.record)
        #expect(report.broken?.rowID == 3)
        #expect(report.rows == 1 && report.headID == 1)
        #expect(try await s.report(.audit).broken == nil)
    }

    @Test func aForgedRecordIsTheRowThatBreaksTheChain() async throws {
        let s = try await Filled()
        try s.tamper(
            """
            INSERT INTO record (serial, type, trigger, determination, clause, indication_status, missing,
                supplies_covered, evidence, created_at, chain_hash)
            VALUES ('SM2-000009', 'replacement', 'telemetry', 'medically_necessary', 'MN.replacement.non_function',
                'met', '[]', 1, '[]', \(Self.t0 + 9), '\(String(repeating: "ab", count: 32))')
            """)
        let report = try await s.report(.record)
        #expect(report.broken?.rowID == 4)
        #expect(report.rows == 3)
    }

    @Test func aRecordEditedBehindTheTriggersBreaksTheChainAtThatRow() async throws {
        let s = try await Filled()
        try s.tamper(
            "DROP TRIGGER record_no_update; UPDATE record SET determination = 'medically_necessary' WHERE id = 2")
        let report = try await s.report(.record)
        #expect(report.broken?.rowID == 2)
        #expect(report.broken?.reason.contains("does not match its content") == true)
        let document = try await s.store.verify()
        #expect(!document.intact)
        #expect(document.chains.first?.broken?.rowID == 2)
    }

    @Test func anAuditRowEditedOrDeletedBehindTheTriggersBreaksItsChain() async throws {
        let s = try await Filled(records: 1, audits: 4)
        try s.tamper("DROP TRIGGER audit_no_update; UPDATE audit SET user = 'nobody' WHERE id = 3")
        #expect(try await s.report(.audit).broken?.rowID == 3)
        let t = try await Filled(records: 1, audits: 4)
        try t.tamper("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 1")
        #expect(try await t.report(.audit).broken?.rowID == 2)
    }

    @Test func rowsWrittenAfterTheChainHeadKeepTheChainIntact() async throws {
        let s = try await Filled(records: 2, audits: 2)
        let row = try Self.record("SM2-000003", 3)
        try await s.store.write { tx in
            var row = row
            try tx.insert(&row)
        }
        let document = try await s.store.verify()
        #expect(document.intact && document.chains.map(\.rowsChecked) == [3, 2])
    }

    /// The store as the schema before the chains (v1 and v2) left it, with records and audit rows.
    static func storeBeforeChains(in directory: TemporaryDirectory) throws -> String {
        let path = directory.file(PumpStore.fileName)
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator().migrate(queue, upTo: "v2-store-identity")
        try queue.write { db in
            for n in 1...3 {
                try db.execute(
                    sql: """
                        INSERT INTO record (serial, type, trigger, determination, clause, indication_status, missing,
                            supplies_covered, evidence, note, created_at)
                        VALUES (?, 'replacement', 'request', 'not_medically_necessary', 'NMN.replacement.upgrade',
                            'unknown', '[]', 0, '[]', ?, ?)
                        """,
                    arguments: ["SM2-00000\(n)", "note \(n)", t0 + Int64(n)])
                try db.execute(
                    sql:
                        "INSERT INTO audit (at, uid, user, command, arguments, outcome) VALUES (?, 0, 'root', ?, ?, ?)",
                    arguments: [t0 + Int64(n), "status", #"{"op":"status"}"#, "allowed: ok"])
            }
        }
        try queue.close()
        return path
    }

    @Test func aStoreFromBeforeTheChainsMigratesAndVerifies() async throws {
        let directory = try TemporaryDirectory(prefix: "pmc")
        defer { directory.remove() }
        let path = try Self.storeBeforeChains(in: directory)
        let store = try PumpStore(path: path)
        defer { try? store.close() }
        var document = try await store.verify()
        #expect(document.intact)
        #expect(document.chains.map(\.rowsChecked) == [3, 3])
        // Rows before the migration keep what they had: no request bytes, their text.
        try await store.appendAudit(
            at: Self.t0 + 9, uid: 0, user: "root", command: "status", request: Array(#"{"op":"status"}"#.utf8),
            outcome: "allowed: ok")
        document = try await store.verify()
        #expect(document.intact && document.chains.map(\.rowsChecked) == [3, 4])
        // The update triggers are back after the fill.
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        #expect(throws: (any Error).self) {
            try queue.write { db in try db.execute(sql: "UPDATE record SET note = 'x'") }
        }
        #expect(throws: (any Error).self) {
            try queue.write { db in try db.execute(sql: "UPDATE audit SET user = 'x'") }
        }
    }

    @Test func anAuditRowKeepsTheRequestsExactBytes() async throws {
        let s = try await Filled(records: 1, audits: 1)
        let bytes: [UInt8] = Array(#"{"op":"devices","state":""#.utf8) + [0xFF, 0xC3, 0x28, 0x00] + Array(#""}"#.utf8)
        try await s.store.appendAudit(
            at: Self.t0, uid: 1000, user: "nurse", command: "unreadable", request: bytes, outcome: "allowed: bad_usage")
        let queue = try DatabaseQueue(path: s.path)
        defer { try? queue.close() }
        let stored = try await queue.read { db in try Data.fetchOne(db, sql: "SELECT request FROM audit WHERE id = 2") }
        #expect(stored == Data(bytes))
        #expect(try await s.store.verify().intact)
    }

    /// docs/verify-chains.py, the auditor's script, recomputes both chains from the file alone.
    @Test func theAuditorsScriptRecomputesTheChains() async throws {
        let s = try await Filled(records: 3, audits: 3)
        try await s.store.appendAudit(
            at: Self.t0, uid: nil, user: nil, command: "unreadable", request: [0x7B, 0xFF, 0x0A],
            outcome: "allowed: bad_usage")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/verify-chains.py").path
        let python = try #require(
            ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) })
        let intact = try ProgramRun.run(python, [script, s.path])
        #expect(intact.status == 0, "\(intact.stderr)")
        let document = try await s.store.verify()
        for chain in document.chains {
            #expect(
                intact.stdout.contains(
                    "\(chain.table): \(chain.rowsChecked) rows intact, head \(chain.headID ?? 0) \(chain.headHash ?? "")"
                ),
                "\(intact.stdout)")
        }
        try s.tamper("DROP TRIGGER record_no_update; UPDATE record SET note = 'x' WHERE id = 2")
        let broken = try ProgramRun.run(python, [script, s.path])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("record: broken at row 2"), "\(broken.stdout)")
    }
}

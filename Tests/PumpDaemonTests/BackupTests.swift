import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// `pumpctl backup` (the control op `backup`): an online, checked copy of the store in the backup
/// directory, while telemetry keeps arriving; a full backup directory fails cleanly; a backup put
/// in place of the store is the store the daemon starts on.
@Suite(.serialized) struct BackupTests {
    /// What `sqlite3` says about a file, one query.
    static func sqlite(_ path: String, _ sql: String) throws -> String {
        let run = try ProgramRun.run(StoreIntegrityTests.sqlite3, ["-readonly", path, sql])
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func backup(_ harness: DaemonHarness) throws -> ControlReply<BackupDocument> {
        try harness.control(ControlRequest(op: .backup), as: BackupDocument.self)
    }

    @Test func aBackupTakenWhileAFleetSendsHoldsEverythingStoredBeforeItAndIngestGoesOn() throws {
        let harness = try DaemonHarness()
        let directory = harness.directory.path
        let output = directory + "/pumpsim.out"
        #expect(FileManager.default.createFile(atPath: output, contents: nil))
        let pumpsim = Process()
        pumpsim.executableURL = URL(fileURLWithPath: BuiltProducts.path(of: "pumpsim"))
        pumpsim.arguments = [
            "fleet", "--pumps", "150", "--years", "1", "--status-every", "7d", "--seed", "17", "--fault-scale", "5",
            "--socket", harness.daemon.ingestSocket, "--control-socket", harness.daemon.controlSocket,
            "--connections", "4", "--verify",
        ]
        pumpsim.standardOutput = FileHandle(forWritingAtPath: output)
        pumpsim.standardError = FileHandle(forWritingAtPath: output)
        try pumpsim.run()
        defer {
            if pumpsim.isRunning { kill(pumpsim.processIdentifier, SIGKILL) }
            pumpsim.waitUntilExit()
        }
        // Back up once part of the fleet is stored: everything stored (so everything acknowledged)
        // before the request is in the copy.
        var storedBefore = 0
        for _ in 0..<1200 where storedBefore < 2500 && pumpsim.isRunning {
            storedBefore =
                (try? harness.control(.init(op: .status), as: DaemonStatusDocument.self).result?.messages) ?? 0
            if storedBefore < 2500 { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(storedBefore >= 2500, "the fleet ended before the backup point")
        let reply = try Self.backup(harness)
        let document = try #require(reply.result, "\(String(describing: reply.error))")
        let storedAfter =
            try #require(try harness.control(.init(op: .status), as: DaemonStatusDocument.self).result).messages
        #expect(document.integrity == "ok")
        #expect(document.messages >= storedBefore)
        #expect(document.messages <= storedAfter)
        #expect(pumpsim.isRunning, "the fleet ended before the backup was taken: nothing shows ingest went on")
        // The file itself, read without the daemon: whole, and holding what the document says.
        #expect(FileManager.default.fileExists(atPath: document.path))
        #expect((document.path as NSString).deletingLastPathComponent == harness.directory.file("backups"))
        #expect(try Self.sqlite(document.path, "PRAGMA integrity_check") == "ok")
        #expect(try Self.sqlite(document.path, "SELECT count(*) FROM message") == "\(document.messages)")
        #expect(try Self.sqlite(document.path, "SELECT count(*) FROM record") == "\(document.records)")
        #expect(try Self.sqlite(document.path, "PRAGMA journal_mode") == "delete")

        for _ in 0..<2400 where pumpsim.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        let printed = String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self)
        #expect(!pumpsim.isRunning)
        #expect(pumpsim.terminationStatus == 0, "\(printed.suffix(3000))")
        #expect(printed.contains("verify:            0 acknowledged messages missing"), "\(printed.suffix(2000))")
    }

    @Test func aRestoredBackupIsTheStoreTheDaemonStartsOnEveryRecordAndAuditRowThere() throws {
        let harness = try DaemonHarness()
        // Messages and records: a pump whose battery reached ERI raises an impending-failure record.
        var lines: [String] = []
        for p in 0..<20 {
            let serial = String(format: "SM2-%06d", 500 + p)
            lines.append(Lines.status(serial, id: "s\(p)", at: Lines.time(-7200)))
            if p % 4 == 0 {
                lines.append(Lines.status(serial, id: "e\(p)", at: Lines.time(-3600), battery: #"{"state":"ERI"}"#))
            }
        }
        #expect(try harness.send(lines).allSatisfy { $0.result == "accepted" })
        // Two audited requests before the backup (its own row is written after it answers).
        _ = try harness.control(.init(op: .status), as: DaemonStatusDocument.self)
        _ = try harness.control(.init(op: .verify), as: VerifyDocument.self)
        let reply = try Self.backup(harness)
        let backup = try #require(reply.result, "\(String(describing: reply.error))")
        #expect(backup.messages == lines.count)
        #expect(backup.records == 5)
        #expect(backup.audit == 2)
        // After the backup: more messages and requests, gone once the backup is restored.
        #expect(try harness.send([Lines.status("SM2-000999", id: "late")]).first?.result == "accepted")
        _ = try harness.control(.init(op: .status), as: DaemonStatusDocument.self)

        // The procedure of systemd/README.md: stop, put the backup in place, start.
        #expect(harness.daemon.stop() == 0)
        let store = harness.directory.file("pumpmond.sqlite")
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        try FileManager.default.removeItem(atPath: store)
        try FileManager.default.copyItem(atPath: backup.path, toPath: store)
        try harness.daemon.start()

        // verify first: its own audit row is written after it answers, so it counts the backup's.
        let verify = try #require(try harness.control(.init(op: .verify), as: VerifyDocument.self).result)
        #expect(verify.intact)
        #expect(verify.chains.first { $0.table == "record" }?.rowsChecked == backup.records)
        #expect(verify.chains.first { $0.table == "audit" }?.rowsChecked == backup.audit)
        let status = try #require(try harness.control(.init(op: .status), as: DaemonStatusDocument.self).result)
        #expect(status.messages == backup.messages)
        #expect(status.records == backup.records)
        #expect(status.pumps == 20)
        #expect(try harness.records().count == backup.records)
        // And it answers as before: a new message is accepted, the one sent after the backup again.
        #expect(try harness.send([Lines.status("SM2-000999", id: "late")]).first?.result == "accepted")
    }

    @Test func backupsBeyondTheCountKeptAreRemovedOldestFirst() throws {
        let harness = try DaemonHarness(extraArguments: ["--backup-keep", "2"])
        #expect(try harness.send([Lines.status("SM2-000001", id: "m1")]).first?.result == "accepted")
        var taken: [BackupDocument] = []
        for _ in 0..<3 {
            let reply = try Self.backup(harness)
            taken.append(try #require(reply.result, "\(String(describing: reply.error))"))
        }
        #expect(taken.map(\.pruned) == [[], [], [taken[0].path]])
        let left = try FileManager.default.contentsOfDirectory(atPath: harness.directory.file("backups")).sorted()
        #expect(left == taken.dropFirst().map { ($0.path as NSString).lastPathComponent })
        #expect(taken.allSatisfy { ($0.path as NSString).lastPathComponent.hasPrefix("pumpmond-") })
    }

    @Test func theConfigurationFileNamesTheBackupDirectoryAndTheCountKept() throws {
        let elsewhere = try TemporaryDirectory(prefix: "pmbk")
        defer { elsewhere.remove() }
        let config = elsewhere.file("pumpmond.json")
        let target = elsewhere.file("copies")
        #expect(
            FileManager.default.createFile(
                atPath: config, contents: Data(#"{"backup_dir": "\#(target)", "backup_keep": 1}"#.utf8)))
        let harness = try DaemonHarness(extraArguments: ["--config", config])
        let first = try #require(try Self.backup(harness).result)
        let second = try #require(try Self.backup(harness).result)
        #expect((first.path as NSString).deletingLastPathComponent == target)
        #expect(second.pruned == [first.path])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: target) == [(second.path as NSString).lastPathComponent]
        )
    }

    @Test func aBackupCountOutOfRangeIsAUsageErrorNamingTheRange() throws {
        let directory = try TemporaryDirectory(prefix: "pmbk")
        defer { directory.remove() }
        let run = try StoreIntegrityTests.refusedStart(["--state-dir", directory.path, "--backup-keep", "0"])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--backup-keep takes a whole number from 1 to 10000, not '0'"), "\(run.stderr)")
    }

    @Test(.enabled(if: StorageUnavailableTests.canMount, "needs root to mount a small tmpfs"))
    func aFullBackupDirectoryFailsWithAClearMessageLeavesNoFileAndTheStoreUnharmed() throws {
        let base = try TemporaryDirectory(prefix: "pmbf")
        defer { base.remove() }
        let mountPoint = base.file("backups")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        #expect(try ProgramRun.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint]).status == 0)
        defer { _ = try? ProgramRun.run("/bin/umount", ["-l", mountPoint]) }
        let harness = try DaemonHarness(extraArguments: ["--backup-dir", mountPoint])
        // A store well over 64 KiB.
        let pad = String(repeating: "x", count: 2000)
        let lines = (0..<200).map { i in
            Lines.status("SM2-000777", id: "f\(i)", at: Lines.time(Double(-90_000 + i)))
                .replacingOccurrences(of: #""motor":"ok"}"#, with: #""motor":"ok","pad":"\#(pad)"}"#)
        }
        #expect(try harness.send(lines).allSatisfy { $0.result == "accepted" })

        let reply = try Self.backup(harness)
        #expect(reply.result == nil)
        #expect(reply.error?.code == .unavailable)
        #expect(reply.error?.message.contains("full filesystem") == true, "\(String(describing: reply.error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint).isEmpty)
        // pumpctl says so on stderr and exits 69.
        let pumpctl = try ProgramRun.run(
            BuiltProducts.path(of: "pumpctl"), ["--socket", harness.daemon.controlSocket, "backup"])
        #expect(pumpctl.status == 69)
        #expect(pumpctl.stderr.contains("no backup was made"), "\(pumpctl.stderr)")
        #expect(pumpctl.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint).isEmpty)

        // The store: whole, every message there, still taking telemetry.
        let verify = try #require(try harness.control(.init(op: .verify), as: VerifyDocument.self).result)
        #expect(verify.intact)
        #expect(try harness.send([Lines.status("SM2-000777", id: "after")]).first?.result == "accepted")
        let status = try #require(try harness.control(.init(op: .status), as: DaemonStatusDocument.self).result)
        #expect(status.messages == lines.count + 1)
    }
}

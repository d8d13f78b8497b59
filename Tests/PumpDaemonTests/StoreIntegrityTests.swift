import Foundation
import PumpTesting
import Testing

/// The store a daemon starts on is the one its state directory had (its id in `pumpmond.store-id`),
/// whole (`quick_check`), a file, private whatever the umask; and a store file removed while the
/// daemon runs stops every acknowledgement.
@Suite struct StoreIntegrityTests {
    static let sqlite3 =
        ["/usr/bin/sqlite3", "/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? "/usr/bin/sqlite3"

    /// Runs pumpmond expecting it to refuse to start; under `timeout`, so that one that starts
    /// fails the test (status 124) instead of hanging it.
    static func refusedStart(_ arguments: [String]) throws -> ProgramRun {
        try ProgramRun.run("/usr/bin/timeout", ["20", BuiltProducts.path(of: "pumpmond")] + arguments)
    }

    /// A state directory that held a stopped daemon with one accepted message.
    final class Stopped {
        let directory: TemporaryDirectory
        let sockets: TemporaryDirectory
        var store: String { directory.file("pumpmond.sqlite") }
        var idFile: String { directory.file("pumpmond.store-id") }

        init() throws {
            directory = try TemporaryDirectory(prefix: "pmi")
            sockets = try TemporaryDirectory(prefix: "pmis")
            let daemon = DaemonProcess(directory: directory.path, socketDirectory: sockets.path)
            try daemon.start()
            let socket = try LineSocket(unixPath: daemon.ingestSocket)
            try socket.send(Lines.status("ID-1", id: "m1") + "\n")
            #expect(try socket.readLines(1).map(DaemonHarness.decode).first?.result == "accepted")
            #expect(daemon.stop() == 0)
        }

        deinit {
            directory.remove()
            sockets.remove()
        }

        /// Runs pumpmond on this state directory to its end: it exits at once when it refuses; one
        /// that starts instead is stopped after 20 s (`timeout`, status 124).
        func start(_ extra: [String] = []) throws -> ProgramRun {
            try StoreIntegrityTests.refusedStart(
                [
                    "--state-dir", directory.path, "--ingest-socket", sockets.file("ingest.sock"),
                    "--control-socket", sockets.file("control.sock"),
                ] + extra)
        }

        /// A daemon process on this state directory, not started.
        func daemon(_ extra: [String] = []) -> DaemonProcess {
            DaemonProcess(directory: directory.path, socketDirectory: sockets.path, extraArguments: extra)
        }

        /// Starts a daemon and sends it one line: once answered, its services (and signal handling) run.
        func started(_ extra: [String] = []) throws -> DaemonProcess {
            let daemon = daemon(extra)
            try daemon.start()
            let socket = try LineSocket(unixPath: daemon.ingestSocket)
            try socket.send(Lines.status("ID-1", id: "m1") + "\n")
            #expect(try socket.readLines(1).map(DaemonHarness.decode).first?.result != nil)
            return daemon
        }

        func storeID() throws -> String {
            try ProgramRun.run(StoreIntegrityTests.sqlite3, [store, "SELECT id FROM store_identity"]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func recordedID() throws -> String {
            try String(contentsOfFile: idFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test func aNewInstallRecordsTheStoreIdInTheStoreAndBesideIt() throws {
        let s = try Stopped()
        let id = try s.recordedID()
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit), "\(id)")
        #expect(try s.storeID() == id)
    }

    @Test func aStoreFromBeforeStoreIdsIsAdoptedAndKeepsItsMessages() throws {
        let s = try Stopped()
        try FileManager.default.removeItem(atPath: s.idFile)
        let daemon = try s.started()
        #expect(daemon.stop() == 0)
        #expect(try s.recordedID() == s.storeID())
        let count = try ProgramRun.run(Self.sqlite3, [s.store, "SELECT count(*) FROM message"]).stdout
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    @Test(arguments: ["removed", "emptied", "stripped of its id", "swapped"])
    func aStoreThatIsNotTheOneRecordedIsRefusedWith71(_ what: String) throws {
        let s = try Stopped()
        let expected = try s.recordedID()
        let finding: String
        switch what {
        case "removed":
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: s.store + suffix) }
            finding = "is missing"
        case "emptied":
            #expect(truncate(s.store, 0) == 0)
            finding = "is empty (0 bytes)"
        case "stripped of its id":
            let run = try ProgramRun.run(Self.sqlite3, [s.store, "DROP TABLE store_identity"])
            #expect(run.status == 0, "\(run.stderr)")
            finding = "has no store id (expected \(expected))"
        default:
            let other = try Stopped()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: s.store + suffix) }
            // All of its files: what its last commits left in its WAL belongs to it too (the
            // ASan pass once found the main file alone damaged, the other store still in its WAL).
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: other.store + suffix) {
                try FileManager.default.copyItem(atPath: other.store + suffix, toPath: s.store + suffix)
            }
            finding = "has store id \(try other.recordedID()), not \(expected)"
        }
        let run = try s.start()
        #expect(run.status == 71, "\(run.stderr)")
        #expect(
            run.stderr.contains("the store \(s.store) \(finding), but \(s.idFile) records the store"), "\(run.stderr)")
        #expect(run.stderr.contains("put the latest backup of the store in place"), "\(run.stderr)")
        #expect(run.stderr.contains("--initialize-store"), "\(run.stderr)")
        // Refused means untouched: the id file still names the store that belongs here.
        #expect(try s.recordedID() == expected)
    }

    @Test func initializeStoreStartsANewStoreAndSetsTheFoundOneAside() throws {
        let s = try Stopped()
        let old = try s.recordedID()
        #expect(truncate(s.store, 0) == 0)
        let daemon = try s.started(["--initialize-store"])
        #expect(daemon.stop() == 0)
        let new = try s.recordedID()
        #expect(new != old)
        #expect(try s.storeID() == new)
        let names = try FileManager.default.contentsOfDirectory(atPath: s.directory.path)
        #expect(names.contains { $0.hasPrefix("pumpmond.sqlite.set-aside-") }, "\(names)")
        // The flag left on does nothing to the store that belongs here.
        #expect(try s.started(["--initialize-store"]).stop() == 0)
        #expect(try s.recordedID() == new)
    }

    @Test func aStoreRemovedWhileRunningStopsEveryAcknowledgement() throws {
        let s = try Stopped()
        let daemon = s.daemon()
        try daemon.start()
        defer { daemon.crash() }
        for suffix in ["", "-wal", "-shm"] { try FileManager.default.removeItem(atPath: s.store + suffix) }
        let socket = try LineSocket(unixPath: daemon.ingestSocket)
        try socket.send(Lines.status("ID-1", id: "after-rm") + "\n" + Lines.status("ID-2", id: "after-rm") + "\n")
        let replies = try socket.readLines(2).map(DaemonHarness.decode)
        #expect(replies.map(\.result) == ["unavailable", "unavailable"])
        #expect(replies.first?.reason == "storage_error")
        #expect(
            replies.first?.detail?.contains("the store file \(s.store) was removed while pumpmond had it open") == true)
        #expect(!FileManager.default.fileExists(atPath: s.store), "no new, empty store was started")
        // The journal says why (logged right after the replies are handed out).
        var logged = false
        for _ in 0..<100 where !logged {
            logged = daemon.log(tail: 20).contains("was removed while pumpmond had it open")
            if !logged { usleep(20_000) }
        }
        #expect(logged, "\(daemon.log(tail: 20))")
    }

    @Test func aStoreReplacedWhileRunningStopsEveryAcknowledgement() throws {
        let s = try Stopped()
        let daemon = s.daemon()
        try daemon.start()
        defer { daemon.crash() }
        try FileManager.default.copyItem(atPath: s.store, toPath: s.store + ".copy")
        #expect(rename(s.store + ".copy", s.store) == 0)
        let socket = try LineSocket(unixPath: daemon.ingestSocket)
        try socket.send(Lines.status("ID-1", id: "after-swap") + "\n")
        let reply = try socket.readLines(1).map(DaemonHarness.decode).first
        #expect(reply?.result == "unavailable")
        #expect(reply?.detail?.contains("was replaced by another file while pumpmond had it open") == true)
    }

    @Test func aDamagedStoreIsRefusedWith71NamingTheRestoreProcedure() throws {
        let s = try Stopped()
        // Enough rows for a multi-page message table, then garbage over a page in its middle.
        let fill = try ProgramRun.run(
            Self.sqlite3,
            [
                s.store,
                """
                PRAGMA journal_mode=DELETE;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
                INSERT INTO message (serial, message_id, kind, at, at_text, received_at, content_hash, raw)
                SELECT 'FILL-1', 'f' || i, 'status', i, '', i, 0, randomblob(500) FROM n;
                """,
            ])
        #expect(fill.status == 0, "\(fill.stderr)")
        let pages = try #require(FileManager.default.attributesOfItem(atPath: s.store)[.size] as? Int) / 4096
        #expect(pages > 20)
        let handle = try #require(FileHandle(forWritingAtPath: s.store))
        try handle.seek(toOffset: UInt64(pages / 2) * 4096)
        handle.write(Data(repeating: 0xA5, count: 4096))
        try handle.close()

        let run = try s.start()
        #expect(run.status == 71, "\(run.stderr)")
        #expect(run.stderr.contains("the store at \(s.store) is damaged"), "\(run.stderr)")
        #expect(run.stderr.contains("'Restoring the store'"), "\(run.stderr)")
    }

    @Test func aStorePathThatIsADirectoryIsSaidToBeOne() throws {
        let directory = try TemporaryDirectory(prefix: "pmi")
        defer { directory.remove() }
        try FileManager.default.createDirectory(
            atPath: directory.file("pumpmond.sqlite"), withIntermediateDirectories: true)
        let run = try Self.refusedStart([
            "--state-dir", directory.path, "--ingest-socket", directory.file("i.sock"),
            "--control-socket", directory.file("c.sock"),
        ])
        #expect(run.status == 71, "\(run.stderr)")
        #expect(
            run.stderr.contains("\(directory.file("pumpmond.sqlite")) is a directory, not a SQLite file"),
            "\(run.stderr)")
        #expect(!run.stderr.contains("read-only"), "\(run.stderr)")
    }

    @Test func filesArePrivateAndSocketsGroupOnlyUnderUmask000() throws {
        let base = try TemporaryDirectory(prefix: "pmu")
        defer { base.remove() }
        let state = base.file("state")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c", #"umask 000; exec "$0" "$@""#, BuiltProducts.path(of: "pumpmond"), "--state-dir", state,
        ]
        var environment = ProcessInfo.processInfo.environment
        for key in [
            "NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "RUNTIME_DIRECTORY", "STATE_DIRECTORY",
        ] {
            environment[key] = nil
        }
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        let ingest = (state as NSString).appendingPathComponent("ingest.sock")
        let control = (state as NSString).appendingPathComponent("control.sock")
        var ready = false
        for _ in 0..<500 where !ready {
            ready = (try? LineSocket(unixPath: control)) != nil && (try? LineSocket(unixPath: ingest)) != nil
            if !ready { usleep(20_000) }
        }
        #expect(ready)
        // A write, so that the WAL holds something too.
        let socket = try LineSocket(unixPath: ingest)
        try socket.send(Lines.status("UM-1", id: "m1") + "\n")
        #expect(try socket.readLines(1).map(DaemonHarness.decode).first?.result == "accepted")
        func mode(_ path: String) -> mode_t {
            var st = stat()
            return stat(path, &st) == 0 ? st.st_mode & 0o777 : 0o7777
        }
        let store = (state as NSString).appendingPathComponent("pumpmond.sqlite")
        #expect(mode(state) == 0o700)
        for file in [
            store, store + "-wal", store + "-shm", (state as NSString).appendingPathComponent("pumpmond.store-id"),
        ] {
            #expect(mode(file) == 0o600, "\(file): \(String(mode(file), radix: 8))")
        }
        #expect(mode(ingest) == 0o660)
        #expect(mode(control) == 0o660)
    }
}

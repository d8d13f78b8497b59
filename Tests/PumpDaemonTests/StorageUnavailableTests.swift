import Foundation
import PumpTesting
import Testing

/// When the store cannot be written, lines are answered `unavailable` and nothing is kept; once it
/// can be written again, the same lines are accepted.
@Suite(.serialized) struct StorageUnavailableTests {
    /// Mounting a filesystem needs root (CI runs as root); elsewhere the test says so.
    static var canMount: Bool { getuid() == 0 }

    @Test(.enabled(if: canMount, "needs root to mount a small tmpfs"))
    func aFullFilesystemIsUnavailableThenRecovers() throws {
        let base = try TemporaryDirectory(prefix: "pmfull")
        defer { base.remove() }
        let mountPoint = base.file("fs")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        #expect(run("/bin/mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint) == 0)
        defer { _ = run("/bin/umount", "-l", mountPoint) }
        let daemon = DaemonProcess(directory: mountPoint)
        try daemon.start()
        defer { daemon.crash() }

        // Fill the filesystem with a ballast file, leaving almost nothing.
        let ballast = (mountPoint as NSString).appendingPathComponent("ballast")
        _ = run("/bin/dd", "if=/dev/zero", "of=\(ballast)", "bs=64k", "count=64")
        let big = String(repeating: "x", count: 60_000)
        var sawUnavailable = false
        for round in 0..<40 where !sawUnavailable {
            let lines = (0..<8).map { i in
                Lines.status("FULL-1", id: "f\(round)-\(i)", at: Lines.time(Double(-90_000 + round * 10 + i)))
                    .replacingOccurrences(of: #""motor":"ok"}"#, with: #""motor":"ok","pad":"\#(big)"}"#)
            }
            let socket = try LineSocket(unixPath: daemon.ingestSocket)
            try socket.send(lines.map { $0 + "\n" }.joined())
            let replies = try socket.readLines(lines.count).map(DaemonHarness.decode)
            if let r = replies.first(where: { $0.result == "unavailable" }) {
                #expect(r.reason == "storage_full")
                sawUnavailable = true
            }
        }
        #expect(sawUnavailable)
        try FileManager.default.removeItem(atPath: ballast)
        let replies = try {
            let socket = try LineSocket(unixPath: daemon.ingestSocket)
            try socket.send(Lines.status("FULL-1", id: "after", at: Lines.time(-10)) + "\n")
            return try socket.readLines(1).map(DaemonHarness.decode)
        }()
        #expect(replies.first?.result == "accepted")
    }

    @Test(.enabled(if: canMount, "needs root to make the store's files immutable"))
    func aStoreThatCannotBeWrittenIsUnavailableThenRecovers() throws {
        let base = try TemporaryDirectory(prefix: "pmro")
        defer { base.remove() }
        let daemon = DaemonProcess(directory: base.path)
        try daemon.start()
        defer { daemon.crash() }
        func send(_ id: String) throws -> ReplyLine? {
            let socket = try LineSocket(unixPath: daemon.ingestSocket)
            try socket.send(Lines.status("RO-1", id: id, at: Lines.time(-100)) + "\n")
            return try socket.readLines(1).map(DaemonHarness.decode).first
        }
        #expect(try send("before")?.result == "accepted")
        // Root ignores file modes, so the files are made immutable (ext4, tmpfs refuses this).
        let files = ["pumpmond.sqlite", "pumpmond.sqlite-wal"].map(base.file)
        guard run("/usr/bin/chattr", "+i", files[0]) == 0 else {
            Issue.record("the filesystem of \(base.path) does not support immutable files: cannot run this test here")
            return
        }
        _ = run("/usr/bin/chattr", "+i", files[1])
        let refused = try send("during")
        _ = run("/usr/bin/chattr", "-i", files[0])
        _ = run("/usr/bin/chattr", "-i", files[1])
        #expect(refused?.result == "unavailable")
        #expect(["storage_read_only", "storage_error"].contains(refused?.reason ?? ""))
        #expect(try send("during")?.result == "accepted")
        #expect(try send("after")?.result == "accepted")
    }

    @discardableResult
    private func run(_ arguments: String...) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: arguments[0])
        p.arguments = Array(arguments.dropFirst())
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}

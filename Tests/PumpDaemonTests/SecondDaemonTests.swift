import Foundation
import PumpTesting
import Testing

/// A second pumpmond on the same state directory (a clumsy `pumpmond &` beside the service) must
/// refuse to start and leave the running one untouched: two writers on one store lose pump state.
@Suite struct SecondDaemonTests {
    @Test func aSecondDaemonOnTheSameStateDirectoryExits75NamingTheFirst() throws {
        let directory = try TemporaryDirectory()
        let first = DaemonProcess(directory: directory.path)
        try first.start()
        defer { first.stop() }
        let pid = try #require(first.pid)

        let other = try TemporaryDirectory()
        let second = try ProgramRun.run(
            BuiltProducts.path(of: "pumpmond"),
            [
                "--state-dir", directory.path, "--ingest-socket", other.path + "/ingest.sock",
                "--control-socket", other.path + "/control.sock",
            ])
        #expect(second.status == 75, "\(second.stderr)")
        #expect(
            second.stderr.contains("another pumpmond (PID \(pid)) already runs on the state directory"),
            "\(second.stderr)")

        // The first still answers on its own sockets.
        let socket = try LineSocket(unixPath: first.ingestSocket)
        try socket.send(
            #"{"v":1,"id":"m1","serial":"SM2-000001","kind":"status","at":"2026-11-28T10:15:00Z","model":"SynchroMed II","battery":{"state":"MOS"},"motor":"ok"}"#
                + "\n")
        #expect(try socket.readLines(1).first?.contains(#""result":"accepted""#) == true)
    }

    @Test func aSocketPathAnotherDaemonListensOnIsNeitherUnlinkedNorTaken() throws {
        let directory = try TemporaryDirectory()
        let first = DaemonProcess(directory: directory.path)
        try first.start()
        defer { first.stop() }

        let other = try TemporaryDirectory()
        let second = try ProgramRun.run(
            BuiltProducts.path(of: "pumpmond"),
            [
                "--state-dir", other.path, "--ingest-socket", first.ingestSocket,
                "--control-socket", other.path + "/control.sock",
            ])
        #expect(second.status == 71, "\(second.stderr)")
        #expect(second.stderr.contains("another process listens on \(first.ingestSocket)"), "\(second.stderr)")
        #expect(FileManager.default.fileExists(atPath: first.ingestSocket))
        _ = try LineSocket(unixPath: first.ingestSocket)
    }

    @Test func aStaleSocketFileOfAnEndedDaemonIsReplaced() throws {
        let directory = try TemporaryDirectory()
        let first = DaemonProcess(directory: directory.path)
        try first.start()
        first.crash()
        #expect(FileManager.default.fileExists(atPath: first.ingestSocket))
        try first.start()
        defer { first.stop() }
        _ = try LineSocket(unixPath: first.ingestSocket)
    }
}

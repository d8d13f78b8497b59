import Foundation
import PumpCtlKit
import Testing

/// `pumpctl backup`: the copy the daemon kept, as text and as JSON; a failed backup's reason on
/// stderr with exit 69.
@Suite struct BackupCommandTests {
    static let written =
        #"{"ok":true,"result":{"path":"/var/lib/pumpmond/backups/pumpmond-20261130T020000.000Z.sqlite","#
        + #""taken_at":"2026-11-30T02:00:00.000Z","bytes":40960,"integrity":"ok","messages":7,"records":5,"#
        + #""audit":3,"rejected":2,"pruned":["/var/lib/pumpmond/backups/pumpmond-20261123T020000.000Z.sqlite"]}}"#

    @Test func aBackupPrintsTheFileWhatItHoldsAndWhatWasRemoved() throws {
        let (outcome, _) = try runAgainstFake(["backup"], reply: Self.written)
        #expect(outcome.exitCode == 0)
        #expect(
            outcome.stdout == """
                Backup written: /var/lib/pumpmond/backups/pumpmond-20261130T020000.000Z.sqlite
                  Taken:       2026-11-30T02:00:00.000Z
                  Size:        40960 bytes
                  Integrity:   ok
                  Messages:    7
                  Records:     5
                  Audit rows:  3
                  Rejected:    2
                Removed older backup: /var/lib/pumpmond/backups/pumpmond-20261123T020000.000Z.sqlite

                """)
    }

    /// A big store's copy takes minutes: `backup` waits past the limit every other command has
    /// (here 100 ms; `status` against the same slow daemon exits 69, ControlSocketClientTests).
    @Test func backupWaitsForASlowCopyPastTheOrdinaryReplyLimit() throws {
        let server = try FakeControlServer(respond: { _ in
            Thread.sleep(forTimeInterval: 0.5)
            return Self.written
        })
        defer { server.stop() }
        let environment = PumpCtlEnvironment(replyTimeout: .milliseconds(100))
        let outcome = PumpCtl.run(arguments: ["backup", "--socket", server.path], environment: environment)
        #expect(outcome.exitCode == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("Backup written: "))
    }

    @Test func backupJSONIsTheDaemonsDocument() throws {
        let (outcome, _) = try runAgainstFake(["backup", "--json"], reply: Self.written)
        #expect(outcome.exitCode == 0)
        #expect(outcome.stdout.contains(#""taken_at": "2026-11-30T02:00:00.000Z""#), "\(outcome.stdout)")
        #expect(outcome.stdout.contains(#""integrity": "ok""#))
    }

    @Test func aFailedBackupExits69WithTheDaemonsReason() throws {
        let reply = Fixtures.failure(
            .unavailable, "no backup was made: the backup directory /b is on a full filesystem")
        let (outcome, _) = try runAgainstFake(["backup"], reply: reply)
        #expect(outcome.exitCode == 69)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("no backup was made: the backup directory /b is on a full filesystem"))
    }
}

import Foundation
import PumpCtlKit
import PumpTesting
import Testing

/// `pumpctl verify` against the real daemon: an untouched store's chains are intact; an audit row
/// edited behind the triggers is named (exit 65, text and `--json`) and logged at start at critical
/// priority while the daemon keeps answering; the audit row keeps a request's exact bytes.
@Suite("Against the real daemon: hash chains")
struct LiveVerifyTests {
    @Test func verifyReportsIntactChainsWithTheirHeads() throws {
        let daemon = try LiveDaemon.withFleet()
        let text = daemon.pumpctlOK(["verify"])
        #expect(text.contains("record: intact, 5 rows checked, head: row 5, "), "\(text)")
        #expect(text.contains("audit: intact, "), "\(text)")
        let json = daemon.pumpctlOK(["verify", "--json"])
        #expect(json.contains(#""intact": true"#), "\(json)")
        #expect(json.contains(#""broken": null"#), "\(json)")
    }

    @Test func anAuditRowEditedBehindTheTriggersIsNamedWithExit65AndLoggedAtStart() throws {
        let daemon = try LiveDaemon()
        daemon.pumpctlOK(["status"])
        daemon.pumpctlOK(["rejected"])
        #expect(daemon.process.stop() == 0)
        let run = try AuditTrail.sql(
            daemon.storePath, "DROP TRIGGER audit_no_update; UPDATE audit SET uid = 1000, user = 'x' WHERE id = 1")
        #expect(run.status == 0, "\(run.stderr)")
        try daemon.process.start()
        // Monitoring goes on: telemetry is still accepted.
        let replies = try daemon.ingest([
            #"{"v":1,"id":"after-tamper","serial":"SM2-000001","kind":"status","at":"2026-11-28T10:15:00Z","model":"SynchroMed II","battery":{"state":"MOS"},"motor":"ok"}"#
        ])
        #expect(replies.first?.contains(#""accepted""#) == true, "\(replies)")
        let text = daemon.pumpctl(["verify"])
        #expect(text.exitCode == 65)
        #expect(text.stdout.contains("audit: broken at row 1: "), "\(text.stdout)")
        #expect(text.stdout.contains("record: intact, 0 rows checked, empty"), "\(text.stdout)")
        let json = daemon.pumpctl(["verify", "--json"])
        #expect(json.exitCode == 65)
        #expect(json.stdout.contains(#""row_id": 1"#), "\(json.stdout)")
        #expect(json.stdout.contains(#""intact": false"#), "\(json.stdout)")
        // The walk runs beside ingest once the daemon is ready.
        var log = daemon.process.log(tail: 200)
        for _ in 0..<100 where !log.contains("Hash chain heads") {
            usleep(50_000)
            log = daemon.process.log(tail: 200)
        }
        #expect(log.contains("Hash chain broken"), "\(log)")
        #expect(log.contains("chain.row_id=1") || log.contains(#""chain.row_id":"1""#), "\(log)")
        #expect(log.contains("Hash chain heads"), "\(log)")
    }

    @Test func theAuditRowKeepsARequestsExactBytesInvalidUTF8Included() throws {
        let daemon = try LiveDaemon()
        let bytes: [UInt8] = Array(#"{"op":"devices","state":""#.utf8) + [0xFF, 0xFE, 0xC3, 0x28] + Array(#""}"#.utf8)
        let connection = try LineSocket(unixPath: daemon.process.controlSocket)
        try connection.send(bytes + [0x0A])
        #expect(try connection.readLine() != nil)
        let run = try AuditTrail.sql(
            daemon.storePath, "SELECT hex(request) AS h FROM audit ORDER BY id", readOnly: true)
        #expect(run.status == 0, "\(run.stderr)")
        let hex = bytes.map { String(format: "%02X", $0) }.joined()
        #expect(run.stdout.contains(#""h":"\#(hex)""#), "\(run.stdout)")
        daemon.pumpctlOK(["verify"])
    }
}

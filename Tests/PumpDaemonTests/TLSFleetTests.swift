import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// pumpsim as a fleet of gateways over mutual TLS, and a daemon killed in the middle of it.
@Suite struct TLSFleetTests {
    @Test func aFleetOverMutualTLSLosesNothingAcknowledgedWhenTheDaemonIsKilledMidway() throws {
        let daemon = try TLSDaemon()
        let pki = daemon.pki
        let directory = daemon.harness.directory.path
        let output = directory + "/pumpsim.out"
        #expect(FileManager.default.createFile(atPath: output, contents: nil))
        let pumpsim = Process()
        pumpsim.executableURL = URL(fileURLWithPath: BuiltProducts.path(of: "pumpsim"))
        pumpsim.arguments = [
            "fleet", "--pumps", "\(FleetSize.pumps)", "--years", "2", "--status-every", "7d", "--seed", "14",
            "--fault-scale", "5",
            "--socket", "tcp:127.0.0.1:\(daemon.port)", "--control-socket", daemon.harness.daemon.controlSocket,
            "--tls-cert", pki.certificate("gateway-a"), "--tls-key", pki.key("gateway-a"), "--tls-ca", pki.caBundle,
            "--connections", "8", "--verify",
        ]
        pumpsim.standardOutput = FileHandle(forWritingAtPath: output)
        pumpsim.standardError = FileHandle(forWritingAtPath: output)
        try pumpsim.run()
        defer {
            // Foundation learns of the exit only in waitUntilExit; until then the Process and its
            // handles stay alive (LeakSanitizer reported them at exit).
            if pumpsim.isRunning { kill(pumpsim.processIdentifier, SIGKILL) }
            pumpsim.waitUntilExit()
        }
        // Kill the daemon once part of the fleet's messages are stored, then start it again.
        var killed = false
        for _ in 0..<600 where !killed && pumpsim.isRunning {
            let stored =
                (try? daemon.harness.control(.init(op: .status), as: DaemonStatusDocument.self).result?.messages) ?? 0
            if stored > 5000 {
                daemon.harness.daemon.crash()
                try daemon.harness.daemon.start()
                killed = true
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        #expect(killed, "the fleet ended before the crash point")
        for _ in 0..<2400 where pumpsim.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        let printed = String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self)
        #expect(!pumpsim.isRunning)
        #expect(pumpsim.terminationStatus == 0, "\(printed.suffix(3000))")
        #expect(printed.contains("verify:            0 acknowledged messages missing"), "\(printed.suffix(2000))")
        #expect(printed.contains("missed failures:   0"), "\(printed.suffix(2000))")
    }
}

import Foundation
import PumpSimKit
import PumpTesting
import Testing

/// `accepted` means durable: a daemon killed with SIGKILL at random moments loses nothing it
/// acknowledged, and resends after the restart are duplicates, not new messages.
@Suite(.serialized) struct CrashRecoveryTests {
    @Test func everyAcceptedMessageSurvivesRepeatedKillNine() throws {
        let harness = try DaemonHarness()
        var rng = SplitMix64(seed: 42)
        var acknowledged = Set<String>()
        var sent = 0
        for round in 0..<5 {
            let socket = try LineSocket(unixPath: harness.daemon.ingestSocket)
            let lines = (0..<3000).map { i -> (String, String) in
                let id = "r\(round)-\(i)"
                return (
                    id, Lines.status("CRASH-\(i % 17)", id: id, at: Lines.time(Double(-200_000 + round * 3000 + i)))
                )
            }
            sent += lines.count
            try socket.send(lines.map { $0.1 + "\n" }.joined())
            // Read a random number of replies, then kill the daemon mid-stream.
            let readBeforeKill = Int(rng.next() % 2500)
            for _ in 0..<readBeforeKill {
                guard let line = try socket.readLine() else { break }
                let reply = DaemonHarness.decode(line)
                if reply.result == "accepted" || reply.result == "duplicate", let id = reply.id {
                    acknowledged.insert(id)
                }
            }
            harness.daemon.crash()
            // Replies already in the socket buffer were sent after their commit: they count too.
            while let line = try? socket.readLine() {
                let reply = DaemonHarness.decode(line)
                if reply.result == "accepted" || reply.result == "duplicate", let id = reply.id {
                    acknowledged.insert(id)
                }
            }
            try harness.daemon.start()
        }
        var stored = Set<String>()
        for pump in 0..<17 {
            for event in try harness.events("CRASH-\(pump)") {
                if let id = event["id"] as? String { stored.insert(id) }
            }
        }
        #expect(!acknowledged.isEmpty)
        #expect(acknowledged.isSubset(of: stored), "lost: \(acknowledged.subtracting(stored).sorted().prefix(10))")
        // Resending everything after the crashes: every stored message is a duplicate.
        let resend = Array(stored.prefix(200)).map { id -> String in
            let parts = id.dropFirst().split(separator: "-")
            let round = Int(parts[0])!
            let i = Int(parts[1])!
            return Lines.status("CRASH-\(i % 17)", id: id, at: Lines.time(Double(-200_000 + round * 3000 + i)))
        }
        _ = sent
        let replies = try harness.send(resend)
        #expect(replies.allSatisfy { $0.result == "duplicate" })
    }
}

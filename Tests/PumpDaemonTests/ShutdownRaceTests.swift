import Foundation
import PumpTesting
import Synchronization
import Testing

/// A `systemctl stop` while gateways and pumpctl connect must drain and exit 0: a connection the
/// listener accepts as it closes is dropped unserved, and that must not crash the daemon.
@Suite struct ShutdownRaceTests {
    /// Set when the connecting thread should stop.
    final class Done: Sendable {
        let flag = Mutex(false)
        var isSet: Bool { flag.withLock { $0 } }
        func set() { flag.withLock { $0 = true } }
    }

    @Test func sigtermDuringABurstOfConnectionsDrainsAndExitsZero() throws {
        for round in 0..<8 {
            let harness = try DaemonHarness()
            let ingest = harness.daemon.ingestSocket
            let control = harness.daemon.controlSocket
            let done = Done()
            let connector = Thread {
                // Connect and hang up as fast as possible until told to stop (refusals included).
                while !done.isSet {
                    _ = try? LineSocket(unixPath: ingest)
                    _ = try? LineSocket(unixPath: control)
                }
            }
            connector.start()
            usleep(useconds_t(20_000 + 10_000 * round))
            let status = harness.daemon.stop()
            done.set()
            #expect(status == 0, "round \(round): pumpmond ended with \(status); log: \(harness.daemon.log(tail: 8))")
            if status != 0 { break }
        }
    }
}

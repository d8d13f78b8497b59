import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// The daemon acts on a silent stall's deadline within a second of it, not at its next periodic
/// sweep (30 s), and repeats stamped earlier never push that deadline later (issue 12, items 8
/// and 9). Real time, real process, a grace of a few seconds.
@Suite(.serialized) struct StallDeadlineTests {
    static func stamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    /// Polls until the pump has a telemetry non-function record; returns when it appeared.
    static func waitForNonFunctionRecord(
        _ harness: DaemonHarness, serial: String, timeout: TimeInterval
    ) throws -> Date? {
        let limit = Date().addingTimeInterval(timeout)
        while Date() < limit {
            let records = try harness.records(serial: serial)
            if records.contains(where: { $0.trigger == "telemetry" && $0.replacementCriterion == "non_function" }) {
                return Date()
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    static func state(_ harness: DaemonHarness, serial: String) throws -> String? {
        try harness.control(ControlRequest(op: .devices), as: DeviceListDocument.self).result?.devices
            .first { $0.serial == serial }?.state
    }

    @Test func aSilentStallBecomesNonFunctionalWithinASecondOfItsDeadline() throws {
        let grace: TimeInterval = 2
        let harness = try DaemonHarness(extraArguments: ["--stall-grace", "\(Int(grace))"])
        let serial = "SM2-008001"
        // The sweeper has seen no deadline yet: without re-arming it would sleep its full 30 s.
        let sent = Date()
        let replies = try harness.send([
            Lines.status(serial, id: "st", at: Self.stamp(sent), motor: "stalled")
        ])
        #expect(replies.map(\.result) == ["accepted"])
        #expect(try Self.state(harness, serial: serial) == "stalled")
        let raised = try #require(try Self.waitForNonFunctionRecord(harness, serial: serial, timeout: 20))
        let late = raised.timeIntervalSince(sent) - grace
        #expect(late < 1.0, "acted \(late) s after the deadline")
        #expect(late > -0.2, "acted \(-late) s before the deadline")
        #expect(try Self.state(harness, serial: serial) == "non_functional")
    }

    @Test func stallsStampedEarlierAndEarlierDoNotPushTheDeadlineBack() throws {
        let grace: TimeInterval = 5
        let harness = try DaemonHarness(extraArguments: ["--stall-grace", "\(Int(grace))"])
        let serial = "SM2-008002"
        let first = Date()
        // Each repeat is stamped 1 s before the last and sent 0.7 s later: out of `at` order, so
        // the daemon replays the pump's messages each time. The stamps span 3 s, less than the
        // grace, so no message passes the deadline on the pump's own clock.
        for i in 0..<4 {
            if i > 0 { Thread.sleep(forTimeInterval: 0.7) }
            let at = Self.stamp(first.addingTimeInterval(-Double(i)))
            let replies = try harness.send([Lines.status(serial, id: "st\(i)", at: at, motor: "stalled")])
            #expect(replies.map(\.result) == ["accepted"])
        }
        let raised = try #require(try Self.waitForNonFunctionRecord(harness, serial: serial, timeout: 20))
        // Fixed at the first receipt: first + 5 s; pushed back it would be the last receipt + 5 s (≈ 7.1 s).
        let late = raised.timeIntervalSince(first) - grace
        #expect(late < 1.0, "acted \(late) s after the deadline of the first receipt")
        #expect(late > -0.2, "acted \(-late) s before the deadline of the first receipt")
        #expect(try Self.state(harness, serial: serial) == "non_functional")
    }
}

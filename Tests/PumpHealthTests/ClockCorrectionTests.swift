import PumpHealth
import Testing

/// The stall rules where the pump's clock and the daemon's disagree (issue 12, items 9 and 10):
/// the daemon-clock deadline is fixed at the first receipt of the episode, and a recovery received
/// after a stall counts though stamped up to 5 minutes before it.
@Suite struct ClockCorrectionTests {
    /// A signal with its place in the daemon's order of receipt.
    static func arriving(_ signal: HealthSignal, _ arrival: Int64) -> HealthSignal {
        var s = signal
        s.arrival = arrival
        return s
    }

    @Test func stallsStampedEarlierAndEarlierNeverMoveTheDaemonDeadlineLater() {
        // Each `stalled` status is stamped 1 s before the last and received 1 s after it: every one
        // sends the pump's state back through a replay in `at` order.
        let firstReceipt = base + 10 * minute
        var received: [HealthSignal] = []
        for i in 0..<45 {
            received.append(
                Self.arriving(
                    status(
                        "st\(i)", at: 10 * minute - Int64(i) * 1_000_000, motor: "stalled",
                        receivedAt: firstReceipt + Int64(i) * 1_000_000), Int64(i + 1)))
            let health = PumpHealth.replaying(received, rules: StallRules())
            #expect(health.silentStallDeadline == firstReceipt + 2 * hour)
        }
        let health = PumpHealth.replaying(received, rules: StallRules())
        #expect(health.assess(now: firstReceipt + 2 * hour + 1).state == .nonFunctional)
        // The episode still begins at the stall stamped earliest, the pump-clock evidence.
        #expect(ids(health.assess(now: firstReceipt + 2 * hour + 1).nonFunctionEvidence) == ["st44"])
    }

    @Test func aRepeatReceivedLaterNeverMovesTheDeadlineWhenAppliedInOrder() {
        var health = fold([alert("st", "MOTOR_STALL", at: 0, receivedAt: base + delivery)])
        health.apply(status("again", at: 1 * minute, motor: "stalled", receivedAt: base + 1 * hour))
        #expect(health.silentStallDeadline == base + delivery + 2 * hour)
    }

    @Test(arguments: [30 * 1_000_000, 5 * minute] as [Int64])
    func aRecoveryReceivedAfterTheStallButStampedBeforeItCounts(before: Int64) {
        let stall = Self.arriving(alert("st", "MOTOR_STALL", at: 10 * hour), 2)
        let recovery = Self.arriving(status("ok", at: 10 * hour - before), 3)
        let later = Self.arriving(status("later", at: 13 * hour), 4)
        let health = PumpHealth.replaying(
            [Self.arriving(status("s0", at: 0), 1), stall, recovery, later], rules: StallRules())
        #expect(health.stall == nil)
        #expect(health.silentStallDeadline == nil)
        let judged = health.assess(now: base + 100 * hour)
        #expect(judged.state == .functional)
        #expect(judged.nonFunctionEvidence == nil)
        #expect(judged.lapsedStallEvidence == nil)
    }

    @Test func aRecoveryStampedMoreThanFiveMinutesBeforeTheStallDoesNotCount() {
        let stall = Self.arriving(alert("st", "MOTOR_STALL", at: 10 * hour), 2)
        let recovery = Self.arriving(status("ok", at: 10 * hour - 5 * minute - 1), 3)
        let health = PumpHealth.replaying(
            [Self.arriving(status("s0", at: 0), 1), stall, recovery], rules: StallRules())
        #expect(health.assess(now: nil).state == .stalled)
        #expect(health.stall?.start.messageID == "st")
    }

    @Test func aRecoveryReceivedBeforeTheStallStillDoesNotEndIt() {
        // In `at` order and in order of receipt the pump recovered, then stalled 30 s later.
        let recovery = Self.arriving(alert("rec", "MOTOR_STALL_RECOVERED", at: 10 * hour - 30_000_000), 2)
        let stall = Self.arriving(alert("st", "MOTOR_STALL", at: 10 * hour), 3)
        let health = PumpHealth.replaying(
            [Self.arriving(status("s0", at: 0), 1), recovery, stall], rules: StallRules())
        #expect(health.assess(now: nil).state == .stalled)
        var applied = fold([Self.arriving(status("s0", at: 0), 1), recovery])
        applied.apply(stall)
        #expect(applied == health)
    }

    @Test func theRecoveryKeepsEndingRepeatsStampedWithinItsTolerance() {
        // Received in this order: stall, a repeat 2 minutes later on the pump's clock, then the
        // recovery stamped 30 s before the first stall.
        let signals = [
            Self.arriving(alert("st", "MOTOR_STALL", at: 10 * hour), 1),
            Self.arriving(status("again", at: 10 * hour + 2 * minute, motor: "stalled"), 2),
            Self.arriving(status("ok", at: 10 * hour - 30_000_000), 3),
        ]
        let health = PumpHealth.replaying(signals, rules: StallRules())
        #expect(health.assess(now: base + 100 * hour).state == .functional)
    }

    @Test func aRecoveryOutOfAtOrderIsNotInOrderSoTheDaemonReplays() {
        let health = fold([Self.arriving(alert("st", "MOTOR_STALL", at: 10 * hour), 1)])
        #expect(!health.isInOrder(Self.arriving(status("ok", at: 10 * hour - 30_000_000), 2)))
    }

    @Test func theRememberedRecoveryIsForgottenOnceNoStallCanCountIt() {
        var health = fold([Self.arriving(status("ok", at: 0), 1)])
        #expect(health.latestRecovery == RecoveryMark(at: base, arrival: 1))
        health.apply(Self.arriving(alert("low", "LOW_RESERVOIR", at: 5 * minute), 2))
        #expect(health.latestRecovery != nil)
        health.apply(Self.arriving(alert("low2", "LOW_RESERVOIR", at: 5 * minute + 1), 3))
        #expect(health.latestRecovery == nil)
    }
}

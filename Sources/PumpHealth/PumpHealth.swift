/// The failure-detection state machine of one pump: a pure fold over its messages in `at` order.
///
/// It reads no clock: the pump's times come with each signal, and the daemon's clock is passed
/// to `assess(now:)`. It keeps only what the rules need, so that the daemon can persist one per
/// pump in a few hundred bytes (PumpStore's `PumpHealth+Storage.swift`): the sticky conditions
/// with the message that first showed each, the open critical error, the current stall episode,
/// the most recent lapsed-and-recovered stall, the latest MRI exposure while it can still lengthen
/// a stall's grace, the latest recovery while a stall stamped after it could still count it, the
/// latest status, and the latest `at`.
///
/// The rules (`telemetry-protocol.md`, `policy.md` "Replacement assessment"):
/// - Non-function: battery `EOS` (status) or alert `BATTERY_EOS`; `LOW_BATTERY_RESET`; a
///   `CRITICAL_ERROR` not yet cleared; a motor stall with no recovery within its grace.
/// - Impending failure: battery `ERI` or alert `BATTERY_ERI`; alert `IMPENDING_FAILURE`.
/// - `EOS`, `LOW_BATTERY_RESET`, `ERI` and `IMPENDING_FAILURE` are sticky. `cleared` matters only
///   for `CRITICAL_ERROR` (it ends every open critical error) and `MOTOR_STALL` (a recovery); a
///   `cleared` of any other code, or without an earlier raise, changes nothing.
/// - Reservoir alerts, `PUMP_RESET`, `MRI_EXPOSURE` and vendor codes are not failures.
/// - Each message is believed on its own (a `MOTOR_STALL` from a pump that reports no motor
///   counts).
///
/// Stalls: an episode begins at the first stall signal (alert `MOTOR_STALL` raised, or status
/// `motor: "stalled"`) after the last recovery. A recovery is an alert `MOTOR_STALL_RECOVERED`,
/// a `MOTOR_STALL` cleared, or a status `motor: "ok"`, at or after the stall's `at`, or received
/// after the stall and stamped at most `StallRules.recoveryTolerance` before it. The grace is
/// `stallGrace`, or `mriStallGrace` when the stall begins 0 to `mriWindow` (closed) after an
/// `MRI_EXPOSURE`'s `at`; a recovery stamped exactly at the deadline counts. On the pump's clock
/// any message at or after the deadline with no recovery by then makes the stall non-function;
/// on the daemon's clock it is non-function once `now` is past the first receipt of a stall signal
/// of the episode plus the grace (a repeat received later never moves that deadline later). A stall that became non-function and later recovers leaves the pump functional again
/// (like a cleared critical error); it stays visible as `HealthAssessment.lapsedStallEvidence`.
package struct PumpHealth: Sendable, Hashable, Codable {
    /// The stall grace rules this pump is judged by.
    package let rules: StallRules
    /// The greatest `at` applied so far (µs), `nil` before the first signal.
    package var latestAt: Int64?

    /// Whether any message has decided anything (a status, or an alert that changed a condition).
    package var decided = false
    /// The latest status applied: the evidence of `Finding.none`.
    package var latestStatus: EvidenceRef?
    /// The message that first showed end of service (sticky).
    package var endOfService: EvidenceRef?
    /// The message that first showed a low-battery reset (sticky).
    package var lowBatteryReset: EvidenceRef?
    /// The message that first showed the elective replacement indicator (sticky).
    package var electiveReplacement: EvidenceRef?
    /// The message that first showed `IMPENDING_FAILURE` (sticky).
    package var impendingFailure: EvidenceRef?
    /// The raise that opened the current critical error, until a `cleared` ends it.
    package var criticalError: EvidenceRef?
    /// The open stall episode, if any.
    package var stall: StallEpisode?
    /// The most recent episode that ran past its deadline and then recovered.
    package var lapsedStall: StallEpisode?
    /// The latest MRI exposure, kept while a stall beginning now could still get the MRI grace.
    package var latestMRIExposure: EvidenceRef?
    /// The recovery received last, kept while a stall applied after it could still count it as
    /// its recovery (stamped at most `StallRules.recoveryTolerance` before the stall, received
    /// after it): a replay in `at` order applies such a recovery before its stall.
    package var latestRecovery: RecoveryMark?

    /// Creates the state of a pump that has sent nothing: `unknown`.
    package init(rules: StallRules = .init()) {
        self.rules = rules
    }

    /// Whether `signal` can be applied as it is: its `at` is not before `latestAt`. When it is
    /// not, the daemon rebuilds the state with `replaying(_:rules:)` over the pump's messages.
    package func isInOrder(_ signal: HealthSignal) -> Bool {
        latestAt.map { signal.at >= $0 } ?? true
    }

    /// Rebuilds a pump's state from its messages in any order: sorts them by `at` (ties keep
    /// their order in `signals`, which should be arrival order) and applies each.
    package static func replaying(_ signals: [HealthSignal], rules: StallRules = .init()) -> PumpHealth {
        var health = PumpHealth(rules: rules)
        let ordered = signals.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
        for (_, signal) in ordered { health.apply(signal) }
        return health
    }

    /// Applies one message. The caller guarantees `at` order (`signal.at >= latestAt`, ties in
    /// arrival order; see `isInOrder(_:)`); a signal out of order is still applied, in arrival
    /// order, which may differ from what `replaying(_:rules:)` gives.
    package mutating func apply(_ signal: HealthSignal) {
        let ref = signal.evidence
        latestAt = max(latestAt ?? signal.at, signal.at)
        judgeStallOnPumpClock(signal, ref: ref)
        switch signal.kind {
        case .status: applyStatus(signal, ref: ref)
        case .alert: applyAlert(signal, ref: ref)
        }
        forgetStaleMRIExposure()
        forgetStaleRecovery()
    }

    /// The daemon-clock moment (µs) after which the open stall becomes non-function if nothing
    /// arrives: the stall's receipt plus its grace. `nil` when no stall is open, or when the open
    /// stall is already non-function on the pump's clock. The daemon's sweeper assesses the pump
    /// again once its clock is past this moment.
    package var silentStallDeadline: Int64? {
        guard let stall, stall.pastDeadline == nil else { return nil }
        return stall.silentDeadline
    }
}

extension PumpHealth {
    /// Whether `signal` ends a stall that began at `stallAt`.
    private static func isRecovery(_ signal: HealthSignal, ofStallAt stallAt: Int64) -> Bool {
        signal.at >= stallAt && isRecoverySignal(signal)
    }

    /// Whether `signal` says the motor turns: a recovery of whatever stall precedes it.
    private static func isRecoverySignal(_ signal: HealthSignal) -> Bool {
        switch signal.kind {
        case .status:
            return signal.motor == Word.motorOK
        case .alert:
            return (signal.code == Word.motorStallRecovered && !signal.cleared)
                || (signal.code == Word.motorStall && signal.cleared)
        }
    }

    /// A message at or after the open stall's deadline, unless it is a recovery exactly at the
    /// deadline, makes the stall non-function on the pump's clock. Runs before the message's own
    /// effects, so a late recovery first shows the lapse and then ends the stall.
    private mutating func judgeStallOnPumpClock(_ signal: HealthSignal, ref: EvidenceRef) {
        guard var open = stall, open.pastDeadline == nil, signal.at >= open.deadline else { return }
        if signal.at == open.deadline && Self.isRecovery(signal, ofStallAt: open.start.at) { return }
        open.pastDeadline = ref
        stall = open
    }

    private mutating func applyStatus(_ signal: HealthSignal, ref: EvidenceRef) {
        decided = true
        latestStatus = ref
        switch signal.battery {
        case Word.eos?: endOfService = endOfService ?? ref
        case Word.eri?: electiveReplacement = electiveReplacement ?? ref
        default: break
        }
        switch signal.motor {
        case Word.motorStalled?: beginStall(signal, ref: ref)
        case Word.motorOK?: recover(signal)
        default: break
        }
    }

    private mutating func applyAlert(_ signal: HealthSignal, ref: EvidenceRef) {
        guard let code = signal.code else { return }
        if signal.cleared {
            switch code {
            case Word.criticalError where criticalError != nil:
                criticalError = nil
                decided = true
            case Word.motorStall:
                recover(signal)
            default:
                break  // a cleared of any other code, or without a raise, changes nothing
            }
            return
        }
        switch code {
        case Word.motorStall: beginStall(signal, ref: ref)
        case Word.motorStallRecovered: recover(signal)
        case Word.criticalError: Self.raise(&criticalError, ref)
        case Word.batteryEOS: Self.raise(&endOfService, ref)
        case Word.lowBatteryReset: Self.raise(&lowBatteryReset, ref)
        case Word.batteryERI: Self.raise(&electiveReplacement, ref)
        case Word.impendingFailure: Self.raise(&impendingFailure, ref)
        case Word.mriExposure: noteMRIExposure(ref)
        default: return  // reservoir alerts, PUMP_RESET, vendor codes: not failures
        }
        if code != Word.mriExposure && code != Word.motorStallRecovered { decided = true }
    }

    /// Sets a condition unless it already holds: its evidence is the message that first showed it.
    private static func raise(_ condition: inout EvidenceRef?, _ ref: EvidenceRef) {
        if condition == nil { condition = ref }
    }

    private func qualifiesForMRIGrace(stallAt: Int64, exposure: EvidenceRef) -> Bool {
        let delay = stallAt.saturatingSubtract(exposure.at)
        return delay >= 0 && delay <= rules.mriWindow
    }

    private mutating func beginStall(_ signal: HealthSignal, ref: EvidenceRef) {
        decided = true
        if var open = stall {
            // A repeat does not restart the episode, and its receipt never moves the daemon-clock
            // deadline later; one received earlier (applied later in `at` order) moves it earlier.
            if signal.receivedAt < open.startReceivedAt {
                open.startReceivedAt = signal.receivedAt
                stall = open
            }
            return
        }
        if let mark = latestRecovery, mark.arrival > signal.arrival,
            mark.at >= signal.at.saturatingSubtract(StallRules.recoveryTolerance)
        {
            return  // recovered by a recovery received after it, stamped just before it
        }
        var episode = StallEpisode(start: ref, startReceivedAt: signal.receivedAt, grace: rules.stallGrace)
        if let exposure = latestMRIExposure, qualifiesForMRIGrace(stallAt: ref.at, exposure: exposure) {
            episode.mriExposure = exposure
            episode.grace = rules.mriStallGrace
        }
        stall = episode
    }

    private mutating func recover(_ signal: HealthSignal) {
        noteRecovery(signal)
        guard let open = stall, Self.isRecovery(signal, ofStallAt: open.start.at) else { return }
        if open.pastDeadline != nil { lapsedStall = open }
        stall = nil
        decided = true
    }

    /// Remembers the recovery for stall signals applied after it. Keeps the one received last,
    /// unless it is stamped too long before this one to end any stall still to come.
    private mutating func noteRecovery(_ signal: HealthSignal) {
        guard Self.isRecoverySignal(signal) else { return }
        let mark = RecoveryMark(at: signal.at, arrival: signal.arrival)
        if let kept = latestRecovery, kept.arrival > mark.arrival,
            kept.at >= mark.at.saturatingSubtract(StallRules.recoveryTolerance)
        {
            return
        }
        latestRecovery = mark
    }

    /// Remembers the exposure. An exposure stamped at the very `at` of an open stall, but applied
    /// after it (a tie in arrival order), still lengthens that stall's grace: the stall began 0
    /// minutes after it.
    private mutating func noteMRIExposure(_ ref: EvidenceRef) {
        latestMRIExposure = ref
        guard var open = stall, open.mriExposure == nil, open.pastDeadline == nil,
            qualifiesForMRIGrace(stallAt: open.start.at, exposure: ref)
        else { return }
        open.mriExposure = ref
        open.grace = max(open.grace, rules.mriStallGrace)
        stall = open
    }

    /// Drops the remembered recovery once no stall stamped at or after `latestAt` could count it.
    private mutating func forgetStaleRecovery() {
        guard let mark = latestRecovery, let latestAt,
            latestAt.saturatingSubtract(mark.at) > StallRules.recoveryTolerance
        else { return }
        latestRecovery = nil
    }

    /// Drops the latest exposure once no stall beginning at or after `latestAt` could use it.
    private mutating func forgetStaleMRIExposure() {
        guard let exposure = latestMRIExposure, let latestAt,
            latestAt.saturatingSubtract(exposure.at) > rules.mriWindow
        else { return }
        latestMRIExposure = nil
    }
}

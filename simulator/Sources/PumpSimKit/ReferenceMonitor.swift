import PumpControlProtocol
import PumpPolicy
import PumpTelemetry

/// A record the simulator expects the daemon to hold, in the terms a scenario file writes them.
package struct ExpectedRecord: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `implant` or `replacement`.
    package var type: String
    /// `telemetry` or `request`.
    package var trigger: String
    /// The replacement criterion word, nil for an implant record.
    package var criterion: String?
    /// The determination word.
    package var determination: String
    /// The clause.
    package var clause: String
    /// The request reason, when the scenario pins it (nil: not checked).
    package var reason: String?
    /// The missing facts, when the scenario pins them (nil: not checked).
    package var missing: [String]?

    package init(
        type: String, trigger: String, criterion: String?, determination: String, clause: String,
        reason: String? = nil, missing: [String]? = nil
    ) {
        self.type = type
        self.trigger = trigger
        self.criterion = criterion
        self.determination = determination
        self.clause = clause
        self.reason = reason
        self.missing = missing
    }

    /// Whether the daemon's `record` is this one (fields left nil here are not compared).
    package func matches(_ record: EligibilityRecordDocument) -> Bool {
        record.type == type && record.trigger == trigger && record.replacementCriterion == criterion
            && record.determination == determination && record.clause == clause
            && (reason == nil || record.requestReason == reason) && (missing == nil || record.missing == missing)
    }

    /// `replacement/telemetry non_function -> medically_necessary (MN.replacement.non_function)`.
    package var description: String {
        var s = "\(type)/\(trigger) \(criterion ?? "-") -> \(determination) (\(clause))"
        if let reason { s += " reason=\(reason)" }
        if let missing { s += " missing=[\(missing.joined(separator: ","))]" }
        return s
    }
}

/// The stall grace periods of the protocol (`--stall-grace`, `--mri-stall-grace`).
package struct StallGrace: Sendable, Hashable {
    /// Grace for a plain stall (seconds); the daemon's default is 2 hours.
    package var plain: Int64
    /// Grace for a stall beginning 0 to 60 minutes after an MRI exposure; default 24 hours.
    package var afterMRI: Int64

    /// The daemon's defaults: 2 h and 24 h.
    package static let defaults = StallGrace(plain: 2 * SimTime.hour, afterMRI: 24 * SimTime.hour)

    /// Creates grace periods.
    package init(plain: Int64, afterMRI: Int64) {
        self.plain = plain
        self.afterMRI = afterMRI
    }
}

/// An independent, simple reading of how the daemon judges one pump (`telemetry-protocol.md`,
/// "How the daemon reads a pump's messages"), used to check that scenario files expect what the
/// spec says. It judges stalls on the pump's own clock only (the simulator never lets a pump
/// fall silent inside a stall), in `at` order, counting a recovery received after a stall and
/// stamped at most 5 minutes before it. Messages stamped before 2000 never reach it: the daemon
/// rejects them (`timestamp_implausible`).
package struct ReferenceMonitor: Sendable {
    private var messages: [PumpMessage] = []
    private let grace: StallGrace
    /// The enrolled therapy, nil while none.
    package var therapy: EnrollmentDocument?
    /// The records raised so far, in order.
    package private(set) var records: [ExpectedRecord] = []

    /// A monitor with no message yet.
    package init(grace: StallGrace = .defaults) {
        self.grace = grace
    }

    /// The pump's state and replacement criterion over the messages received so far.
    package var judgement: (state: PumpState, criterion: ReplacementCriterion) {
        Self.judge(messages, grace: grace)
    }

    /// Enrolls a therapy: raises the implant record.
    package mutating func enroll(_ therapy: EnrollmentDocument) throws(VocabularyError) {
        self.therapy = therapy
        let a = try PolicyOracle.implant(therapy)
        records.append(
            ExpectedRecord(
                type: "implant", trigger: "request", criterion: nil, determination: a.determination.rawValue,
                clause: a.clause, missing: a.missing))
    }

    /// Receives one accepted message; raises the telemetry record it newly shows, if any.
    package mutating func receive(_ message: PumpMessage) throws(VocabularyError) {
        messages.append(message)
        let criterion = judgement.criterion
        guard criterion != .none else { return }
        let raised = Set(records.filter { $0.trigger == "telemetry" }.compactMap(\.criterion))
        if raised.contains(criterion.rawValue) { return }
        if criterion == .impendingFailure && raised.contains(ReplacementCriterion.nonFunction.rawValue) { return }
        if let a = try PolicyOracle.replacement(criterion: criterion, reason: nil, therapy: therapy) {
            records.append(
                ExpectedRecord(
                    type: "replacement", trigger: "telemetry", criterion: criterion.rawValue,
                    determination: a.determination.rawValue, clause: a.clause, missing: a.missing))
        }
    }

    /// A replacement request: raises and returns its record.
    @discardableResult
    package mutating func requestReplacement(_ reason: RequestReason) throws(VocabularyError) -> ExpectedRecord {
        let criterion = judgement.criterion
        let assessment = try PolicyOracle.request(criterion: criterion, reason: reason, therapy: therapy)
        let record = ExpectedRecord(
            type: "replacement", trigger: "request", criterion: criterion.rawValue,
            determination: assessment.determination.rawValue, clause: assessment.clause, reason: reason.rawValue,
            missing: assessment.missing)
        records.append(record)
        return record
    }

    /// Judges a pump's messages, applied in `at` order (then arrival).
    package static func judge(_ arrived: [PumpMessage], grace: StallGrace) -> (PumpState, ReplacementCriterion) {
        let ordered = arrived.enumerated().sorted { a, b in
            a.element.at != b.element.at ? a.element.at < b.element.at : a.offset < b.offset
        }
        // A recovery received after a stall and stamped at most 5 minutes before it (a pump clock
        // corrected backwards) ends it, though `at` order applies it before the stall.
        let recoveredByLaterReceipt = { (stall: Int, at: SimTime) -> Bool in
            arrived.indices.contains { i in
                i > stall && Self.isRecovery(arrived[i]) && arrived[i].at <= at
                    && arrived[i].at.seconds >= at.seconds - 5 * SimTime.minute
            }
        }
        var endOfService = false
        var lowBatteryReset = false
        var criticalOpen = false
        var stallFailed = false
        var eri = false
        var impending = false
        var sawStatus = false
        var stallStart: SimTime? = nil
        var deadline = SimTime(seconds: 0)
        var lastMRI: SimTime? = nil
        for (arrival, m) in ordered {
            var stallSignal = false
            var recoverySignal = false
            switch m.body {
            case .status(let s):
                sawStatus = true
                if s.battery?.state == .EOS { endOfService = true }
                if s.battery?.state == .ERI { eri = true }
                if s.motor == .stalled { stallSignal = true }
                if s.motor == .ok { recoverySignal = true }
            case .alert(let a):
                switch (a.code.word, a.state == .cleared) {
                case ("BATTERY_EOS", false): endOfService = true
                case ("LOW_BATTERY_RESET", false): lowBatteryReset = true
                case ("CRITICAL_ERROR", false): criticalOpen = true
                case ("CRITICAL_ERROR", true): criticalOpen = false
                case ("BATTERY_ERI", false): eri = true
                case ("IMPENDING_FAILURE", false): impending = true
                case ("MRI_EXPOSURE", false): lastMRI = m.at
                case ("MOTOR_STALL", false): stallSignal = true
                case ("MOTOR_STALL", true), ("MOTOR_STALL_RECOVERED", _): recoverySignal = true
                default: break
                }
            }
            if let start = stallStart {
                if recoverySignal && m.at >= start {
                    stallStart = nil
                    if m.at > deadline { stallFailed = true }
                } else if m.at >= deadline {
                    stallFailed = true
                }
            } else if stallSignal && !recoveredByLaterReceipt(arrival, m.at) {
                stallStart = m.at
                let afterMRI = lastMRI.map { m.at.seconds - $0.seconds >= 0 && m.at.seconds - $0.seconds <= 3_600 }
                deadline = m.at.adding(afterMRI == true ? grace.afterMRI : grace.plain)
            }
        }
        let nonFunction = endOfService || lowBatteryReset || criticalOpen || stallFailed
        let impendingFailure = eri || impending
        if nonFunction { return (.nonFunctional, .nonFunction) }
        if stallStart != nil { return (.stalled, .none) }
        if impendingFailure { return (.impendingFailure, .impendingFailure) }
        return (sawStatus ? .functional : .unknown, .none)
    }

    /// Whether the message says the motor turns: `motor: "ok"`, `MOTOR_STALL_RECOVERED`, or
    /// `MOTOR_STALL` cleared.
    static func isRecovery(_ m: PumpMessage) -> Bool {
        switch m.body {
        case .status(let s): s.motor == .ok
        case .alert(let a):
            a.code.word == "MOTOR_STALL_RECOVERED" || (a.code.word == "MOTOR_STALL" && a.state == .cleared)
        }
    }
}

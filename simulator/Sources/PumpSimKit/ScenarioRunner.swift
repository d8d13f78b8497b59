import PumpControlProtocol
import PumpPolicy
import PumpTelemetry

extension ExpectedRecord {
    /// The record a daemon document is, every field filled in.
    package init(document d: EligibilityRecordDocument) {
        self.init(
            type: d.type, trigger: d.trigger, criterion: d.replacementCriterion, determination: d.determination,
            clause: d.clause, reason: d.requestReason, missing: d.missing)
    }

    /// Whether `actual` is this record; the fields this one leaves nil (reason, missing) are not compared.
    package func matches(_ actual: ExpectedRecord) -> Bool {
        actual.type == type && actual.trigger == trigger && actual.criterion == criterion
            && actual.determination == determination && actual.clause == clause
            && (reason == nil || actual.reason == reason) && (missing == nil || actual.missing == missing)
    }
}

/// Compares the records a pump must have with the ones it has: every expected one matched to a
/// distinct actual one, and no actual one left over. Returns the problems, none when they agree.
package func compareRecords(serial: String, expected: [ExpectedRecord], actual: [ExpectedRecord]) -> [String] {
    var unmatched = actual
    var problems: [String] = []
    for e in expected {
        if let i = unmatched.firstIndex(where: { e.matches($0) }) {
            unmatched.remove(at: i)
        } else {
            problems.append("\(serial): missing record \(e)")
        }
    }
    for a in unmatched { problems.append("\(serial): unexpected record \(a)") }
    return problems
}

/// The result of one scenario.
package struct ScenarioOutcome: Sendable {
    /// The scenario's name.
    package var name: String
    /// Everything that differed from the expectation; empty when it passed.
    package var problems: [String]
    /// What the sender counted (zero for a check without a daemon).
    package var counts: SendCounts

    /// Whether the scenario passed.
    package var passed: Bool { problems.isEmpty }
}

/// Plays scenarios without a daemon, against `ReferenceMonitor` and `PolicyOracle`: proves that a
/// scenario's expectations are what the spec's tables say (`pumpsim scenario --check`).
package enum ScenarioChecker {
    /// Checks one compiled scenario.
    package static func check(_ script: ScenarioScript) -> ScenarioOutcome {
        var monitors: [String: ReferenceMonitor] = [:]
        var problems: [String] = []
        for step in script.steps {
            do {
                switch step {
                case .send(let serial, _, let message, let expect):
                    if let message, expect.result == .accepted {
                        try monitors[serial, default: ReferenceMonitor()].receive(message)
                    }
                case .enroll(let serial, let therapy):
                    try monitors[serial, default: ReferenceMonitor()].enroll(therapy)
                case .requestReplacement(let serial, let reason, _):
                    try monitors[serial, default: ReferenceMonitor()].requestReplacement(reason)
                }
            } catch {
                problems.append("\(script.scenario.name): \(error)")
            }
        }
        for pump in script.scenario.pumps {
            let monitor = monitors[pump.serial] ?? ReferenceMonitor()
            if let state = pump.expect.state, monitor.judgement.state != state {
                problems.append(
                    "\(pump.serial): expected state \(state.rawValue), the spec gives \(monitor.judgement.state.rawValue)"
                )
            }
            problems += compareRecords(serial: pump.serial, expected: pump.expect.records, actual: monitor.records)
        }
        return ScenarioOutcome(name: script.scenario.name, problems: problems, counts: SendCounts())
    }
}

/// Plays scenarios against a running daemon: lines on the ingest socket (one connection, so the
/// order is the script's), enrollments and requests through `DaemonControl`, then compares the
/// daemon's records and states with the expectations.
package struct ScenarioRunner: Sendable {
    /// The sender (its connection count is forced to 1).
    package var sender: IngestSender
    /// The control side.
    package var control: any DaemonControl

    package init(sender: IngestSender, control: any DaemonControl) {
        var single = sender
        single.configuration.connections = 1
        self.sender = single
        self.control = control
    }

    /// Runs one compiled scenario.
    package func run(_ script: ScenarioScript) throws(SenderError) -> ScenarioOutcome {
        var problems: [String] = []
        var counts = SendCounts()
        var batch: [(OutgoingLine, ExpectedReply)] = []

        func flush() throws(SenderError) {
            guard !batch.isEmpty else { return }
            var replies: [Int: Reply] = [:]
            var source = ArrayLineSource(batch.map(\.0))
            let report = try sender.send(&source, onReply: { line, reply in replies[line.tag] = reply })
            counts.add(report.counts)
            for (line, expect) in batch {
                guard let reply = replies[line.tag] else {
                    problems.append("line \(line.id ?? "(no id)"): no final reply")
                    continue
                }
                if reply.result != expect.result || (expect.reason != nil && reply.reason != expect.reason) {
                    let got = reply.result.rawValue + (reply.reason.map { " (\($0))" } ?? "")
                    problems.append("line \(line.id ?? "(no id)"): expected \(expect), got \(got)")
                }
                if reply.id != line.id {
                    problems.append("line \(line.id ?? "(no id)"): reply echoed id \(reply.id ?? "null")")
                }
            }
            batch.removeAll()
        }

        for step in script.steps {
            switch step {
            case .send(_, let line, _, let expect):
                batch.append((line, expect))
            case .enroll(let serial, let therapy):
                try flush()
                do { _ = try control.enroll(serial: serial, therapy: therapy) } catch {
                    problems.append(error.description)
                }
            case .requestReplacement(let serial, let reason, let note):
                try flush()
                do {
                    _ = try control.requestReplacement(serial: serial, reason: reason, note: note)
                } catch {
                    problems.append(error.description)
                }
            }
        }
        try flush()

        var states: [String: String] = [:]
        do {
            for d in try control.devices().devices { states[d.serial] = d.state }
        } catch {
            problems.append(error.description)
        }
        for pump in script.scenario.pumps {
            if let state = pump.expect.state, states[pump.serial] != state.rawValue {
                problems.append(
                    "\(pump.serial): expected state \(state.rawValue), the daemon says \(states[pump.serial] ?? "nothing")"
                )
            }
            do {
                let actual = try control.eligibility(serial: pump.serial).records.map(ExpectedRecord.init(document:))
                problems += compareRecords(serial: pump.serial, expected: pump.expect.records, actual: actual)
            } catch {
                problems.append(error.description)
            }
        }
        return ScenarioOutcome(name: script.scenario.name, problems: problems, counts: counts)
    }
}

extension SendCounts {
    /// Adds another send's counts to these.
    package mutating func add(_ o: SendCounts) {
        messages += o.messages
        written += o.written
        accepted += o.accepted
        duplicate += o.duplicate
        rejected += o.rejected
        unavailable += o.unavailable
        resent += o.resent
        droppedConnections += o.droppedConnections
        badReplies += o.badReplies
        abandoned += o.abandoned
    }
}

import PumpControlProtocol

/// The outcome of a fleet run.
package struct FleetRunResult: Sendable {
    /// What the truth adds up to.
    package var tally: FleetTally
    /// What the sender saw.
    package var send: SendReport
    /// Enrollments the daemon refused.
    package var enrollFailures: [String]
    /// Records the daemon holds for the fleet's pumps.
    package var records: Int
    /// Telemetry replacement records among them.
    package var telemetryRecords: Int
    /// Comparison with the truth.
    package var discrepancies: FleetDiscrepancies
    /// Acknowledged messages not found in the store, by serial (nil without `--verify`).
    package var lost: [String: [String]]?

    /// Whether the run passed: every line answered, nothing lost, no discrepancy, no refusal.
    package var passed: Bool {
        discrepancies.total == 0 && enrollFailures.isEmpty && (lost?.isEmpty ?? true)
            && send.counts.abandoned == 0 && send.counts.badReplies == 0 && send.counts.rejected == 0
    }

    /// The summary lines.
    package var summary: [String] {
        var lines = ["fleet: \(tally.pumps) pumps"]
        lines += Summary.sending(send.counts, elapsed: send.elapsed)
        lines.append("records raised:    \(records) (\(telemetryRecords) by telemetry)")
        let failed = FailureReason.allCases.map { "\($0.rawValue) \(tally.failed[$0] ?? 0)" }.joined(separator: ", ")
        lines.append(
            "ground truth:      \(tally.reachedERI) reached ERI; failed: \(failed); "
                + "\(tally.onlyBriefStalls) only stalled briefly (\(tally.recoveredStalls) recovered stalls)")
        let d = discrepancies
        lines.append("missed failures:   \(d.missedFailures)")
        lines.append("missed ERI:        \(d.missedImpendingFailures)")
        lines.append("false MN records:  \(d.falseMedicallyNecessary)")
        lines.append("wrong reason:      \(d.wrongReason)")
        lines.append("duplicate records: \(d.duplicateRecords)")
        lines.append("state mismatches:  \(d.stateMismatches)")
        if !enrollFailures.isEmpty { lines.append("enroll failures:   \(enrollFailures.count)") }
        if let lost {
            lines.append(
                "verify:            \(lost.values.reduce(0) { $0 + $1.count }) acknowledged messages missing from the store"
            )
        }
        lines += d.details.prefix(50).map { "  " + $0 }
        if d.details.count > 50 { lines.append("  ... \(d.details.count - 50) more") }
        for (serial, ids) in (lost ?? [:]).sorted(by: { $0.key < $1.key }).prefix(20) {
            lines.append(
                "  \(serial): not stored: \(ids.prefix(5).joined(separator: ", "))\(ids.count > 5 ? ", ..." : "")")
        }
        lines.append(passed ? "RESULT: PASS" : "RESULT: FAIL")
        return lines
    }
}

/// Runs a fleet against a daemon: enrolls every pump's therapy, sends every message, reads back
/// records and devices, and compares them with the truth.
package struct FleetRunner: Sendable {
    /// The fleet.
    package var fleet: Fleet
    /// The sender.
    package var sender: IngestSender
    /// The control side.
    package var control: any DaemonControl
    /// Whether to read every pump's events back and check nothing acknowledged is missing.
    package var verify: Bool

    package init(fleet: Fleet, sender: IngestSender, control: any DaemonControl, verify: Bool) {
        self.fleet = fleet
        self.sender = sender
        self.control = control
        self.verify = verify
    }

    /// Runs; throws when the daemon cannot be reached at all.
    package func run(progress: ProgressReporter? = nil) throws(FleetRunError) -> FleetRunResult {
        var enrollFailures: [String] = []
        for pump in fleet.pumps {
            guard let therapy = pump.therapy else { continue }
            do {
                _ = try control.enroll(serial: pump.serial, therapy: therapy)
            } catch {
                if error.code == .unavailable { throw .control(error) }
                enrollFailures.append(error.description)
            }
        }
        var acknowledged = AcknowledgedMessages()
        acknowledged.format = sender.configuration.format
        var source = fleet.messages()
        let report: SendReport
        do {
            report = try sender.send(
                &source, onReply: { line, reply in if verify { acknowledged.note(line, reply) } },
                progress: { progress?.report($0) })
        } catch {
            throw .send(error)
        }
        progress?.finish()
        do {
            let records = try control.eligibility(serial: nil).records
            let devices = try control.devices().devices
            let serials = Set(fleet.pumps.map(\.serial))
            let mine = records.filter { serials.contains($0.serial) }
            let discrepancies = FleetComparison.compare(
                pumps: fleet.pumps, records: mine, devices: devices, resentSerials: report.resentSerials)
            let lost = verify ? try acknowledged.missing(from: control) : nil
            return FleetRunResult(
                tally: FleetTally(fleet.pumps.map(\.truth)), send: report, enrollFailures: enrollFailures,
                records: mine.count,
                telemetryRecords: mine.filter { $0.trigger == "telemetry" && $0.type == "replacement" }.count,
                discrepancies: discrepancies, lost: lost)
        } catch {
            throw .control(error)
        }
    }
}

/// A fleet run that could not complete.
package enum FleetRunError: Error, Sendable, CustomStringConvertible {
    /// The ingest side failed.
    case send(SenderError)
    /// The control side failed.
    case control(ControlError)

    /// What happened and what to do.
    package var description: String {
        switch self {
        case .send(let e): e.description
        case .control(let e):
            "\(e.description). Check that pumpmond is running and that --control-socket (or --pumpctl) points at it."
        }
    }
}

import PumpControlProtocol
import PumpHL7
import PumpStore
import PumpTelemetry

/// Which alert transitions the HL7 outbox queues (pure: no store, no sockets). The outbox keeps,
/// per alert of a pump, the status it last queued; a transition is queued only when the board's
/// status differs from it, so a restart queues nothing twice and a crash between a commit and the
/// outbox write loses nothing (the start compares the board's firing alerts with the outbox).
enum AlertReportPlan {
    /// The alerts an IHE ACM Alert Manager is told about.
    static let reported: [AlertName] = [.pumpNonFunctional, .pumpImpendingFailure, .pumpReservoirEmpty]

    /// The report for a change the board published, nil when the outbox already says so (a firing
    /// alert whose evidence changed, a resolve of an alert never reported firing) or the alert is
    /// not one of ``reported``.
    static func report(for alert: AlertDocument, lastQueued: String?, now: Int64) -> PCDAlertReport? {
        guard reported.contains(alert.alertname) else { return nil }
        let firing = alert.status == .firing
        guard firing != (lastQueued == AlertDocument.Status.firing.rawValue) else { return nil }
        let at = firing ? alert.startsAt : alert.endsAt
        return PCDAlertReport(
            alertname: alert.alertname.rawValue, serial: alert.serial, ended: !firing, severity: alert.severity,
            summary: firing ? alert.summary : "resolved: \(alert.summary)",
            eventMicros: at.flatMap(Timestamp.parseRFC3339) ?? now)
    }

    /// At start (and after falling behind): the reports that bring the outbox to the board's
    /// firing alerts. A reported alert firing whose last queued status is not `firing` is queued
    /// firing; one last queued `firing` that no longer fires is queued resolved, ended `now`. By
    /// serial, then alert name.
    static func reconcile(
        firing: [String: [AlertName: AlertDocument]], lastQueued: [OutboxAlertKey: String], now: Int64
    ) -> [PCDAlertReport] {
        var reports: [PCDAlertReport] = []
        for serial in firing.keys.sorted() {
            for name in reported {
                guard let alert = firing[serial]?[name] else { continue }
                let key = OutboxAlertKey(alertname: name.rawValue, serial: serial)
                if let report = report(for: alert, lastQueued: lastQueued[key], now: now) { reports.append(report) }
            }
        }
        for (key, status) in lastQueued.sorted(by: { $0.key < $1.key }) where status == "firing" {
            guard let name = AlertName(rawValue: key.alertname), firing[key.serial]?[name] == nil else { continue }
            reports.append(
                PCDAlertReport(
                    alertname: key.alertname, serial: key.serial, ended: true, severity: name.severity,
                    summary: "resolved: \(key.serial) no longer has \(key.alertname)", eventMicros: now))
        }
        return reports
    }
}

extension PCDAlertReport {
    /// The outbox key of the alert reported.
    var outboxKey: OutboxAlertKey { OutboxAlertKey(alertname: alertname, serial: serial) }
    /// The outbox status: `firing` or `resolved`.
    var status: String { ended ? AlertDocument.Status.resolved.rawValue : AlertDocument.Status.firing.rawValue }
}

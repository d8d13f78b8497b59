import PumpControlProtocol
import PumpJSON

/// One element of the JSON array Alertmanager's API v2 takes at `POST /api/v2/alerts` (its
/// `postableAlert`): the alert's identity is its label set; `endsAt` in the future means firing,
/// in the past resolved. `generatorURL` is left out (pumpmond has no web page to link to).
package struct PostableAlert: Codable, Sendable, Hashable {
    package var labels: [String: String]
    package var annotations: [String: String]
    /// RFC 3339.
    package var startsAt: String
    /// RFC 3339.
    package var endsAt: String

    package init(labels: [String: String], annotations: [String: String], startsAt: String, endsAt: String) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// The postable alert for a document of the watch stream, ending at `endsAt`: the labels and
    /// annotations ``AlertDocument`` documents (`model`, `clause` and `record_id` only when not null).
    package init(_ alert: AlertDocument, endsAt: String) {
        self.init(
            labels: Self.labels(of: alert), annotations: Self.annotations(of: alert), startsAt: alert.startsAt,
            endsAt: endsAt)
    }

    /// Alertmanager's identity of the alert: `alertname`, `severity`, `serial`, `model`, `reason`, `clause`.
    package static func labels(of alert: AlertDocument) -> [String: String] {
        var labels = [
            "alertname": alert.alertname.rawValue, "severity": alert.severity, "serial": alert.serial,
            "reason": alert.reason,
        ]
        if let model = alert.model { labels["model"] = model }
        if let clause = alert.clause { labels["clause"] = clause }
        return labels
    }

    /// `summary`, `record_id`, `evidence` (ids joined by commas) and `command`.
    package static func annotations(of alert: AlertDocument) -> [String: String] {
        var annotations = [
            "summary": alert.summary, "evidence": alert.evidence.joined(separator: ","), "command": alert.command,
        ]
        if let record = alert.recordID { annotations["record_id"] = record }
        return annotations
    }
}

extension PostableAlert {
    /// The request body of a send: the alerts as a JSON array (keys sorted, so equal sends are
    /// equal bytes).
    package static func body(_ alerts: [PostableAlert]) throws -> [UInt8] {
        try JSONWriter.bytes(JSONParser.parse(JSONWriter.bytes(of: alerts)), sortedKeys: true)
    }
}

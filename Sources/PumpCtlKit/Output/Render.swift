import PumpControlProtocol
import PumpJSON
import PumpTelemetry

/// Text renderings of the documents of `cli.md`: pure functions from a document to the text
/// `pumpctl` prints without `--json`, so each can be tested against a golden string.
package enum Render {
    /// Label/value lines with the values aligned: `  Label:  value`.
    static func fields(_ rows: [(String, TextTable.Cell)], _ style: TextStyle, indent: String = "  ") -> String {
        let width = rows.map(\.0.count).max() ?? 0
        var out = ""
        for (label, cell) in rows {
            guard !cell.text.isEmpty else {
                out += "\(indent)\(label):\n"
                continue
            }
            let padding = String(repeating: " ", count: width - label.count)
            out += "\(indent)\(label):\(padding)  \(style.paint(cell.text, cell.tone))\n"
        }
        return out
    }

    /// `pumpctl status`.
    package static func status(_ doc: DaemonStatusDocument, _ style: TextStyle) -> String {
        style.paint("pumpmond \(TextSanitizer.visible(doc.version))", .bold) + ", up \(uptime(doc.uptimeS))\n"
            + fields(
                [
                    ("Store", .init(TextSanitizer.visible(doc.store))),
                    ("Pumps", .init(String(doc.pumps))),
                    ("Messages", .init(String(doc.messages))),
                    ("Records", .init(String(doc.records))),
                    ("Rejected", .init(String(doc.rejected), doc.rejected > 0 ? .warning : nil)),
                ] + (doc.metrics.map { [("Metrics", .init(TextSanitizer.visible($0)))] } ?? [])
                    + (doc.hl7OutboxUnsent.map { [("HL7 outbox", .init("\($0) unsent", $0 > 0 ? .warning : nil))] }
                        ?? []),
                style)
    }

    /// `3d 4h 5m`, `4h 5m`, `5m 7s`, `7s`.
    static func uptime(_ seconds: Int) -> String {
        let s = max(seconds, 0)
        let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60)
        if d > 0 { return "\(d)d \(h)h \(m)m" }
        if h > 0 { return "\(h)h \(m)m" }
        if m > 0 { return "\(m)m \(sec)s" }
        return "\(sec)s"
    }

    /// `pumpctl devices`.
    package static func devices(_ doc: DeviceListDocument, _ style: TextStyle) -> String {
        guard !doc.devices.isEmpty else { return "No pumps.\n" }
        // The REASON column only when a pump has one (a fleet that works reads as before).
        let reasons = doc.devices.contains { $0.reason != nil }
        let rows: [[TextTable.Cell]] = doc.devices.map { device in
            [
                .init(TextSanitizer.visible(device.serial)),
                .init(device.model.map { TextSanitizer.visible($0, limit: 32) } ?? "-"),
                Words.state(device.state),
            ] + (reasons ? [Words.reason(device.reason)] : []) + [
                Words.battery(device.battery),
                .init(style.time(device.lastSeen, else: "never reported")),
            ]
        }
        let header = ["SERIAL", "MODEL", "STATE"] + (reasons ? ["REASON"] : []) + ["BATTERY", "LAST SEEN"]
        return TextTable(header: header, rows: rows).render(style)
    }

    /// `pumpctl rejected`.
    package static func rejected(_ doc: RejectedListDocument, _ style: TextStyle) -> String {
        guard !doc.rejected.isEmpty else { return "No rejected messages.\n" }
        let rows: [[TextTable.Cell]] = doc.rejected.map { item in
            [
                .init(style.time(item.receivedAt)),
                .init(TextSanitizer.visible(item.reason), .bad),
                .init(item.detail.map { TextSanitizer.visible($0, limit: 48) } ?? "-"),
                .init(TextSanitizer.visible(item.raw, limit: 48)),
                .init(item.source.map { TextSanitizer.visible($0, limit: 40) } ?? "-"),
            ]
        }
        return TextTable(header: ["RECEIVED", "REASON", "DETAIL", "RAW", "SOURCE"], rows: rows)
            .withoutLastColumnUnless(doc.rejected.contains { $0.source != nil }).render(style)
    }

    /// `pumpctl events SERIAL`: newest first, as the daemon lists them.
    package static func events(_ doc: EventListDocument, _ style: TextStyle) -> String {
        eventTable(doc.events.map { eventRow($0, style) }, style)
    }

    /// One message's row of the `events` table.
    static func eventRow(_ event: JSONValue, _ style: TextStyle) -> [TextTable.Cell] {
        let kind = event["kind"]?.stringValue ?? "?"
        return [
            .init(event["at"]?.stringValue.map { style.time($0) } ?? "-"),
            .init(TextSanitizer.visible(kind)),
            summary(of: event),
            .init(event["id"]?.stringValue.map { TextSanitizer.visible($0, limit: 40) } ?? "-"),
            .init(event["source"]?.stringValue.map { TextSanitizer.visible($0, limit: 40) } ?? "-"),
        ]
    }

    /// The `events` table of its rows.
    static func eventTable(_ rows: [[TextTable.Cell]], _ style: TextStyle) -> String {
        guard !rows.isEmpty else { return "No messages from this pump.\n" }
        // SOURCE only when a message names its sender (no source is `-`; a source never is).
        return TextTable(header: ["AT", "KIND", "WHAT", "MESSAGE ID", "SOURCE"], rows: rows)
            .withoutLastColumnUnless(rows.contains { $0.last?.text != "-" }).render(style)
    }

    /// One message in a few words: `BATTERY_ERI warning` or `battery ERI, motor ok, reservoir 12.5 ml`.
    static func summary(of event: JSONValue) -> TextTable.Cell {
        if event["kind"]?.stringValue == "alert" {
            let code = event["code"]?.stringValue ?? "?"
            let severity = event["severity"]?.stringValue ?? "?"
            var text = "\(code) \(severity)"
            if event["state"]?.stringValue == "cleared" { text += " cleared" }
            if let detail = event["detail"]?.stringValue { text += ": \(detail)" }
            let tone: TextStyle.Tone? =
                event["state"]?.stringValue == "cleared"
                ? nil : severity == "critical" ? .bad : severity == "warning" ? .warning : nil
            return .init(TextSanitizer.visible(text, limit: 60), tone)
        }
        var parts: [String] = []
        switch event["battery"] {
        case .object?: parts.append("battery \(scalar(event["battery"]?["state"]) ?? "?")")
        case .null?: parts.append("no battery")
        default: break
        }
        if let motor = scalar(event["motor"]) { parts.append("motor \(motor)") }
        if let reservoir = scalar(event["reservoir_ml"]) { parts.append("reservoir \(reservoir) ml") }
        let tone: TextStyle.Tone? = event["motor"]?.stringValue == "stalled" ? .bad : nil
        return .init(TextSanitizer.visible(parts.joined(separator: ", "), limit: 60), tone)
    }

    /// A JSON scalar as text, nil for null, absent, arrays and objects.
    static func scalar(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?: TextSanitizer.visible(s)
        case .number(let n)?: n.literal
        case .bool(let b)?: b ? "yes" : "no"
        default: nil
        }
    }
}

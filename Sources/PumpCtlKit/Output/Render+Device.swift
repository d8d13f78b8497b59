import PumpControlProtocol
import PumpJSON
import PumpPolicy
import PumpTelemetry

extension Render {
    /// `pumpctl device SERIAL`: state, enrolled therapy, open alerts, latest status.
    package static func device(_ doc: DeviceDetailDocument, _ style: TextStyle) -> String {
        var out = style.paint("Pump \(TextSanitizer.visible(doc.serial))", .bold) + "\n"
        out += fields(
            [
                ("Model", .init(doc.model.map { TextSanitizer.visible($0) } ?? "-")),
                ("State", Words.state(doc.state)),
            ] + (doc.reason.map { [("Reason", Words.reason($0))] } ?? []) + [
                ("Battery", Words.battery(doc.battery)),
                ("Last seen", .init(style.time(doc.lastSeen, else: "never reported"))),
            ], style)
        out += "\n" + therapy(doc.therapy, style)
        out += "\n" + openAlerts(doc.openAlerts, style)
        out += "\n" + latestStatus(doc.latestStatus, style)
        return out
    }

    static func therapy(_ therapy: TherapyDocument?, _ style: TextStyle) -> String {
        guard let therapy else {
            return "Therapy: " + style.paint("not enrolled", .warning) + " (pumpctl enroll SERIAL ... records it)\n"
        }
        var out = "Therapy:\n"
        out += fields(
            [
                ("Indication", .init(words(therapy.indication))),
                ("Drug", .init(words(therapy.drug))),
                ("Route", .init(words(therapy.route))),
                ("Patient", .init(TextSanitizer.visible(therapy.patient))),
                ("Enrolled", .init(style.time(therapy.enrolledAt))),
            ], style)
        let rows = criteria(therapy.criteria, indication: therapy.indication)
        if rows.isEmpty {
            out += "  Criteria:    none for this indication\n"
        } else {
            out += "  Criteria:\n" + fields(rows, style, indent: "    ")
        }
        return out
    }

    /// The criteria that belong to the indication (each shown, unknown ones as `unknown`), then any
    /// other criterion on file (stored, ignored by the policy).
    static func criteria(_ c: CriteriaDocument, indication: String) -> [(String, TextTable.Cell)] {
        let all: [(String, TextTable.Cell, Bool)] = [
            ("severe_refractory", Words.fact(c.severeRefractory), c.severeRefractory != nil),
            ("oral_baclofen_failed", Words.fact(c.oralBaclofenFailed), c.oralBaclofenFailed != nil),
            ("metastases_limited_to_liver", Words.fact(c.metastasesLimitedToLiver), c.metastasesLimitedToLiver != nil),
            (
                "prior_external_treprostinil", Words.fact(c.priorExternalTreprostinil),
                c.priorExternalTreprostinil != nil
            ),
            ("severe_chronic_intractable", Words.fact(c.severeChronicIntractable), c.severeChronicIntractable != nil),
            (
                "trial_reduction_percent",
                c.trialReductionPercent.map { .init(percent($0)) } ?? .init("unknown", .dim),
                c.trialReductionPercent != nil
            ),
            (
                "trial_route", c.trialRoute.map { .init(TextSanitizer.visible($0)) } ?? .init("unknown", .dim),
                c.trialRoute != nil
            ),
        ]
        let relevant: Set<String>
        switch Indication(rawValue: indication) {
        case .spasticity: relevant = ["severe_refractory", "oral_baclofen_failed"]
        case .colorectalLiverMetastases: relevant = ["metastases_limited_to_liver"]
        case .pulmonaryArterialHypertension: relevant = ["prior_external_treprostinil"]
        case .chronicIntractablePain:
            relevant = ["severe_chronic_intractable", "trial_reduction_percent", "trial_route"]
        default: relevant = []
        }
        return all.filter { relevant.contains($0.0) || $0.2 }.map { row in
            relevant.contains(row.0) ? (row.0, row.1) : (row.0, .init(row.1.text + " (not used for this indication)"))
        }
    }

    /// `60 %`, `50.5 %`.
    static func percent(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? "\(Int64(value)) %" : "\(value) %"
    }

    /// A vocabulary word in plain words: `intrahepatic_arterial` becomes `intrahepatic arterial`.
    static func words(_ word: String) -> String {
        TextSanitizer.visible(word).replacingUnderscores()
    }

    static func openAlerts(_ alerts: [OpenAlertDocument], _ style: TextStyle) -> String {
        guard !alerts.isEmpty else { return "Open alerts: " + style.paint("none", .dim) + "\n" }
        let rows: [[TextTable.Cell]] = alerts.map { alert in
            [
                .init(style.time(alert.at)),
                Words.severity(alert.severity),
                .init(TextSanitizer.visible(alert.code)),
                .init(alert.detail.map { TextSanitizer.visible($0, limit: 60) } ?? "-"),
            ]
        }
        return "Open alerts:\n"
            + TextTable(header: ["AT", "SEVERITY", "CODE", "DETAIL"], rows: rows).render(style, indent: "  ")
    }

    static func latestStatus(_ status: JSONValue?, _ style: TextStyle) -> String {
        guard let status, case .object = status else {
            return "Latest status: " + style.paint("none yet", .dim) + "\n"
        }
        var rows: [(String, TextTable.Cell)] = []
        if let at = status["at"]?.stringValue { rows.append(("At", .init(style.time(at)))) }
        if let received = status["received_at"]?.stringValue { rows.append(("Received", .init(style.time(received)))) }
        switch status["battery"] {
        case .object?:
            var text = scalar(status["battery"]?["state"]) ?? "?"
            var details: [String] = []
            if let volts = scalar(status["battery"]?["volts"]) { details.append("\(volts) V") }
            if let months = scalar(status["battery"]?["months_remaining"]) {
                details.append("\(months) months remaining")
            }
            if !details.isEmpty { text += " (\(details.joined(separator: ", ")))" }
            rows.append(("Battery", .init(text, Words.battery(status["battery"]?["state"]?.stringValue).tone)))
        case .null?: rows.append(("Battery", .init("none (pump without a battery)")))
        default: break
        }
        if let motor = scalar(status["motor"]) {
            rows.append(("Motor", .init(motor, motor == "stalled" ? .bad : nil)))
        }
        if let reservoir = scalar(status["reservoir_ml"]) { rows.append(("Reservoir", .init("\(reservoir) ml"))) }
        if let infusing = scalar(status["infusing"]) { rows.append(("Infusing", .init(infusing))) }
        if let firmware = scalar(status["firmware"]) { rows.append(("Firmware", .init(firmware))) }
        if let id = scalar(status["id"]) { rows.append(("Message ID", .init(id))) }
        if let source = status["source"]?.stringValue { rows.append(("Source", .init(TextSanitizer.visible(source)))) }
        return "Latest status:\n" + fields(rows, style)
    }
}

extension String {
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}

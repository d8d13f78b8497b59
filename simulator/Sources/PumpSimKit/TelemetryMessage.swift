import PumpJSON
import PumpTelemetry

// The wire vocabulary (codes, severities, battery and motor words) and the shapes of a status
// and an alert are PumpTelemetry's, the one definition the daemon validates against; what is the
// simulator's own is how a simulated pump fills them in.

extension KnownAlertCode {
    /// The severity a simulated pump gives this code.
    package var defaultSeverity: Severity {
        switch self {
        case .motorStall, .criticalError, .batteryEOS, .lowBatteryReset, .emptyReservoir: .critical
        case .batteryERI, .impendingFailure, .lowReservoir, .mriExposure, .pumpReset: .warning
        case .motorStallRecovered: .info
        }
    }
}

extension AlertReport {
    /// An alert of a protocol code with the severity a simulated pump gives it.
    package init(_ code: KnownAlertCode, state: AlertState = .raised) {
        self.init(code: .known(code), severity: code.defaultSeverity, state: state)
    }
}

/// One protocol-v1 message, as a pump hands it to the daemon.
package struct PumpMessage: Sendable, Hashable {
    /// Unique per pump; a resend reuses it.
    package var id: String
    /// The pump's serial.
    package var serial: String
    /// When the pump observed it, on the simulated clock.
    package var at: SimTime
    /// The status or alert fields.
    package var body: Payload

    package init(id: String, serial: String, at: SimTime, body: Payload) {
        self.id = id
        self.serial = serial
        self.at = at
        self.body = body
    }

    /// The alert code, nil for a status.
    package var alertCode: AlertCode? {
        if case .alert(let a) = body { return a.code }
        return nil
    }

    /// The message as one compact JSON line with its `\n`, keys in a fixed order: the same
    /// message always gives the same bytes.
    package func jsonLine() -> [UInt8] {
        JSONLine.bytes(object(reordered: false))
    }

    /// The same content serialised differently (keys in another order, spaces after separators),
    /// the way a gateway that re-serialises resends a message: the daemon must call it `duplicate`.
    package func reserializedLine() -> [UInt8] {
        JSONLine.bytes(object(reordered: true), spaced: true)
    }

    private func object(reordered: Bool) -> JSONObject {
        let version = JSONValue.number(JSONNumber(1))
        var o: JSONObject =
            reordered
            ? [
                "serial": .string(serial), "id": .string(id), "at": .string(at.rfc3339),
                "kind": .string(body.kind.rawValue),
                "v": version,
            ]
            : [
                "v": version, "id": .string(id), "serial": .string(serial), "kind": .string(body.kind.rawValue),
                "at": .string(at.rfc3339),
            ]
        switch body {
        case .status(let s):
            o.append("model", .string(s.model))
            if let f = s.firmware { o.append("firmware", .string(f)) }
            if let b = s.battery {
                var battery: JSONObject = ["state": .string(b.state.rawValue)]
                if let v = b.volts { battery.append("volts", Self.number(v)) }
                if let m = b.monthsRemaining { battery.append("months_remaining", Self.number(m)) }
                o.append("battery", .object(battery))
            } else {
                o.append("battery", .null)
            }
            o.append("motor", .string(s.motor.rawValue))
            if let r = s.reservoirML { o.append("reservoir_ml", Self.tenths(r)) }
            if let i = s.infusing { o.append("infusing", .bool(i)) }
        case .alert(let a):
            o.append("code", .string(a.code.word))
            o.append("severity", .string(a.severity.rawValue))
            o.append("state", .string(a.state.rawValue))
            if let d = a.detail { o.append("detail", .string(d)) }
        }
        return o
    }

    /// A whole number as an integer (`12`), any other as Swift spells it.
    private static func number(_ x: Double) -> JSONValue {
        if x.rounded() == x, abs(x) < 1e15 { return .number(JSONNumber(Int64(x))) }
        return .number(JSONNumber(literal: "\(x)"))
    }

    /// A quantity to one decimal place, always with it (`12.0`): pumps report the reservoir in
    /// tenths of a millilitre.
    private static func tenths(_ x: Double) -> JSONValue {
        let t = Int64((x * 10).rounded())
        let sign = t < 0 ? "-" : ""
        return .number(JSONNumber(literal: "\(sign)\(abs(t) / 10).\(abs(t) % 10)"))
    }
}

/// One JSON object as a protocol line: members in the order given, numbers as spelled, `\n` last.
enum JSONLine {
    static func bytes(_ object: JSONObject, spaced: Bool = false) -> [UInt8] {
        var w = JSONWriter(numbers: .literal)
        w.spacedSeparators = spaced
        try? w.write(.object(object))  // literal numbers always have text
        w.bytes.append(UInt8(ascii: "\n"))
        return w.bytes
    }
}

import PumpJSON

/// A battery state word of protocol v1.
package enum BatteryState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Beginning of service.
    case bos = "BOS"
    /// Middle of service.
    case mos = "MOS"
    /// Elective replacement indicator: near the end, replace soon.
    case eri = "ERI"
    /// End of service: depleted, the pump has stopped.
    case eos = "EOS"
}

/// The motor word of a status.
package enum MotorState: String, Sendable, Hashable, Codable, CaseIterable {
    /// The motor turns.
    case ok
    /// The motor stopped; no drug is delivered.
    case stalled
    /// The pump has no motor (valve-gated or propellant-driven).
    case none
}

/// An alert severity.
package enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable {
    /// For information.
    case info
    /// Needs attention.
    case warning
    /// Needs attention now.
    case critical
}

/// The alert codes of protocol v1 that the simulator raises.
package enum AlertCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The motor stopped.
    case motorStall = "MOTOR_STALL"
    /// The motor turns again after a stall.
    case motorStallRecovered = "MOTOR_STALL_RECOVERED"
    /// Memory or hardware fault; the pump stopped in a safe state.
    case criticalError = "CRITICAL_ERROR"
    /// Elective replacement indicator.
    case batteryERI = "BATTERY_ERI"
    /// End of service.
    case batteryEOS = "BATTERY_EOS"
    /// The battery fell so low that the pump reset to a minimum rate.
    case lowBatteryReset = "LOW_BATTERY_RESET"
    /// Another built-in warning of a coming failure.
    case impendingFailure = "IMPENDING_FAILURE"
    /// The drug runs low.
    case lowReservoir = "LOW_RESERVOIR"
    /// The drug ran out.
    case emptyReservoir = "EMPTY_RESERVOIR"
    /// The pump reset itself.
    case pumpReset = "PUMP_RESET"
    /// The pump was in an MRI scanner.
    case mriExposure = "MRI_EXPOSURE"

    /// The severity a pump gives this code.
    package var defaultSeverity: AlertSeverity {
        switch self {
        case .motorStall, .criticalError, .batteryEOS, .lowBatteryReset, .emptyReservoir: .critical
        case .batteryERI, .impendingFailure, .lowReservoir, .mriExposure, .pumpReset: .warning
        case .motorStallRecovered: .info
        }
    }
}

/// A battery reading inside a status.
package struct BatteryReading: Sendable, Hashable {
    /// The state word.
    package var state: BatteryState
    /// Whole months the pump estimates it has until end of service, when it says.
    package var monthsRemaining: Int?

    package init(state: BatteryState, monthsRemaining: Int? = nil) {
        self.state = state
        self.monthsRemaining = monthsRemaining
    }
}

/// The fields of a `status` message.
package struct StatusBody: Sendable, Hashable {
    /// The model name, e.g. `SynchroMed II`.
    package var model: String
    /// The firmware version, when the pump says.
    package var firmware: String?
    /// The battery, or nil for a pump without one (written `null`).
    package var battery: BatteryReading?
    /// The motor word.
    package var motor: MotorState
    /// Drug left, in tenths of a millilitre (kept whole so the text is exact); nil when unsaid.
    package var reservoirTenthsML: Int?
    /// Whether drug is being delivered, when the pump says.
    package var infusing: Bool?

    package init(
        model: String, firmware: String? = nil, battery: BatteryReading?, motor: MotorState,
        reservoirTenthsML: Int? = nil, infusing: Bool? = nil
    ) {
        self.model = model
        self.firmware = firmware
        self.battery = battery
        self.motor = motor
        self.reservoirTenthsML = reservoirTenthsML
        self.infusing = infusing
    }
}

/// The fields of an `alert` message.
package struct AlertBody: Sendable, Hashable {
    /// The code: a protocol code or a vendor code `X-<VENDOR>-<NAME>`.
    package var code: String
    /// The severity.
    package var severity: AlertSeverity
    /// True for `cleared`, false for `raised`.
    package var cleared: Bool
    /// Optional human-readable detail.
    package var detail: String?

    package init(code: String, severity: AlertSeverity, cleared: Bool = false, detail: String? = nil) {
        self.code = code
        self.severity = severity
        self.cleared = cleared
        self.detail = detail
    }

    /// An alert of a protocol code with the severity pumps give it.
    package init(_ code: AlertCode, cleared: Bool = false, detail: String? = nil) {
        self.init(code: code.rawValue, severity: code.defaultSeverity, cleared: cleared, detail: detail)
    }
}

/// What a message says.
package enum MessageBody: Sendable, Hashable {
    /// The periodic report.
    case status(StatusBody)
    /// An alarm or event.
    case alert(AlertBody)
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
    package var body: MessageBody

    package init(id: String, serial: String, at: SimTime, body: MessageBody) {
        self.id = id
        self.serial = serial
        self.at = at
        self.body = body
    }

    /// `status` or `alert`.
    package var kind: String {
        if case .status = body { return "status" }
        return "alert"
    }

    /// The alert code, nil for a status.
    package var alertCode: String? {
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
                "serial": .string(serial), "id": .string(id), "at": .string(at.rfc3339), "kind": .string(kind),
                "v": version,
            ]
            : [
                "v": version, "id": .string(id), "serial": .string(serial), "kind": .string(kind),
                "at": .string(at.rfc3339),
            ]
        switch body {
        case .status(let s):
            o.append("model", .string(s.model))
            if let f = s.firmware { o.append("firmware", .string(f)) }
            if let b = s.battery {
                var battery: JSONObject = ["state": .string(b.state.rawValue)]
                if let m = b.monthsRemaining { battery.append("months_remaining", .number(JSONNumber(Int64(m)))) }
                o.append("battery", .object(battery))
            } else {
                o.append("battery", .null)
            }
            o.append("motor", .string(s.motor.rawValue))
            if let r = s.reservoirTenthsML {
                o.append("reservoir_ml", .number(JSONNumber(literal: "\(r / 10).\(r % 10)")))
            }
            if let i = s.infusing { o.append("infusing", .bool(i)) }
        case .alert(let a):
            o.append("code", .string(a.code))
            o.append("severity", .string(a.severity.rawValue))
            o.append("state", .string(a.cleared ? "cleared" : "raised"))
            if let d = a.detail { o.append("detail", .string(d)) }
        }
        return o
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

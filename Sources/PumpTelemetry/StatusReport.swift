/// The fields of a `status` message: the pump's periodic report.
package struct StatusReport: Sendable, Hashable {
    /// The pump model, 1 to 64 characters (e.g. `SynchroMed II`).
    package var model: String
    /// The firmware version, when reported.
    package var firmware: String?
    /// The battery, or nil for a pump without one (constant-flow, gas-driven pumps send `null`).
    package var battery: BatteryReading?
    /// The motor's state.
    package var motor: MotorState
    /// Drug left in the reservoir, in millilitres, when reported (≥ 0).
    package var reservoirML: Double?
    /// Whether the pump is infusing, when reported.
    package var infusing: Bool?

    package init(
        model: String, firmware: String? = nil, battery: BatteryReading?, motor: MotorState,
        reservoirML: Double? = nil, infusing: Bool? = nil
    ) {
        self.model = model
        self.firmware = firmware
        self.battery = battery
        self.motor = motor
        self.reservoirML = reservoirML
        self.infusing = infusing
    }
}

/// A battery reading from a status report.
package struct BatteryReading: Sendable, Hashable {
    /// Where the battery is in its service life.
    package var state: BatteryState
    /// Battery voltage, when reported (≥ 0).
    package var volts: Double?
    /// The pump's estimate of months until end of service, when reported (≥ 0).
    package var monthsRemaining: Double?

    package init(state: BatteryState, volts: Double? = nil, monthsRemaining: Double? = nil) {
        self.state = state
        self.volts = volts
        self.monthsRemaining = monthsRemaining
    }
}

/// The battery's service-life stage, as the pump reports it. The cases keep the words' own spelling
/// (the industry's acronyms, as every clinician reads them).
// swift-format-ignore: AlwaysUseLowerCamelCase
package enum BatteryState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Beginning of service.
    case BOS
    /// Middle of service.
    case MOS
    /// Elective replacement indicator: the battery is near its end (impending failure).
    case ERI
    /// End of service: the battery is depleted and the pump stopped (non-function).
    case EOS
}

/// The motor's state, as the pump reports it.
package enum MotorState: String, Sendable, Hashable, CaseIterable, Codable {
    /// The motor turns.
    case ok
    /// The motor stopped; no drug is delivered.
    case stalled
    /// The pump has no motor (constant-flow pumps).
    case none
}

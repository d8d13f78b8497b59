/// The fields of a `status` message: the pump's periodic report.
public struct StatusReport: Sendable, Hashable {
    /// The pump model, 1 to 64 characters (e.g. `SynchroMed II`).
    public var model: String
    /// The firmware version, when reported.
    public var firmware: String?
    /// The battery, or nil for a pump without one (constant-flow, gas-driven pumps send `null`).
    public var battery: BatteryReading?
    /// The motor's state.
    public var motor: MotorState
    /// Drug left in the reservoir, in millilitres, when reported (≥ 0).
    public var reservoirML: Double?
    /// Whether the pump is infusing, when reported.
    public var infusing: Bool?

    /// Creates a status report.
    public init(
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
public struct BatteryReading: Sendable, Hashable {
    /// Where the battery is in its service life.
    public var state: BatteryState
    /// Battery voltage, when reported (≥ 0).
    public var volts: Double?
    /// The pump's estimate of months until end of service, when reported (≥ 0).
    public var monthsRemaining: Double?

    /// Creates a reading.
    public init(state: BatteryState, volts: Double? = nil, monthsRemaining: Double? = nil) {
        self.state = state
        self.volts = volts
        self.monthsRemaining = monthsRemaining
    }
}

/// The battery's service-life stage, as the pump reports it.
public enum BatteryState: String, Sendable, Hashable, CaseIterable, Codable {
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
public enum MotorState: String, Sendable, Hashable, CaseIterable, Codable {
    /// The motor turns.
    case ok
    /// The motor stopped; no drug is delivered.
    case stalled
    /// The pump has no motor (constant-flow pumps).
    case none
}

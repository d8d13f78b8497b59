/// The kinds of pump the simulator stands in for.
package enum PumpModelKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A SynchroMed II-like programmable pump: battery and peristaltic motor (intrathecal baclofen
    /// or pain therapy). Its motor can stall (MRI, wear) and its battery reaches ERI then EOS.
    case synchromed
    /// A Prometra II-like programmable pump: battery, valve-gated (no motor, `motor: "none"`).
    /// An MRI closes its flow-activated valve until the pump is reset.
    case prometra
    /// A Codman 3000-like constant-flow pump: propellant-driven, no battery (`battery: null`), no
    /// motor; it never reaches ERI and can only run out of drug.
    case codman3000

    /// The `model` field of its status messages.
    package var modelName: String {
        switch self {
        case .synchromed: "SynchroMed II"
        case .prometra: "Prometra II"
        case .codman3000: "Codman 3000"
        }
    }

    /// The prefix of the serials the simulator gives this kind (`SM2-000001`).
    package var serialPrefix: String {
        switch self {
        case .synchromed: "SM2"
        case .prometra: "PM2"
        case .codman3000: "C3K"
        }
    }

    /// Whether the pump has a battery (and so reports BOS, MOS, ERI, EOS).
    package var hasBattery: Bool { self != .codman3000 }
    /// Whether the pump has a motor that can stall.
    package var hasMotor: Bool { self == .synchromed }
    /// The firmware string its status messages carry, if any.
    package var firmware: String? {
        switch self {
        case .synchromed: "8637-4.1"
        case .prometra: "13827-2.0"
        case .codman3000: nil
        }
    }
}

/// How a kind of pump behaves: rates and durations, each a parameter with a default grounded in
/// the devices' labelling (see `simulator/README.md`, "Pump models"). Rates are per pump-year of
/// service; durations are seconds of simulated time.
package struct PumpModelParameters: Sendable, Hashable, Codable {
    /// Battery life from implant to end of service, drawn uniformly in this range (seconds).
    /// SynchroMed II: 5 to 7 years; Prometra II: 8 to 10 years (an assumption, the labelling
    /// gives about ten years at typical rates). Ignored without a battery.
    package var batteryLife: ClosedRange<Int64>
    /// Time from ERI to EOS, drawn uniformly (seconds); the labelling promises at least 90 days.
    package var eriToEOS: ClosedRange<Int64>
    /// Fraction of the battery life spent in BOS before MOS.
    package var bosFraction: Double
    /// Reservoir size in tenths of a millilitre (SynchroMed II 40 mL, Prometra II 20 mL,
    /// Codman 3000 30 mL).
    package var reservoirTenthsML: Int
    /// Daily volume delivered, tenths of a millilitre per day, drawn once per pump.
    package var dailyTenthsML: ClosedRange<Int>
    /// The volume at which the pump raises `LOW_RESERVOIR` (tenths of a mL; 2 mL by default).
    package var lowReservoirTenthsML: Int
    /// Probability that a scheduled refill comes late, so the pump raises `LOW_RESERVOIR` first
    /// (otherwise the clinic refills 1 to 14 days before the alarm and the pump says nothing).
    package var lateRefillProbability: Double
    /// Probability that a late refill is missed altogether and the pump runs empty
    /// (`EMPTY_RESERVOIR`) before the clinic refills it.
    package var missedRefillProbability: Double
    /// Days after LOW_RESERVOIR (or EMPTY_RESERVOIR) that a late refill comes, drawn uniformly.
    package var refillDelayDays: ClosedRange<Int64>
    /// MRI scans per pump-year (patients with these pumps are often scanned).
    package var mriPerYear: Double
    /// How long an MRI-induced motor stall lasts before the motor recovers (seconds): 2 to 24
    /// hours by the protocol's facts; drawn below 23 h so it recovers inside the MRI grace.
    package var mriStallDuration: ClosedRange<Int64>
    /// Delay from the MRI exposure to the stall it causes (seconds), inside the 60-minute window.
    package var mriStallOnset: ClosedRange<Int64>
    /// Spontaneous motor stalls per pump-year that recover on their own.
    package var transientStallsPerYear: Double
    /// How long a spontaneous stall that recovers lasts (seconds), well inside the 2 h grace.
    package var transientStallDuration: ClosedRange<Int64>
    /// Motor stalls per pump-year that never recover (a worn gear, corrosion): non-function.
    package var permanentStallsPerYear: Double
    /// `CRITICAL_ERROR` (memory or hardware fault, pump stops) per pump-year.
    package var criticalErrorsPerYear: Double
    /// `LOW_BATTERY_RESET` per pump-year (a battery that sags early).
    package var lowBatteryResetsPerYear: Double
    /// For a valve-gated pump: how long after an MRI the clinic resets the pump (`PUMP_RESET`).
    package var valveResetDelay: ClosedRange<Int64>
    /// How long a failed pump keeps reporting before it is explanted (seconds); an EOS pump
    /// falls silent at once.
    package var explantDelay: Int64

    /// Creates parameters; every field is required here, `defaults(for:)` gives documented values.
    package init(
        batteryLife: ClosedRange<Int64>, eriToEOS: ClosedRange<Int64>, bosFraction: Double,
        reservoirTenthsML: Int, dailyTenthsML: ClosedRange<Int>, lowReservoirTenthsML: Int,
        lateRefillProbability: Double, missedRefillProbability: Double, refillDelayDays: ClosedRange<Int64>,
        mriPerYear: Double,
        mriStallDuration: ClosedRange<Int64>, mriStallOnset: ClosedRange<Int64>, transientStallsPerYear: Double,
        transientStallDuration: ClosedRange<Int64>, permanentStallsPerYear: Double, criticalErrorsPerYear: Double,
        lowBatteryResetsPerYear: Double, valveResetDelay: ClosedRange<Int64>, explantDelay: Int64
    ) {
        self.batteryLife = batteryLife
        self.eriToEOS = eriToEOS
        self.bosFraction = bosFraction
        self.reservoirTenthsML = reservoirTenthsML
        self.dailyTenthsML = dailyTenthsML
        self.lowReservoirTenthsML = lowReservoirTenthsML
        self.lateRefillProbability = lateRefillProbability
        self.missedRefillProbability = missedRefillProbability
        self.refillDelayDays = refillDelayDays
        self.mriPerYear = mriPerYear
        self.mriStallDuration = mriStallDuration
        self.mriStallOnset = mriStallOnset
        self.transientStallsPerYear = transientStallsPerYear
        self.transientStallDuration = transientStallDuration
        self.permanentStallsPerYear = permanentStallsPerYear
        self.criticalErrorsPerYear = criticalErrorsPerYear
        self.lowBatteryResetsPerYear = lowBatteryResetsPerYear
        self.valveResetDelay = valveResetDelay
        self.explantDelay = explantDelay
    }

    /// The documented defaults of a kind of pump.
    package static func defaults(for kind: PumpModelKind) -> PumpModelParameters {
        let day = SimTime.day
        let hour = SimTime.hour
        let minute = SimTime.minute
        let year = SimTime.year
        switch kind {
        case .synchromed:
            return PumpModelParameters(
                batteryLife: (5 * year)...(7 * year), eriToEOS: (90 * day)...(180 * day), bosFraction: 0.4,
                reservoirTenthsML: 400, dailyTenthsML: 2...6, lowReservoirTenthsML: 20,
                lateRefillProbability: 0.15, missedRefillProbability: 0.1, refillDelayDays: 0...3, mriPerYear: 0.15,
                mriStallDuration: (2 * hour)...(22 * hour), mriStallOnset: (1 * minute)...(30 * minute),
                transientStallsPerYear: 0.05, transientStallDuration: (5 * minute)...(90 * minute),
                permanentStallsPerYear: 0.01, criticalErrorsPerYear: 0.004, lowBatteryResetsPerYear: 0.002,
                valveResetDelay: 0...0, explantDelay: 14 * day)
        case .prometra:
            return PumpModelParameters(
                batteryLife: (8 * year)...(10 * year), eriToEOS: (90 * day)...(180 * day), bosFraction: 0.4,
                reservoirTenthsML: 200, dailyTenthsML: 1...4, lowReservoirTenthsML: 20,
                lateRefillProbability: 0.15, missedRefillProbability: 0.1, refillDelayDays: 0...3, mriPerYear: 0.1,
                mriStallDuration: 0...0, mriStallOnset: 0...0, transientStallsPerYear: 0,
                transientStallDuration: 0...0, permanentStallsPerYear: 0, criticalErrorsPerYear: 0.004,
                lowBatteryResetsPerYear: 0.002, valveResetDelay: (1 * hour)...(8 * hour), explantDelay: 14 * day)
        case .codman3000:
            return PumpModelParameters(
                batteryLife: 0...0, eriToEOS: 0...0, bosFraction: 0, reservoirTenthsML: 300,
                dailyTenthsML: 10...30, lowReservoirTenthsML: 20, lateRefillProbability: 0.15,
                missedRefillProbability: 0.2, refillDelayDays: 0...1, mriPerYear: 0.1, mriStallDuration: 0...0,
                mriStallOnset: 0...0,
                transientStallsPerYear: 0, transientStallDuration: 0...0, permanentStallsPerYear: 0,
                criticalErrorsPerYear: 0, lowBatteryResetsPerYear: 0, valveResetDelay: 0...0, explantDelay: 14 * day)
        }
    }

    /// These parameters with every fault rate (stalls, critical errors, low-battery resets,
    /// MRIs) multiplied by `factor`: a fleet run with `--fault-scale 20` sees rare faults often.
    package func scalingFaults(by factor: Double) -> PumpModelParameters {
        var p = self
        p.mriPerYear *= factor
        p.transientStallsPerYear *= factor
        p.permanentStallsPerYear *= factor
        p.criticalErrorsPerYear *= factor
        p.lowBatteryResetsPerYear *= factor
        return p
    }
}

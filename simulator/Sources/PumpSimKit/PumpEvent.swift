import PumpTelemetry

/// Something that happens to a pump, random (fleet) or scripted (scenario), and the messages it
/// makes the pump send.
package enum PumpEvent: String, Sendable, Hashable, Codable, CaseIterable {
    /// The periodic report: one `status` with the pump's current condition.
    case status
    /// The motor stops: `MOTOR_STALL` (critical), later statuses say `motor: "stalled"`.
    case stall
    /// The motor turns again: `MOTOR_STALL_RECOVERED` (info).
    case recover
    /// The patient had an MRI: `MRI_EXPOSURE` (warning); a valve-gated pump closes its valve.
    case mri
    /// The battery enters middle of service (no alert; later statuses say `MOS`).
    case mos
    /// Elective replacement indicator: `BATTERY_ERI` (warning), later statuses say `ERI`.
    case eri
    /// End of service: `BATTERY_EOS` (critical) and a last status saying `EOS`; the pump stops.
    case eos
    /// A memory or hardware fault: `CRITICAL_ERROR` (critical); the pump stops in a safe state.
    case criticalError = "critical_error"
    /// The fault clears: `CRITICAL_ERROR` with `state: "cleared"`.
    case clearCriticalError = "clear_critical_error"
    /// The battery sagged and the pump reset to its minimum rate: `LOW_BATTERY_RESET` (critical).
    case lowBatteryReset = "low_battery_reset"
    /// A built-in prognostic warning: `IMPENDING_FAILURE` (warning).
    case impendingFailure = "impending_failure"
    /// The pump reset itself or was reset after an MRI: `PUMP_RESET` (warning).
    case pumpReset = "pump_reset"
    /// The drug runs low: `LOW_RESERVOIR` (warning).
    case lowReservoir = "low_reservoir"
    /// The drug ran out: `EMPTY_RESERVOIR` (critical); nothing is delivered until a refill.
    case emptyReservoir = "empty_reservoir"
    /// The clinic refilled the reservoir: `LOW_RESERVOIR` and `EMPTY_RESERVOIR` cleared (those
    /// raised since the last refill), then a status showing it full.
    case refill
    /// The pump is taken out: it sends nothing more.
    case explant
}

/// What a pump knows about itself at a moment, from which its status messages are written.
package struct PumpCondition: Sendable, Hashable {
    /// The kind of pump.
    package var kind: PumpModelKind
    /// The battery state, nil without a battery.
    package var battery: BatteryState?
    /// The motor word.
    package var motor: MotorState
    /// Reservoir volume at `reservoirSetAt`, tenths of a mL.
    package var reservoirTenthsML: Int
    /// When the reservoir volume was last set (implant, refill, scripted level).
    package var reservoirSetAt: SimTime
    /// Tenths of a mL delivered per day while infusing.
    package var dailyTenthsML: Int
    /// The reservoir's capacity, tenths of a mL.
    package var capacityTenthsML: Int
    /// When the battery will reach EOS, if the pump knows (its `months_remaining`).
    package var plannedEOS: SimTime?
    /// Reasons the pump is not delivering: critical error, valve closed, empty reservoir, EOS.
    package var stoppedBy: Set<StopReason>
    /// True once the pump has been explanted or died: it sends nothing more.
    package var silent: Bool
    /// Reservoir alarms raised since the last refill, in the order raised; a refill clears them.
    package var openReservoirAlarms: [KnownAlertCode]

    /// Why a pump does not deliver drug.
    package enum StopReason: String, Sendable, Hashable, CaseIterable {
        /// A critical error stopped it in a safe state.
        case criticalError
        /// A valve-gated pump's valve closed in an MRI field, until reset.
        case valveClosed
        /// The reservoir is empty.
        case empty
        /// The battery is depleted.
        case endOfService
    }

    /// A freshly implanted pump of `kind`, full, battery at BOS.
    package init(kind: PumpModelKind, implantedAt: SimTime, capacityTenthsML: Int, dailyTenthsML: Int) {
        self.kind = kind
        self.battery = kind.hasBattery ? .BOS : nil
        self.motor = kind.hasMotor ? .ok : .none
        self.reservoirTenthsML = capacityTenthsML
        self.reservoirSetAt = implantedAt
        self.dailyTenthsML = dailyTenthsML
        self.capacityTenthsML = capacityTenthsML
        self.plannedEOS = nil
        self.stoppedBy = []
        self.silent = false
        self.openReservoirAlarms = []
    }

    /// Whether drug is delivered: the motor (if any) turns and nothing stopped the pump.
    package var infusing: Bool { stoppedBy.isEmpty && motor != .stalled }

    /// The reservoir volume at `t`, given constant use since it was last set.
    package func reservoir(at t: SimTime) -> Int {
        guard infusing else { return reservoirTenthsML }
        let used = Int(Int64(dailyTenthsML) * max(0, t.seconds - reservoirSetAt.seconds) / SimTime.day)
        return max(0, reservoirTenthsML - used)
    }

    /// The status the pump would send at `t`.
    package func statusBody(at t: SimTime) -> StatusReport {
        var reading: BatteryReading? = nil
        if let b = battery {
            var months: Double? = nil
            if let eos = plannedEOS {
                months = b == .EOS ? 0 : Double(max(0, eos.seconds - t.seconds) / (SimTime.year / 12))
            }
            reading = BatteryReading(state: b, monthsRemaining: months)
        }
        return StatusReport(
            model: kind.modelName, firmware: kind.firmware, battery: reading, motor: motor,
            reservoirML: Double(reservoir(at: t)) / 10, infusing: infusing)
    }

    /// Applies `event` at `t` and returns the bodies of the messages the pump sends for it, in order.
    package mutating func apply(_ event: PumpEvent, at t: SimTime) -> [Payload] {
        if silent { return [] }
        // Re-anchor the reservoir so that use is counted only while the pump was delivering.
        setReservoir(reservoir(at: t), at: t)
        switch event {
        case .status:
            return [.status(statusBody(at: t))]
        case .stall:
            motor = .stalled
            return [.alert(AlertReport(.motorStall))]
        case .recover:
            motor = kind.hasMotor ? .ok : .none
            return [.alert(AlertReport(.motorStallRecovered))]
        case .mri:
            if kind == .prometra { stoppedBy.insert(.valveClosed) }
            return [.alert(AlertReport(.mriExposure))]
        case .mos:
            if battery != nil { battery = .MOS }
            return []
        case .eri:
            battery = .ERI
            return [.alert(AlertReport(.batteryERI))]
        case .eos:
            battery = .EOS
            stoppedBy.insert(.endOfService)
            let messages: [Payload] = [.alert(AlertReport(.batteryEOS)), .status(statusBody(at: t))]
            silent = true
            return messages
        case .criticalError:
            stoppedBy.insert(.criticalError)
            return [.alert(AlertReport(.criticalError))]
        case .clearCriticalError:
            stoppedBy.remove(.criticalError)
            return [.alert(AlertReport(.criticalError, state: .cleared))]
        case .lowBatteryReset:
            return [.alert(AlertReport(.lowBatteryReset))]
        case .impendingFailure:
            return [.alert(AlertReport(.impendingFailure))]
        case .pumpReset:
            stoppedBy.remove(.valveClosed)
            return [.alert(AlertReport(.pumpReset))]
        case .lowReservoir:
            if !openReservoirAlarms.contains(.lowReservoir) { openReservoirAlarms.append(.lowReservoir) }
            return [.alert(AlertReport(.lowReservoir))]
        case .emptyReservoir:
            setReservoir(0, at: t)
            stoppedBy.insert(.empty)
            if !openReservoirAlarms.contains(.emptyReservoir) { openReservoirAlarms.append(.emptyReservoir) }
            return [.alert(AlertReport(.emptyReservoir))]
        case .refill:
            setReservoir(capacityTenthsML, at: t)
            stoppedBy.remove(.empty)
            let cleared = openReservoirAlarms.map { Payload.alert(AlertReport($0, state: .cleared)) }
            openReservoirAlarms = []
            return cleared + [.status(statusBody(at: t))]
        case .explant:
            silent = true
            return []
        }
    }

    private mutating func setReservoir(_ tenths: Int, at t: SimTime) {
        reservoirTenthsML = tenths
        reservoirSetAt = t
    }
}

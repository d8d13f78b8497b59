import PumpTelemetry

/// One event of a pump's planned life.
package struct PlannedEvent: Sendable, Hashable {
    /// When it happens.
    package var at: SimTime
    /// What happens.
    package var event: PumpEvent

    package init(at: SimTime, event: PumpEvent) {
        self.at = at
        self.event = event
    }
}

/// A pump's whole simulated life: its condition when it starts reporting, the events to come in
/// time order, and the truth they add up to.
package struct PumpPlan: Sendable {
    /// The pump's serial.
    package var serial: String
    /// The condition at `reportFrom`.
    package var initial: PumpCondition
    /// When it sends its first status.
    package var reportFrom: SimTime
    /// When the simulated span ends: nothing is sent after it.
    package var until: SimTime
    /// The events, ordered by time (ties keep their planning order).
    package var events: [PlannedEvent]
    /// What truly happens.
    package var truth: PumpTruth
}

/// Draws a pump's life from its model's parameters.
package enum PumpLifePlanner {
    /// The gap kept after one fault episode before another may start: long enough that a later
    /// stall never falls within the 60-minute MRI window of an earlier exposure.
    package static let episodeGap: Int64 = 2 * SimTime.hour
    /// No fault starts in the last two days of the span, so every stall is resolved (recovered,
    /// or shown past its grace by a later message) before the run ends.
    package static let quietTail: Int64 = 2 * SimTime.day
    /// For a stall that never recovers, the pump reports this long after it (past the 2 h grace).
    package static let stallReportDelay: Int64 = 3 * SimTime.hour

    /// Plans the life of one pump.
    ///
    /// - Parameters:
    ///   - implantedAt: the implant; may be before `reportFrom` (the pump is already in service).
    ///   - reportFrom: when its first status is sent (no fault is drawn before it).
    ///   - until: the end of the simulated span.
    ///   - rng: the pump's own generator (see `SplitMix64.derived`).
    package static func plan(
        serial: String, kind: PumpModelKind, parameters p: PumpModelParameters, implantedAt: SimTime,
        reportFrom: SimTime, until: SimTime, rng: inout SplitMix64
    ) -> PumpPlan {
        var truth = PumpTruth(serial: serial, kind: kind)
        let daily = Int(rng.integer(in: Int64(p.dailyTenthsML.lowerBound)...Int64(p.dailyTenthsML.upperBound)))
        var initial = PumpCondition(
            kind: kind, implantedAt: reportFrom, capacityTenthsML: p.reservoirTenthsML, dailyTenthsML: daily)
        initial.reservoirTenthsML = Int(
            rng.integer(
                in: Int64(p.lowReservoirTenthsML + 10)...Int64(max(p.reservoirTenthsML, p.lowReservoirTenthsML + 10))))
        var events: [PlannedEvent] = []

        // Battery milestones.
        var eosAt: SimTime? = nil
        var eriAt: SimTime? = nil
        if kind.hasBattery {
            let life = rng.integer(in: p.batteryLife)
            let eos = implantedAt.adding(life)
            let eri = eos.adding(-rng.integer(in: p.eriToEOS))
            let mos = implantedAt.adding(Int64(Double(eri.seconds - implantedAt.seconds) * p.bosFraction))
            initial.plannedEOS = eos
            eosAt = eos
            eriAt = eri
            if reportFrom >= eri {
                initial.battery = .ERI
            } else if reportFrom >= mos {
                initial.battery = .MOS
            } else if mos <= until {
                events.append(PlannedEvent(at: mos, event: .mos))
            }
        }

        // Faults, as independent Poisson processes drawn in a fixed order, then walked in time.
        let horizon = SimTime(seconds: min(eosAt?.seconds ?? until.seconds, until.seconds - quietTail))
        func arrivals(_ perYear: Double, _ tag: Int) -> [(SimTime, Int)] {
            guard perYear > 0 else { return [] }
            var out: [(SimTime, Int)] = []
            var t = reportFrom.seconds
            while true {
                t += max(1, Int64(rng.exponential(mean: Double(SimTime.year) / perYear)))
                if t >= horizon.seconds { return out }
                out.append((SimTime(seconds: t), tag))
            }
        }
        let mri = 0
        let transient = 1
        let permanent = 2
        let critical = 3
        let lbr = 4
        var candidates = arrivals(p.mriPerYear, mri) + arrivals(p.transientStallsPerYear, transient)
        candidates += arrivals(p.permanentStallsPerYear, permanent) + arrivals(p.criticalErrorsPerYear, critical)
        candidates += arrivals(p.lowBatteryResetsPerYear, lbr)
        candidates.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }

        var busyUntil = reportFrom
        for (t, tag) in candidates where t >= busyUntil && truth.failure == nil {
            switch tag {
            case mri:
                truth.mriExposures += 1
                events.append(PlannedEvent(at: t, event: .mri))
                busyUntil = t
                if kind == .synchromed {
                    let stall = t.adding(rng.integer(in: p.mriStallOnset))
                    let recover = stall.adding(rng.integer(in: p.mriStallDuration))
                    events.append(PlannedEvent(at: stall, event: .stall))
                    events.append(PlannedEvent(at: recover, event: .recover))
                    truth.recoveredStalls += 1
                    busyUntil = recover
                } else if kind == .prometra {
                    let reset = t.adding(rng.integer(in: p.valveResetDelay))
                    events.append(PlannedEvent(at: reset, event: .pumpReset))
                    busyUntil = reset
                }
            case transient:
                let recover = t.adding(rng.integer(in: p.transientStallDuration))
                events.append(PlannedEvent(at: t, event: .stall))
                events.append(PlannedEvent(at: recover, event: .recover))
                truth.recoveredStalls += 1
                busyUntil = recover
            case permanent:
                events.append(PlannedEvent(at: t, event: .stall))
                events.append(PlannedEvent(at: t.adding(stallReportDelay), event: .status))
                truth.failure = .unrecoveredStall
                truth.failedAt = t
            case critical:
                events.append(PlannedEvent(at: t, event: .criticalError))
                truth.failure = .criticalError
                truth.failedAt = t
            default:
                events.append(PlannedEvent(at: t, event: .lowBatteryReset))
                truth.failure = .lowBatteryReset
                truth.failedAt = t
            }
            busyUntil = busyUntil.adding(episodeGap)
        }

        // The battery's end, unless a fault ended the pump's life first.
        if let eos = eosAt, eos <= until, truth.failure == nil {
            truth.failure = .endOfService
            truth.failedAt = eos
            events.append(PlannedEvent(at: eos, event: .eos))
        }
        if let eri = eriAt, eri <= until, eri <= (truth.failedAt ?? until) {
            if eri <= reportFrom {
                truth.reachedERIAt = reportFrom
            } else {
                truth.reachedERIAt = eri
                events.append(PlannedEvent(at: eri, event: .eri))
            }
        }

        // A failed pump is explanted after a while (an EOS pump has fallen silent already).
        var lifeEnd = until
        if let failedAt = truth.failedAt, truth.failure != .endOfService {
            let explant = failedAt.adding(p.explantDelay)
            if explant < until {
                events.append(PlannedEvent(at: explant, event: .explant))
                lifeEnd = explant
            }
        } else if let failedAt = truth.failedAt {
            lifeEnd = failedAt
        }

        // Refill cycles until the pump fails.
        let refillUntil = truth.failedAt ?? lifeEnd
        var level = Int64(initial.reservoirTenthsML)
        var setAt = reportFrom.seconds
        let perDay = Int64(daily)
        let low = Int64(p.lowReservoirTenthsML)
        while perDay > 0 {
            let lowAt = setAt + max(0, level - low) * SimTime.day / perDay
            let emptyAt = setAt + level * SimTime.day / perDay
            guard lowAt < refillUntil.seconds else { break }
            var refillAt: Int64
            if !rng.chance(p.lateRefillProbability) {
                // On schedule: refilled before the alarm, silently.
                refillAt = max(setAt + SimTime.day, lowAt - rng.integer(in: 1...14) * SimTime.day)
            } else {
                if level > low { events.append(PlannedEvent(at: SimTime(seconds: lowAt), event: .lowReservoir)) }
                let missed = rng.chance(p.missedRefillProbability)
                let delay = rng.integer(in: p.refillDelayDays) * SimTime.day + rng.integer(in: 0...(SimTime.day - 1))
                refillAt = lowAt + delay
                if missed || refillAt >= emptyAt {
                    guard emptyAt < refillUntil.seconds else { break }
                    events.append(PlannedEvent(at: SimTime(seconds: emptyAt), event: .emptyReservoir))
                    refillAt = max(refillAt, emptyAt + delay)
                }
            }
            guard refillAt < refillUntil.seconds else { break }
            events.append(PlannedEvent(at: SimTime(seconds: refillAt), event: .refill))
            level = Int64(p.reservoirTenthsML)
            setAt = refillAt
        }

        // Stable sort keeps the order of an episode's events that share a second.
        let ordered = events.enumerated().sorted { a, b in
            a.element.at != b.element.at ? a.element.at < b.element.at : a.offset < b.offset
        }.map(\.element)
        return PumpPlan(
            serial: serial, initial: initial, reportFrom: reportFrom, until: until, events: ordered, truth: truth)
    }
}

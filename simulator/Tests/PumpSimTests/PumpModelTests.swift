import PumpSimKit
import PumpTelemetry
import Testing

@Suite struct PumpModelTests {
    static let start = SimTime(seconds: 1_451_865_600)

    /// A pump implanted at time zero with no faults, followed for 12 years.
    static func messages(_ kind: PumpModelKind, seed: UInt64) -> (PumpTruth, [PumpMessage]) {
        var rng = SplitMix64(seed: seed)
        let plan = PumpLifePlanner.plan(
            serial: "\(kind.serialPrefix)-000001", kind: kind,
            parameters: PumpModelParameters.defaults(for: kind).scalingFaults(by: 0), implantedAt: start,
            reportFrom: start, until: start.adding(12 * SimTime.year), rng: &rng)
        var emitter = PumpEmitter(plan: plan, statusInterval: SimTime.day, ids: SplitMix64(seed: seed))
        var out: [PumpMessage] = []
        while let m = emitter.next() { out.append(m) }
        return (plan.truth, out)
    }

    static func firstAlert(_ code: KnownAlertCode, in messages: [PumpMessage]) -> SimTime? {
        messages.first { $0.alertCode == .known(code) }?.at
    }

    @Test(arguments: 1...40)
    func synchromedBatteryLastsFiveToSevenYearsWithNinetyDaysFromERIToEOS(seed: UInt64) throws {
        let (truth, messages) = Self.messages(.synchromed, seed: seed)
        let eri = try #require(Self.firstAlert(.batteryERI, in: messages))
        let eos = try #require(Self.firstAlert(.batteryEOS, in: messages))
        #expect(eos.seconds - Self.start.seconds >= 5 * SimTime.year)
        #expect(eos.seconds - Self.start.seconds <= 7 * SimTime.year)
        #expect(eos.seconds - eri.seconds >= 90 * SimTime.day)
        #expect(truth.failure == .endOfService && truth.failedAt == eos && truth.reachedERIAt == eri)
        // The battery only moves forward, BOS -> MOS -> ERI -> EOS, and the pump is silent after EOS.
        let order: [BatteryState] = [.BOS, .MOS, .ERI, .EOS]
        var rank = 0
        for m in messages {
            if case .status(let s) = m.body, let b = s.battery, let r = order.firstIndex(of: b.state) {
                #expect(r >= rank)
                rank = r
            }
        }
        #expect(rank == 3)
        #expect(messages.last?.at == eos)
    }

    @Test(arguments: 1...10)
    func prometraHasABatteryAndNoMotor(seed: UInt64) {
        let (_, messages) = Self.messages(.prometra, seed: seed)
        for m in messages {
            if case .status(let s) = m.body {
                #expect(s.motor == .none)
                #expect(s.battery != nil)
            }
            #expect(m.alertCode != .known(.motorStall))
        }
    }

    @Test(arguments: 1...10)
    func codmanNeverHasABatteryNorReachesERI(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let plan = PumpLifePlanner.plan(
            serial: "C3K-000001", kind: .codman3000,
            parameters: PumpModelParameters.defaults(for: .codman3000).scalingFaults(by: 50), implantedAt: Self.start,
            reportFrom: Self.start, until: Self.start.adding(12 * SimTime.year), rng: &rng)
        var emitter = PumpEmitter(plan: plan, statusInterval: SimTime.day, ids: SplitMix64(seed: seed))
        var statuses = 0
        while let m = emitter.next() {
            switch m.body {
            case .status(let s):
                statuses += 1
                #expect(s.battery == nil)
                #expect(s.motor == .none)
            case .alert(let a):
                #expect([.known(.lowReservoir), .known(.emptyReservoir), .known(.mriExposure)].contains(a.code))
            }
        }
        #expect(statuses > 4_000)
        #expect(plan.truth.reachedERIAt == nil && plan.truth.failure == nil)
    }

    @Test func mriStallsRecoverWithinTheMRIGraceAndBriefStallsWithinTwoHours() {
        let fleet = Fleet(
            FleetConfiguration(
                pumps: 40, span: 5 * SimTime.year, seed: 11, kindWeights: [(.synchromed, 1)], faultScale: 30))
        var mriStalls = 0
        for pump in fleet.pumps {
            var lastMRI: SimTime? = nil
            var stallAt: SimTime? = nil
            for e in pump.plan.events {
                switch e.event {
                case .mri: lastMRI = e.at
                case .stall: stallAt = e.at
                case .recover:
                    guard let s = stallAt else { continue }
                    let duration = e.at.seconds - s.seconds
                    if let m = lastMRI, s.seconds - m.seconds <= 3_600 {
                        mriStalls += 1
                        #expect(duration >= 2 * SimTime.hour && duration < 24 * SimTime.hour)
                    } else {
                        #expect(duration < 2 * SimTime.hour)
                    }
                    stallAt = nil
                default: break
                }
            }
        }
        #expect(mriStalls > 0)
    }

    @Test func theTruthMatchesTheReferenceJudgementOfEveryPump() throws {
        let fleet = Fleet(
            FleetConfiguration(
                pumps: 30, span: 6 * SimTime.year, seed: 21, statusInterval: 7 * SimTime.day, faultScale: 25))
        var byPump: [String: [PumpMessage]] = [:]
        for m in fleet.messages() { byPump[m.serial, default: []].append(m) }
        var failures = 0
        for pump in fleet.pumps {
            let (state, criterion) = ReferenceMonitor.judge(byPump[pump.serial] ?? [], grace: .defaults)
            #expect(state == pump.truth.expectedState, "\(pump.serial)")
            #expect(criterion == pump.truth.criterion, "\(pump.serial)")
            if pump.truth.failure != nil { failures += 1 }
        }
        #expect(failures > 5)
    }
}

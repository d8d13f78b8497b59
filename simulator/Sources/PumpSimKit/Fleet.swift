import PumpControlProtocol

/// Which therapies a fleet's pumps are enrolled with.
package enum TherapyMix: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every pump enrolled with a covered therapy (the usual fleet).
    case covered
    /// Mostly covered; about 10% not covered, 10% with a criterion unknown, 5% never enrolled.
    case mixed
}

/// How a fleet is drawn.
package struct FleetConfiguration: Sendable, Hashable {
    /// Number of pumps. Default 100.
    package var pumps: Int
    /// Simulated span. Default 7 years.
    package var span: Int64
    /// The seed of everything random. Default 1.
    package var seed: UInt64
    /// Simulated time zero. Default 2016-01-04T00:00:00Z (a 7-year span ends in the past).
    package var start: SimTime
    /// A status from every pump this often. Default 1 day.
    package var statusInterval: Int64
    /// Relative weights of the kinds of pump. Default SynchroMed 60, Prometra 25, Codman 15.
    package var kindWeights: [(PumpModelKind, Double)]
    /// Multiplies every fault rate (stalls, errors, MRIs). Default 1 (the models' own rates).
    package var faultScale: Double
    /// Pumps are already in service at time zero, implanted up to this long before. Default 4 years.
    package var maxAge: Int64
    /// Therapies enrolled. Default `covered`.
    package var therapyMix: TherapyMix

    /// The default time zero.
    package static let defaultStart = SimTime(seconds: 1_451_865_600)

    /// Creates a configuration; every field has a default.
    package init(
        pumps: Int = 100, span: Int64 = 7 * SimTime.year, seed: UInt64 = 1, start: SimTime = defaultStart,
        statusInterval: Int64 = SimTime.day,
        kindWeights: [(PumpModelKind, Double)] = [(.synchromed, 60), (.prometra, 25), (.codman3000, 15)],
        faultScale: Double = 1, maxAge: Int64 = 4 * SimTime.year, therapyMix: TherapyMix = .covered
    ) {
        self.pumps = pumps
        self.span = span
        self.seed = seed
        self.start = start
        self.statusInterval = statusInterval
        self.kindWeights = kindWeights
        self.faultScale = faultScale
        self.maxAge = maxAge
        self.therapyMix = therapyMix
    }

    /// Compares configurations field by field.
    package static func == (a: FleetConfiguration, b: FleetConfiguration) -> Bool {
        a.pumps == b.pumps && a.span == b.span && a.seed == b.seed && a.start == b.start
            && a.statusInterval == b.statusInterval && a.kindWeights.map(\.0) == b.kindWeights.map(\.0)
            && a.kindWeights.map(\.1) == b.kindWeights.map(\.1) && a.faultScale == b.faultScale
            && a.maxAge == b.maxAge && a.therapyMix == b.therapyMix
    }

    /// Hashes the configuration.
    package func hash(into h: inout Hasher) {
        h.combine(pumps)
        h.combine(span)
        h.combine(seed)
        h.combine(start)
    }

    /// Checks the configuration for meaning, against the wall clock `now` (the daemon rejects
    /// messages more than 5 minutes in its future).
    package func validate(now: SimTime) throws(FleetError) {
        guard pumps >= 1 else { throw FleetError("--pumps must be at least 1") }
        guard span >= SimTime.day else { throw FleetError("the span must be at least one day") }
        guard statusInterval >= SimTime.minute else { throw FleetError("--status-every must be at least 1m") }
        guard maxAge >= 0, maxAge <= 4 * SimTime.year + SimTime.year / 2 else {
            throw FleetError("--max-age must be between 0 and 4.5 years (pumps must not be past ERI at time zero)")
        }
        guard kindWeights.contains(where: { $0.1 > 0 }) else { throw FleetError("no kind of pump has a weight") }
        guard faultScale >= 0 else { throw FleetError("--fault-scale must not be negative") }
        guard start.adding(span) <= now else {
            throw FleetError(
                "the span ends at \(start.adding(span)), in the future: the daemon would reject those messages "
                    + "(timestamp_in_future). Choose an earlier --start or fewer --years.")
        }
    }
}

/// A fleet configuration that makes no sense, and what to change.
package struct FleetError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    package var description: String
    init(_ d: String) { description = d }
}

/// One pump of a fleet.
package struct FleetPump: Sendable {
    /// The kind.
    package var kind: PumpModelKind
    /// The therapy it is enrolled with; nil: never enrolled.
    package var therapy: EnrollmentDocument?
    /// Its life.
    package var plan: PumpPlan
    /// The seed of its message ids.
    package var idSeed: UInt64
    /// Its serial.
    package var serial: String { plan.serial }
    /// What truly happens to it.
    package var truth: PumpTruth { plan.truth }
}

/// A drawn fleet: every pump's life planned up front (a few events each), its messages generated
/// lazily, so a fleet of thousands over years fits in memory.
package struct Fleet: Sendable {
    /// The configuration it was drawn from.
    package var configuration: FleetConfiguration
    /// The pumps, in serial order.
    package var pumps: [FleetPump]

    /// Draws a fleet. Pump `i` depends only on the seed and `i`.
    package init(_ cfg: FleetConfiguration) {
        self.configuration = cfg
        let totalWeight = cfg.kindWeights.reduce(0) { $0 + max(0, $1.1) }
        let until = cfg.start.adding(cfg.span)
        pumps = (0..<cfg.pumps).map { i in
            var rng = SplitMix64.derived(seed: cfg.seed, stream: UInt64(i) &+ 1)
            var pick = rng.unit() * totalWeight
            var kind = cfg.kindWeights.last(where: { $0.1 > 0 })?.0 ?? .synchromed
            for (k, w) in cfg.kindWeights where w > 0 {
                if pick < w {
                    kind = k
                    break
                }
                pick -= w
            }
            let n = String(i + 1)
            let serial = kind.serialPrefix + "-" + String(repeating: "0", count: max(0, 6 - n.count)) + n
            let therapy = Self.therapy(kind: kind, serial: serial, mix: cfg.therapyMix, rng: &rng)
            let age = rng.integer(in: 0...max(0, cfg.maxAge))
            let params = PumpModelParameters.defaults(for: kind).scalingFaults(by: cfg.faultScale)
            let idSeed = rng.next()
            let plan = PumpLifePlanner.plan(
                serial: serial, kind: kind, parameters: params, implantedAt: cfg.start.adding(-age),
                reportFrom: cfg.start, until: until, rng: &rng)
            return FleetPump(kind: kind, therapy: therapy, plan: plan, idSeed: idSeed)
        }
    }

    /// A therapy that fits the kind of pump.
    static func therapy(kind: PumpModelKind, serial: String, mix: TherapyMix, rng: inout SplitMix64)
        -> EnrollmentDocument?
    {
        let patient = "PATIENT-\(serial)"
        let spasticity = EnrollmentDocument(
            patient: patient, indication: "spasticity", drug: "baclofen", route: "intrathecal",
            criteria: CriteriaDocument(severeRefractory: true, oralBaclofenFailed: true))
        let pain = EnrollmentDocument(
            patient: patient, indication: "chronic_intractable_pain", drug: "opioid", route: "intrathecal",
            criteria: CriteriaDocument(
                severeChronicIntractable: true, trialReductionPercent: 70, trialRoute: "intrathecal"))
        let liver = EnrollmentDocument(
            patient: patient, indication: "primary_liver_cancer", drug: "chemotherapy", route: "intrahepatic_arterial",
            criteria: CriteriaDocument())
        let roll = rng.unit()
        let choice = rng.unit()
        if mix == .mixed {
            if roll < 0.05 { return nil }
            if roll < 0.15 {
                return EnrollmentDocument(
                    patient: patient, indication: "spasticity", drug: "baclofen", route: "intrathecal",
                    criteria: CriteriaDocument(severeRefractory: true))
            }
            if roll < 0.25 {
                return choice < 0.5
                    ? EnrollmentDocument(
                        patient: patient, indication: "diabetes", drug: "insulin", route: "intravenous",
                        criteria: CriteriaDocument())
                    : EnrollmentDocument(
                        patient: patient, indication: "thromboembolic_disease", drug: "heparin", route: "intravenous",
                        criteria: CriteriaDocument())
            }
        }
        switch kind {
        case .synchromed: return choice < 0.5 ? spasticity : pain
        case .prometra: return pain
        case .codman3000: return choice < 0.5 ? liver : pain
        }
    }

    /// The fleet's messages, all pumps merged in `at` order (ties by serial order).
    package func messages() -> FleetMessageStream {
        FleetMessageStream(
            emitters: pumps.map {
                PumpEmitter(
                    plan: $0.plan, statusInterval: configuration.statusInterval, ids: SplitMix64(seed: $0.idSeed))
            })
    }
}

/// Merges the pumps' message streams by `at` with a binary heap; also a `LineSource`.
package struct FleetMessageStream: LineSource, Sequence, IteratorProtocol {
    private var emitters: [PumpEmitter]
    private var heap: [(SimTime, Int, PumpMessage)] = []

    init(emitters: [PumpEmitter]) {
        self.emitters = emitters
        for i in emitters.indices {
            if let m = self.emitters[i].next() { push((m.at, i, m)) }
        }
    }

    /// The next message of the fleet.
    package mutating func next() -> PumpMessage? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        if let m = emitters[top.1].next() { push((m.at, top.1, m)) }
        return top.2
    }

    /// The next message as a line.
    package mutating func nextLine() -> OutgoingLine? {
        next().map { OutgoingLine(message: $0) }
    }

    private static func less(_ a: (SimTime, Int, PumpMessage), _ b: (SimTime, Int, PumpMessage)) -> Bool {
        a.0 != b.0 ? a.0 < b.0 : a.1 < b.1
    }

    private mutating func push(_ e: (SimTime, Int, PumpMessage)) {
        heap.append(e)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.less(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < heap.count, Self.less(heap[l], heap[m]) { m = l }
            if r < heap.count, Self.less(heap[r], heap[m]) { m = r }
            if m == i { return }
            heap.swapAt(i, m)
            i = m
        }
    }
}

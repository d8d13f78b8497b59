/// Turns a pump's plan into its messages, one at a time, in `at` order: the planned events, plus
/// a status every `statusInterval` from the first report until the span ends or the pump falls
/// silent. Message ids come from the pump's own id generator, so they are fixed by the seed.
package struct PumpEmitter: Sendable {
    /// The pump's serial.
    package let serial: String
    private var condition: PumpCondition
    private let events: [PlannedEvent]
    private var nextEvent = 0
    private var nextStatus: SimTime
    private let statusInterval: Int64
    private let until: SimTime
    private var pending: [PumpMessage] = []
    private var pendingIndex = 0
    private var ids: SplitMix64

    /// Creates the emitter of `plan`, with a status every `statusInterval` seconds (> 0).
    package init(plan: PumpPlan, statusInterval: Int64, ids: SplitMix64) {
        self.serial = plan.serial
        self.condition = plan.initial
        self.events = plan.events
        self.nextStatus = plan.reportFrom
        self.statusInterval = max(1, statusInterval)
        self.until = plan.until
        self.ids = ids
    }

    /// The next message, or nil once the pump has nothing more to say.
    package mutating func next() -> PumpMessage? {
        while true {
            if pendingIndex < pending.count {
                defer { pendingIndex += 1 }
                return pending[pendingIndex]
            }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            if condition.silent { return nil }
            let eventAt = nextEvent < events.count ? events[nextEvent].at : nil
            let statusDue = nextStatus <= until ? nextStatus : nil
            let at: SimTime
            let event: PumpEvent
            switch (eventAt, statusDue) {
            case (nil, nil):
                return nil
            case (let e?, let s?) where s < e:
                at = s
                event = .status
                nextStatus = s.adding(statusInterval)
            case (nil, let s?):
                at = s
                event = .status
                nextStatus = s.adding(statusInterval)
            case (let e?, _):
                at = e
                event = events[nextEvent].event
                nextEvent += 1
            }
            for body in condition.apply(event, at: at) {
                pending.append(PumpMessage(id: ids.uuidString(), serial: serial, at: at, body: body))
            }
        }
    }
}

import PumpHL7
import PumpTelemetry
import Synchronization

/// One HL7 connection's messages waiting for their replies, in order: the reader adds each
/// message's intake as it submits it, the writer takes them back one per reply (replies come in
/// the order of the messages) and writes the ACK, MLLP-framed.
final class HL7Replies: Sendable {
    private let waiting = Mutex<(intakes: [HL7Intake], head: Int)>(([], 0))
    private let clock: any DaemonClock

    init(clock: any DaemonClock) { self.clock = clock }

    /// The message `intake` was submitted.
    func submitted(_ intake: HL7Intake) {
        waiting.withLock { $0.intakes.append(intake) }
    }

    /// Appends the framed ACK for the next message's `reply` to `buffer`.
    func append(_ reply: Reply, to buffer: inout [UInt8]) {
        let intake = waiting.withLock { w -> HL7Intake? in
            guard w.head < w.intakes.count else { return nil }
            let intake = w.intakes[w.head]
            w.head += 1
            if w.head > 1024 && w.head * 2 > w.intakes.count {
                w.intakes.removeFirst(w.head)
                w.head = 0
            }
            return intake
        }
        guard let intake else { return }
        let ack = HL7Acknowledgment.build(for: intake, reply: reply, nowMicros: clock.nowMicros())
        buffer.append(MLLPDeframer.startBlock)
        buffer.append(contentsOf: ack)
        buffer.append(MLLPDeframer.endBlock)
        buffer.append(MLLPDeframer.carriageReturn)
    }
}

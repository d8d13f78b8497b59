// libFuzzer target: bytes as an HL7 connection delivers them, through the MLLP deframer, the ER7
// parser, the PCD mapping and the protocol-v1 validator, as the daemon's HL7 listener does, plus
// the ACK it would write. Built by scripts/fuzz with swiftc -sanitize=fuzzer against PumpJSON,
// PumpTelemetry and PumpHL7 compiled from source.
//
// Beyond "no crash", it checks invariants a caller relies on:
// - the input fed whole and fed one byte at a time gives the same frames;
// - every message gets one ACK that parses as ER7, with MSA-2 echoing the control id read;
// - a refusal always names a field and carries a detail;
// - a mapped message's protocol-v1 line parses back to its content.
import PumpHL7
import PumpJSON
import PumpTelemetry

private let now: Int64 = 1_795_863_600_000_000
private let validator = FrameValidator()

/// libFuzzer entry point: one connection's bytes, framed twice and each frame taken in and answered.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHL7(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Unframed input is also taken as one message, so that the parser sees every input.
    var whole = MLLPDeframer(maxMessageBytes: 2048)
    var frames = whole.feed(bytes)
    var byByte = MLLPDeframer(maxMessageBytes: 2048)
    var again: [MLLPFrame] = []
    for byte in bytes { again += byByte.feed([byte]) }
    if frames != again { fatalError("framing depends on how the bytes arrive") }
    frames.append(.message(bytes))
    for frame in frames {
        let intake = HL7Intake(frame, validator: validator, nowMicros: now)
        let reply: Reply
        switch intake.outcome {
        case .valid(let message, let line, _):
            guard let back = try? JSONParser.parse(line),
                back == message.content.sortedByKey() || back == message.content
            else { fatalError("the protocol-v1 line does not parse back to the content") }
            reply = .accepted(id: message.id)
        case .refused(let refusal, let rejection):
            if refusal.detail.isEmpty || rejection.detail.isEmpty { fatalError("refusal without detail") }
            if refusal.location.segment.isEmpty { fatalError("refusal without a location") }
            reply = rejection.reply
        }
        let ack = HL7Acknowledgment.build(for: intake, reply: reply, nowMicros: now)
        guard let parsed = try? HL7Message.parse(ack), let msa = parsed.segments(named: "MSA").first else {
            fatalError("the ACK does not parse")
        }
        if parsed.value(msa, 2) != intake.header.controlID.map({ $0.isEmpty ? nil : $0 }) ?? nil {
            fatalError("MSA-2 does not echo the control id")
        }
    }
    return 0
}

// libFuzzer target: one protocol-v1 line through the parser and the validator, as the daemon's
// ingest path does, plus the reply it would write. Built by scripts/fuzz with swiftc
// -sanitize=fuzzer against PumpJSON and PumpTelemetry compiled from source.
//
// Beyond "no crash", it checks invariants a caller relies on:
// - a valid message's canonical JSON parses back to the same value (resend comparison);
// - the reply is exactly one line, and that line parses back to the same reply;
// - a rejection always carries a non-empty detail.
import PumpJSON
import PumpTelemetry

private let now: Int64 = 1_750_000_000_000_000
private let validator = FrameValidator()

/// libFuzzer entry point: frames, parses and validates one telemetry line from the fuzzer's bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrame(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = UnsafeRawBufferPointer(start: data, count: size)
    if let value = try? JSONParser.parse(line) {
        let canonical = JSONWriter.canonical(value)
        guard let again = try? JSONParser.parse(canonical), JSONWriter.canonical(again) == canonical else {
            fatalError("canonical JSON does not round-trip")
        }
    }
    let reply: Reply
    switch validator.validate(line, nowMicros: now) {
    case .valid(let message):
        guard let back = try? JSONParser.parse(JSONWriter.canonical(message.content)),
            case .valid(let again) = validator.validate(content: back, nowMicros: now), again == message
        else { fatalError("a valid message does not survive its canonical form") }
        reply = .accepted(id: message.id)
    case .rejected(let rejection):
        if rejection.detail.isEmpty { fatalError("rejection without detail") }
        reply = rejection.reply
    }
    let bytes = reply.line
    guard let newline = bytes.firstIndex(of: 10), newline == bytes.count - 1 else {
        fatalError("the reply is not exactly one line")
    }
    guard let parsed = Reply(line: Array(bytes.dropLast())), parsed == reply else {
        fatalError("the reply line does not parse back to the reply")
    }
    return 0
}

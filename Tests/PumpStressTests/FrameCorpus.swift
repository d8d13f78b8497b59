import Foundation
import PumpSimKit
import PumpTelemetry

/// What the daemon must answer to one stress frame.
enum Expected: Sendable, Hashable {
    /// Stored: `accepted`.
    case accepted
    /// The same bytes again: `duplicate`.
    case duplicate
    /// Quarantined with exactly this reason.
    case rejected(RejectionReason)
}

/// One frame of the stress run: the bytes (no `\n`), the answer it must get, and the id the reply
/// must echo.
struct StressFrame: Sendable {
    var bytes: [UInt8]
    var expected: Expected
    var id: String?
}

extension SplitMix64 {
    /// A draw in 0..<n by modulo (the corpus's draws since it was written; the bias is harmless here).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Random and mutated protocol-v1 frames: valid statuses and alerts, valid ones with one field
/// broken, truncations, huge numbers, deep nesting, invalid UTF-8, NUL bytes, random bytes,
/// empty and over-long lines, byte-identical resends and conflicting resends.
struct FrameCorpus {
    let count: Int
    let pumps: Int
    let baseSeconds: Int64

    init(count: Int, pumps: Int = 500, now: Int64) {
        self.count = count
        self.pumps = pumps
        // At most `count` seconds of pump time, all well in the past.
        baseSeconds = now / 1_000_000 - Int64(count) - 86_400
    }

    func serial(_ i: Int) -> String { "STR-\(100_000 + i % pumps)" }

    func at(_ i: Int) -> String { PumpTime(micros: (baseSeconds + Int64(i)) * 1_000_000).text }

    func status(_ i: Int, id: String, motor: String = "\"ok\"", reservoir: String = "12.5", extra: String = "")
        -> String
    {
        #"{"v":1,"id":"\#(id)","serial":"\#(serial(i))","kind":"status","at":"\#(at(i))","model":"SynchroMed II","firmware":"4.2","battery":{"state":"MOS","volts":2.9,"months_remaining":30},"motor":\#(motor),"reservoir_ml":\#(reservoir),"infusing":true\#(extra)}"#
    }

    func alert(_ i: Int, id: String, code: String = "LOW_RESERVOIR", detail: String = "refill soon") -> String {
        #"{"v":1,"id":"\#(id)","serial":"\#(serial(i))","kind":"alert","at":"\#(at(i))","code":"\#(code)","severity":"warning","state":"raised","detail":"\#(detail)"}"#
    }

    /// Every frame, in sending order.
    func frames(seed: UInt64 = 0x5EED) -> [StressFrame] {
        var rng = SplitMix64(seed: seed)
        var out: [StressFrame] = []
        out.reserveCapacity(count)
        var validSent: [Int] = []  // indexes into `out` of accepted frames
        for i in 0..<count {
            let id = "f\(i)"
            let roll = rng.below(100)
            var frame: StressFrame
            switch roll {
            case 0..<40:
                let text = rng.below(4) == 0 ? alert(i, id: id) : status(i, id: id)
                frame = StressFrame(bytes: Array(text.utf8), expected: .accepted, id: id)
            case 40..<43:
                // A valid message with deep but allowed nesting and escaped NULs in an unknown field.
                let depth = 1 + rng.below(40)
                let nest = String(repeating: "[", count: depth) + "\"\\u0000\"" + String(repeating: "]", count: depth)
                frame = StressFrame(
                    bytes: Array(status(i, id: id, extra: #","x_nest":\#(nest)"#).utf8), expected: .accepted, id: id)
            case 43..<48:
                // Resend: the same bytes as an earlier accepted frame.
                if let j = validSent.randomElement(using: &rng) {
                    frame = StressFrame(bytes: out[j].bytes, expected: .duplicate, id: out[j].id)
                } else {
                    frame = StressFrame(bytes: Array(status(i, id: id).utf8), expected: .accepted, id: id)
                }
            case 48..<50:
                // Conflicting resend: an earlier accepted frame's id with other content.
                if let j = validSent.randomElement(using: &rng), let oldID = out[j].id {
                    let k = Int(out[j].bytes.count)  // any other content will do
                    let text = alert(indexOf(oldID), id: oldID, code: "PUMP_RESET", detail: "conflict \(k)")
                    frame = StressFrame(bytes: Array(text.utf8), expected: .rejected(.conflictingDuplicate), id: oldID)
                } else {
                    frame = StressFrame(bytes: Array(status(i, id: id).utf8), expected: .accepted, id: id)
                }
            case 50..<65:
                frame = brokenField(i, id: id, rng: &rng)
            case 65..<75:
                // Truncation of a valid frame: never a whole object.
                let whole = Array((rng.below(2) == 0 ? status(i, id: id) : alert(i, id: id)).utf8)
                let cut = 1 + rng.below(whole.count - 1)
                frame = StressFrame(bytes: Array(whole[..<cut]), expected: .rejected(.invalidJSON), id: nil)
            case 75..<80:
                // Huge numbers: a reservoir too large for a Double is an invalid field; a `v` of 400+
                // digits is still an integer, so it is an unsupported version (telemetry-protocol.md:
                // "not an integer: invalid_field; not 1: unsupported_version").
                let digits = String(repeating: "9", count: 400 + rng.below(4000))
                let pick = rng.below(3)
                let text: String
                switch pick {
                case 0: text = status(i, id: id, reservoir: "1e400")
                case 1: text = status(i, id: id, reservoir: digits)
                default: text = #"{"v":\#(digits),"id":"\#(id)","serial":"\#(serial(i))","kind":"status"}"#
                }
                frame = StressFrame(
                    bytes: Array(text.utf8), expected: .rejected(pick == 2 ? .unsupportedVersion : .invalidField),
                    id: id)
            case 80..<84:
                // Nesting deeper than the parser allows.
                let depth = 65 + rng.below(5000)
                let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                frame = StressFrame(bytes: Array(text.utf8), expected: .rejected(.invalidJSON), id: nil)
            case 84..<88:
                // Invalid UTF-8 inside a string.
                var bytes = Array(status(i, id: id).utf8)
                let bad: [[UInt8]] = [
                    [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82],
                ]
                if let at = bytes.firstIndex(of: UInt8(ascii: "I")) {  // inside "SynchroMed II"
                    bytes.insert(contentsOf: bad[rng.below(bad.count)], at: at)
                }
                frame = StressFrame(bytes: bytes, expected: .rejected(.invalidJSON), id: nil)
            case 88..<91:
                // A raw NUL byte: inside a string, or between tokens.
                var bytes = Array(alert(i, id: id).utf8)
                bytes.insert(0, at: rng.below(2) == 0 ? bytes.count - 3 : bytes.count - 1)
                frame = StressFrame(bytes: bytes, expected: .rejected(.invalidJSON), id: nil)
            case 91..<97:
                // Random bytes (no newline); a leading `#` keeps them from ever being JSON.
                let n = 1 + rng.below(300)
                var bytes: [UInt8] = [UInt8(ascii: "#")]
                for _ in 0..<n {
                    var b = UInt8(truncatingIfNeeded: rng.next())
                    if b == 10 { b = 11 }
                    bytes.append(b)
                }
                frame = StressFrame(bytes: bytes, expected: .rejected(.invalidJSON), id: nil)
            case 97:
                frame = StressFrame(bytes: [], expected: .rejected(.invalidJSON), id: nil)
            case 98:
                // Over the 65,536-byte limit (rarely, to keep the run's size sane).
                if rng.below(50) == 0 {
                    let pad = String(repeating: "a", count: 65_600)
                    frame = StressFrame(
                        bytes: Array(alert(i, id: id, detail: pad).utf8), expected: .rejected(.frameTooLarge), id: nil)
                } else {
                    frame = StressFrame(bytes: Array("   ".utf8), expected: .rejected(.invalidJSON), id: nil)
                }
            default:
                frame = StressFrame(bytes: Array("[1,2,3]".utf8), expected: .rejected(.invalidJSON), id: nil)
            }
            if frame.expected == .accepted { validSent.append(out.count) }
            out.append(frame)
        }
        return out
    }

    /// The frame index an id `f<i>` was made for (its pump and time).
    private func indexOf(_ id: String) -> Int { Int(id.dropFirst()) ?? 0 }

    /// A well-formed message with exactly one field broken, and the reason that must name it.
    private func brokenField(_ i: Int, id: String, rng: inout SplitMix64) -> StressFrame {
        let good = status(i, id: id)
        func replacing(_ a: String, _ b: String) -> [UInt8] { Array(good.replacingOccurrences(of: a, with: b).utf8) }
        let future = PumpTime(micros: (baseSeconds + Int64(count) + 400 * 86_400) * 1_000_000).text
        let cases: [([UInt8], RejectionReason, String?)] = [
            (replacing(#""v":1"#, #""v":2"#), .unsupportedVersion, id),
            (replacing(#""v":1,"#, ""), .missingField, id),
            (replacing(#""v":1"#, #""v":"1""#), .invalidField, id),
            (replacing(#""serial":"\#(serial(i))""#, #""serial":"X""#), .invalidField, id),
            (replacing(#""kind":"status""#, #""kind":"heartbeat""#), .unknownKind, id),
            (replacing(#""motor":"ok""#, #""motor":"spinning""#), .invalidField, id),
            (replacing(#""model":"SynchroMed II","#, ""), .missingField, id),
            (replacing(#""volts":2.9"#, #""volts":-1"#), .invalidField, id),
            (replacing(#""at":"\#(at(i))""#, #""at":"\#(future)""#), .timestampInFuture, id),
            (replacing(#""at":"\#(at(i))""#, #""at":"yesterday""#), .invalidField, id),
            (Array(alert(i, id: id, code: "NOT_A_CODE").utf8), .unknownCode, id),
            (
                Array(alert(i, id: id).replacingOccurrences(of: #""severity":"warning""#, with: #""severity":9"#).utf8),
                .invalidField, id
            ),
        ]
        let (bytes, reason, echoed) = cases[rng.below(cases.count)]
        return StressFrame(bytes: bytes, expected: .rejected(reason), id: echoed)
    }
}

extension Array {
    fileprivate func randomElement(using rng: inout SplitMix64) -> Element? {
        isEmpty ? nil : self[rng.below(count)]
    }
}

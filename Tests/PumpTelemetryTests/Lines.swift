import PumpTelemetry

/// Builds protocol lines field by field, so a test states only what it changes.
enum Lines {
    /// The daemon clock of the tests: 2026-11-28T10:15:00Z.
    static let now: Int64 = 1_795_860_900_000_000

    static let envelope: [(String, String)] = [
        ("v", "1"), ("id", #""m-1""#), ("serial", #""SM2-004211""#), ("kind", #""status""#),
        ("at", #""2026-11-28T10:15:00Z""#),
    ]
    static let statusFields: [(String, String)] = [
        ("model", #""SynchroMed II""#), ("battery", #"{"state":"MOS","volts":3.05}"#), ("motor", #""ok""#),
    ]
    static let alertFields: [(String, String)] = [("code", #""MOTOR_STALL""#), ("severity", #""critical""#)]

    /// A valid status line, with `changes` applied: a raw JSON fragment replaces a field, nil
    /// removes it, a new key is appended.
    static func status(_ changes: KeyValuePairs<String, String?> = [:]) -> [UInt8] {
        build(envelope + statusFields, changes)
    }

    /// A valid alert line, with `changes` applied (see ``status(_:)``).
    static func alert(_ changes: KeyValuePairs<String, String?> = [:]) -> [UInt8] {
        var base = envelope
        base[3] = ("kind", #""alert""#)
        return build(base + alertFields, changes)
    }

    static func build(_ base: [(String, String)], _ changes: KeyValuePairs<String, String?>) -> [UInt8] {
        var members: [String] = []
        var used: Set<String> = []
        for (key, value) in base {
            if let change = changes.first(where: { $0.key == key }) {
                used.insert(key)
                guard let replacement = change.value else { continue }
                members.append("\"\(key)\":\(replacement)")
            } else {
                members.append("\"\(key)\":\(value)")
            }
        }
        for (key, value) in changes where !used.contains(key) {
            if let value { members.append("\"\(key)\":\(value)") }
        }
        return Array(("{" + members.joined(separator: ",") + "}").utf8)
    }

    static func validate(_ line: [UInt8], now: Int64 = now) -> FrameVerdict {
        FrameValidator().validate(line, nowMicros: now)
    }

    static func validate(_ text: String, now: Int64 = now) -> FrameVerdict {
        validate(Array(text.utf8), now: now)
    }

    /// The rejection, or nil when the line was valid.
    static func rejection(_ line: [UInt8], now: Int64 = now) -> Rejection? {
        if case .rejected(let r) = validate(line, now: now) { return r }
        return nil
    }

    /// The message, or nil when the line was rejected.
    static func message(_ line: [UInt8], now: Int64 = now) -> TelemetryMessage? {
        if case .valid(let m) = validate(line, now: now) { return m }
        return nil
    }
}

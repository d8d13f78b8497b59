import PumpJSON

/// The field names the protocol defines, recognised without hashing: the validator walks a parsed
/// object's members once and sorts them into named slots, instead of one lookup per field.
enum FieldName {
    case v, id, serial, kind, at
    case model, firmware, battery, motor, reservoirML, infusing
    case state, volts, monthsRemaining
    case code, severity, detail

    /// The spelling as static bytes.
    var bytes: StaticString {
        switch self {
        case .v: "v"
        case .id: "id"
        case .serial: "serial"
        case .kind: "kind"
        case .at: "at"
        case .model: "model"
        case .firmware: "firmware"
        case .battery: "battery"
        case .motor: "motor"
        case .reservoirML: "reservoir_ml"
        case .infusing: "infusing"
        case .state: "state"
        case .volts: "volts"
        case .monthsRemaining: "months_remaining"
        case .code: "code"
        case .severity: "severity"
        case .detail: "detail"
        }
    }

    /// The protocol field named `key`, or nil for an unknown field. Picks the one candidate by
    /// length and first byte, then compares the bytes.
    init?(key: String) {
        let utf8 = key.utf8
        let count = utf8.count
        guard count > 0, count <= 16 else { return nil }
        var i = utf8.startIndex
        let first = utf8[i]
        let candidate: FieldName
        switch (count, first) {
        case (1, UInt8(ascii: "v")): candidate = .v
        case (2, UInt8(ascii: "i")): candidate = .id
        case (2, UInt8(ascii: "a")): candidate = .at
        case (4, UInt8(ascii: "k")): candidate = .kind
        case (4, UInt8(ascii: "c")): candidate = .code
        case (5, UInt8(ascii: "m")):
            candidate = utf8[utf8.index(i, offsetBy: 2)] == UInt8(ascii: "d") ? .model : .motor
        case (5, UInt8(ascii: "s")): candidate = .state
        case (5, UInt8(ascii: "v")): candidate = .volts
        case (6, UInt8(ascii: "s")): candidate = .serial
        case (6, UInt8(ascii: "d")): candidate = .detail
        case (7, UInt8(ascii: "b")): candidate = .battery
        case (8, UInt8(ascii: "f")): candidate = .firmware
        case (8, UInt8(ascii: "i")): candidate = .infusing
        case (8, UInt8(ascii: "s")): candidate = .severity
        case (12, UInt8(ascii: "r")): candidate = .reservoirML
        case (16, UInt8(ascii: "m")): candidate = .monthsRemaining
        default: return nil
        }
        let expected = candidate.bytes.utf8Start
        var k = 0
        while i < utf8.endIndex {
            if utf8[i] != expected[k] { return nil }
            k += 1
            i = utf8.index(after: i)
        }
        self = candidate
    }
}

/// A message object's protocol fields, sorted into slots in one pass (unknown fields skipped).
struct MessageFields {
    var v, id, serial, kind, at: JSONValue?
    var model, firmware, battery, motor, reservoirML, infusing: JSONValue?
    var code, severity, state, detail: JSONValue?

    /// Sorts a parsed object's members into slots.
    init(_ object: JSONObject) {
        for (key, value) in object.members {
            if let name = FieldName(key: key) { set(name, value) }
        }
    }

    mutating func set(_ name: FieldName, _ value: JSONValue) {
        switch name {
        case .v: v = value
        case .id: id = value
        case .serial: serial = value
        case .kind: kind = value
        case .at: at = value
        case .model: model = value
        case .firmware: firmware = value
        case .battery: battery = value
        case .motor: motor = value
        case .reservoirML: reservoirML = value
        case .infusing: infusing = value
        case .code: code = value
        case .severity: severity = value
        case .state: state = value
        case .detail: detail = value
        case .volts, .monthsRemaining: break
        }
    }
}

/// A `battery` object's fields.
struct BatteryFields {
    var state, volts, monthsRemaining: JSONValue?

    mutating func set(_ name: FieldName, _ value: JSONValue) {
        switch name {
        case .state: state = value
        case .volts: volts = value
        case .monthsRemaining: monthsRemaining = value
        default: break
        }
    }

    init(_ object: JSONObject) {
        for (key, value) in object.members {
            if let name = FieldName(key: key) { set(name, value) }
        }
    }
}

/// The rules every field shares: presence, type, words, ranges. `name` is the field's path as
/// messages show it (`model`, `battery.state`). JSON `null` counts as absent.
enum Field {
    /// The value; `missing_field` when absent or `null`.
    static func required(_ value: JSONValue?, _ name: String) throws(Fault) -> JSONValue {
        switch value {
        case nil, .null?: throw missing(value, name)
        case let value?: return value
        }
    }

    static func missing(_ value: JSONValue?, _ name: String) -> Fault {
        Fault(.missingField, "required field \"\(name)\" is \(value == nil ? "missing" : "null")")
    }

    // The readers below match on the optional directly, so a present value is not copied
    // before its payload is taken out.

    static func requiredString(_ value: JSONValue?, _ name: String) throws(Fault) -> String {
        switch value {
        case .string(let s)?: return s
        case nil, .null?: throw missing(value, name)
        case let other?: throw typeFault(name, "a string", other)
        }
    }

    static func optionalString(_ value: JSONValue?, _ name: String) throws(Fault) -> String? {
        switch value {
        case .string(let s)?: return s
        case nil, .null?: return nil
        case let other?: throw typeFault(name, "a string", other)
        }
    }

    /// A required string that must be one of an enum's words.
    static func requiredWord<Word: RawRepresentable & CaseIterable>(
        _ value: JSONValue?, _ name: String, as: Word.Type
    ) throws(Fault) -> Word where Word.RawValue == String {
        try word(try requiredString(value, name), name)
    }

    /// An optional string that must be one of an enum's words.
    static func optionalWord<Word: RawRepresentable & CaseIterable>(
        _ value: JSONValue?, _ name: String, as: Word.Type
    ) throws(Fault) -> Word? where Word.RawValue == String {
        guard let s = try optionalString(value, name) else { return nil }
        return try word(s, name)
    }

    private static func word<Word: RawRepresentable & CaseIterable>(_ s: String, _ name: String) throws(Fault) -> Word
    where Word.RawValue == String {
        guard let word = Word.matching(s) else {
            let words = Word.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw Fault(.invalidField, "field \"\(name)\" must be one of \(words); it is \(show(.string(s)))")
        }
        return word
    }

    /// An optional number that must be ≥ 0 and within `Double`'s range.
    static func optionalNonNegative(_ value: JSONValue?, _ name: String) throws(Fault) -> Double? {
        switch value {
        case .number(let n)?:
            guard !n.isNegative else {
                throw Fault(.invalidField, "field \"\(name)\" must be a number ≥ 0; it is \(clip(n.literal))")
            }
            let d = n.doubleValue
            guard d.isFinite else { throw Fault(.invalidField, "field \"\(name)\" is too large: \(clip(n.literal))") }
            return d
        case nil, .null?: return nil
        case let other?: throw typeFault(name, "a number ≥ 0", other)
        }
    }

    static func optionalBool(_ value: JSONValue?, _ name: String) throws(Fault) -> Bool? {
        switch value {
        case .bool(let b)?: return b
        case nil, .null?: return nil
        case let other?: throw typeFault(name, "true or false", other)
        }
    }

    static func typeFault(_ name: String, _ expected: String, _ value: JSONValue) -> Fault {
        Fault(.invalidField, "field \"\(name)\" must be \(expected); it is \(show(value))")
    }

    /// A value for a message: its type, and its text when short enough to help.
    static func show(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): "the boolean \(b)"
        case .number(let n): "the number \(clip(n.literal))"
        case .string(let s): "the string \(JSONWriter.quoted(clip(s)))"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// At most 64 characters of `s`, with `…` when cut.
    static func clip(_ s: String) -> String {
        guard s.utf8.count > 64 else { return s }
        var out = ""
        for (i, c) in s.enumerated() {
            if i == 64 { return out + "…" }
            out.append(c)
        }
        return out
    }
}

extension RawRepresentable where Self: CaseIterable, RawValue == String {
    /// The case spelled `word`, or nil. Same answer as `init(rawValue:)`, cheaper on the hot path:
    /// candidates of another length are skipped without comparing strings.
    static func matching(_ word: String) -> Self? {
        let count = word.utf8.count
        for candidate in allCases where candidate.rawValue.utf8.count == count && candidate.rawValue == word {
            return candidate
        }
        return nil
    }
}

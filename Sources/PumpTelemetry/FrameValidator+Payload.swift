/// Typed access to one JSON object's fields, raising the protocol's faults.
struct Fields {
    let object: [String: JSONValue]
    /// The dotted prefix for nested objects (`battery.`), for messages.
    let path: String

    init(_ object: [String: JSONValue], path: String) {
        self.object = object
        self.path = path
    }

    /// The value, or nil when absent or `null` (null counts as absent).
    func optional(_ key: String) -> JSONValue? {
        switch object[key] {
        case nil, .null: nil
        case let value?: value
        }
    }

    /// The value; `missing_field` when absent or `null`.
    func required(_ key: String) throws(Fault) -> JSONValue {
        switch object[key] {
        case nil: throw Fault(.missingField, "required field \"\(path)\(key)\" is missing")
        case .null: throw Fault(.missingField, "required field \"\(path)\(key)\" is null")
        case let value?: return value
        }
    }

    func requiredString(_ key: String) throws(Fault) -> String {
        let value = try required(key)
        guard case .string(let s) = value else { throw typeFault(key, "a string", value) }
        return s
    }

    func optionalString(_ key: String) throws(Fault) -> String? {
        guard let value = optional(key) else { return nil }
        guard case .string(let s) = value else { throw typeFault(key, "a string", value) }
        return s
    }

    /// A required string that must be one of an enum's words.
    func requiredWord<Word: RawRepresentable & CaseIterable>(_ key: String, as: Word.Type) throws(Fault) -> Word
    where Word.RawValue == String {
        try word(key, try requiredString(key))
    }

    /// An optional string that must be one of an enum's words.
    func optionalWord<Word: RawRepresentable & CaseIterable>(_ key: String, as: Word.Type) throws(Fault) -> Word?
    where Word.RawValue == String {
        guard let s = try optionalString(key) else { return nil }
        return try word(key, s)
    }

    private func word<Word: RawRepresentable & CaseIterable>(_ key: String, _ s: String) throws(Fault) -> Word
    where Word.RawValue == String {
        guard let word = Word(rawValue: s) else {
            let words = Word.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw Fault(.invalidField, "field \"\(path)\(key)\" must be one of \(words); it is \(Fields.show(.string(s)))")
        }
        return word
    }

    /// An optional number that must be ≥ 0 and finite as a `Double`.
    func optionalNonNegative(_ key: String) throws(Fault) -> Double? {
        guard let value = optional(key) else { return nil }
        guard case .number(let n) = value else { throw typeFault(key, "a number ≥ 0", value) }
        guard !n.isNegative else {
            throw Fault(.invalidField, "field \"\(path)\(key)\" must be a number ≥ 0; it is \(Fields.clip(n.literal))")
        }
        let d = n.doubleValue
        guard d.isFinite else {
            throw Fault(.invalidField, "field \"\(path)\(key)\" is too large: \(Fields.clip(n.literal))")
        }
        return d
    }

    func optionalBool(_ key: String) throws(Fault) -> Bool? {
        guard let value = optional(key) else { return nil }
        guard case .bool(let b) = value else { throw typeFault(key, "true or false", value) }
        return b
    }

    func typeFault(_ key: String, _ expected: String, _ value: JSONValue) -> Fault {
        Fault(.invalidField, "field \"\(path)\(key)\" must be \(expected); it is \(Fields.show(value))")
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

/// The `status` table: `model`, `firmware`, `battery`, `motor`, `reservoir_ml`, `infusing`.
enum StatusFields {
    static let maxModelCharacters = 64

    static func read(_ fields: Fields) throws(Fault) -> StatusReport {
        let model = try fields.requiredString("model")
        if model.isEmpty || FieldRules.isLonger(model, than: maxModelCharacters) {
            throw Fault(
                .invalidField,
                "field \"model\" must be 1 to \(maxModelCharacters) characters; it has \(model.count)")
        }
        let firmware = try fields.optionalString("firmware")
        let battery = try readBattery(fields)
        let motor = try fields.requiredWord("motor", as: MotorState.self)
        let reservoir = try fields.optionalNonNegative("reservoir_ml")
        let infusing = try fields.optionalBool("infusing")
        return StatusReport(
            model: model, firmware: firmware, battery: battery, motor: motor, reservoirML: reservoir, infusing: infusing)
    }

    /// `battery`: required; `null` means the pump has none; else an object with `state` and
    /// optional `volts` and `months_remaining`.
    static func readBattery(_ fields: Fields) throws(Fault) -> BatteryReading? {
        switch fields.object["battery"] {
        case nil:
            throw Fault(.missingField, "required field \"battery\" is missing (send null for a pump without a battery)")
        case .null:
            return nil
        case .object(let members):
            let battery = Fields(members, path: "battery.")
            let state = try battery.requiredWord("state", as: BatteryState.self)
            let volts = try battery.optionalNonNegative("volts")
            let months = try battery.optionalNonNegative("months_remaining")
            return BatteryReading(state: state, volts: volts, monthsRemaining: months)
        case let value?:
            throw fields.typeFault("battery", "an object or null", value)
        }
    }
}

/// The `alert` table: `code`, `severity`, `state`, `detail`.
enum AlertFields {
    static let maxDetailCharacters = 1024

    static func read(_ fields: Fields) throws(Fault) -> AlertReport {
        let codeWord = try fields.requiredString("code")
        guard let code = AlertCode(word: codeWord) else {
            throw Fault(
                .unknownCode,
                "field \"code\" is \(Fields.show(.string(codeWord))), neither a known alert code "
                    + "nor a vendor code X-<VENDOR>-<NAME> (letters, digits, '-')")
        }
        let severity = try fields.requiredWord("severity", as: Severity.self)
        let state = try fields.optionalWord("state", as: AlertState.self) ?? .raised
        let detail = try fields.optionalString("detail")
        if let detail, FieldRules.isLonger(detail, than: maxDetailCharacters) {
            throw Fault(
                .invalidField,
                "field \"detail\" must be at most \(maxDetailCharacters) characters; it has \(detail.count)")
        }
        return AlertReport(code: code, severity: severity, state: state, detail: detail)
    }
}

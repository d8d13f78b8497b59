import PumpJSON

/// The `status` table: `model`, `firmware`, `battery`, `motor`, `reservoir_ml`, `infusing`.
enum StatusFields {
    static let maxModelCharacters = 64

    static func read(_ fields: borrowing MessageFields) throws(Fault) -> StatusReport {
        let model = try Field.requiredString(fields.model, "model")
        if model.isEmpty || FieldRules.isLonger(model, than: maxModelCharacters) {
            throw Fault(
                .invalidField,
                "field \"model\" must be 1 to \(maxModelCharacters) characters; it has \(model.count)")
        }
        let firmware = try Field.optionalString(fields.firmware, "firmware")
        let battery = try readBattery(fields.battery)
        let motor = try Field.requiredWord(fields.motor, "motor", as: MotorState.self)
        let reservoir = try Field.optionalNonNegative(fields.reservoirML, "reservoir_ml")
        let infusing = try Field.optionalBool(fields.infusing, "infusing")
        return StatusReport(
            model: model, firmware: firmware, battery: battery, motor: motor, reservoirML: reservoir, infusing: infusing
        )
    }

    /// `battery`: required; `null` means the pump has none; else an object with `state` and
    /// optional `volts` and `months_remaining`.
    static func readBattery(_ value: JSONValue?) throws(Fault) -> BatteryReading? {
        switch value {
        case nil:
            throw Fault(.missingField, "required field \"battery\" is missing (send null for a pump without a battery)")
        case .null:
            return nil
        case .object(let members):
            let battery = BatteryFields(members)
            let state = try Field.requiredWord(battery.state, "battery.state", as: BatteryState.self)
            let volts = try Field.optionalNonNegative(battery.volts, "battery.volts")
            let months = try Field.optionalNonNegative(battery.monthsRemaining, "battery.months_remaining")
            return BatteryReading(state: state, volts: volts, monthsRemaining: months)
        case let value?:
            throw Field.typeFault("battery", "an object or null", value)
        }
    }
}

/// The `alert` table: `code`, `severity`, `state`, `detail`.
enum AlertFields {
    static let maxDetailCharacters = 1024

    static func read(_ fields: borrowing MessageFields) throws(Fault) -> AlertReport {
        let codeWord = try Field.requiredString(fields.code, "code")
        guard let code = AlertCode(word: codeWord) else {
            throw Fault(
                .unknownCode,
                "field \"code\" is \(Field.show(.string(codeWord))), neither a known alert code "
                    + "nor a vendor code X-<VENDOR>-<NAME> (letters, digits, '-')")
        }
        let severity = try Field.requiredWord(fields.severity, "severity", as: Severity.self)
        let state = try Field.optionalWord(fields.state, "state", as: AlertState.self) ?? .raised
        let detail = try Field.optionalString(fields.detail, "detail")
        if let detail, FieldRules.isLonger(detail, than: maxDetailCharacters) {
            throw Fault(
                .invalidField,
                "field \"detail\" must be at most \(maxDetailCharacters) characters; it has \(detail.count)")
        }
        return AlertReport(code: code, severity: severity, state: state, detail: detail)
    }
}

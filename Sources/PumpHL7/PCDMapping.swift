import PumpJSON

/// An HL7 message mapped to protocol v1: the JSON object the telemetry validator takes, and where in
/// the HL7 message each of its fields came from (for ERR-2 when the validator rejects one).
package struct MappedMessage: Sendable, Equatable {
    package var header: HL7Header
    package var content: JSONValue
    /// Protocol-v1 field name (`serial`, `at`, `months_remaining`, …) → its HL7 source.
    package var origins: [String: HL7Location]

    /// The protocol-v1 line (no `\n`), keys in the protocol's order.
    package var line: [UInt8] {
        // Numbers as the mapping spelled them: a value beyond a Double's precision stays exact.
        var writer = JSONWriter(numbers: .literal)
        guard (try? writer.write(content)) != nil else { return JSONWriter.canonical(content) }
        return writer.bytes
    }
}

/// The IHE PCD → protocol v1 mapping (docs/hl7.md). Only maps: every protocol rule (serial pattern,
/// ranges, time plausibility, codes) is left to the protocol's validator, which sees the result.
package enum PCDMapping {
    /// Maps a parsed message whose MSH says `header`, or says why it cannot be (the
    /// acknowledgment, the field, the reason).
    package static func map(_ message: HL7Message, header: HL7Header) throws(HL7Refusal) -> MappedMessage {
        let transaction = try header.transaction()
        var reader = ObservationReader(message: message)
        var object = JSONObject()
        object.append("v", 1)
        object.append("id", .string(try header.messageID()))
        reader.origins["id"] = HL7Location(segment: "MSH", sequence: 1, field: 10)
        switch transaction {
        case .observations: try reader.status(into: &object)
        case .alert: try reader.alert(into: &object)
        }
        return MappedMessage(header: header, content: .object(object), origins: reader.origins)
    }
}

/// Reads the OBX segments of one message.
struct ObservationReader {
    let message: HL7Message
    let observations: [HL7Segment]
    /// OBX-3 components 1 to 3 of each observation, at its segment index (read once: every lookup
    /// compares them).
    private let identifiers: [(identifier: String?, text: String?, system: String?)?]
    var origins: [String: HL7Location] = Dictionary(minimumCapacity: 12)

    init(message: HL7Message) {
        self.message = message
        let observations = message.segments(named: "OBX")
        self.observations = observations
        var identifiers: [(identifier: String?, text: String?, system: String?)?] = Array(
            repeating: nil, count: message.segments.count + 1)
        for obx in observations {
            identifiers[obx.index] = (
                message.value(obx, 3), message.value(obx, 3, component: 2), message.value(obx, 3, component: 3)
            )
        }
        self.identifiers = identifiers
    }

    private func identifies(_ obx: HL7Segment, _ code: PCDCodes.Code) -> Bool {
        guard obx.index < identifiers.count, let id = identifiers[obx.index] else { return false }
        return code.matches(identifier: id.identifier, text: id.text, system: id.system)
    }

    private func first(_ code: PCDCodes.Code) -> HL7Segment? { observations.first { identifies($0, code) } }

    private func location(_ obx: HL7Segment, _ field: Int, component: Int? = nil) -> HL7Location {
        HL7Location(segment: "OBX", sequence: obx.index, field: field, component: component)
    }

    // MARK: Envelope

    /// The serial: OBX-18.1 of the pump's MDS observation, else of the first observation carrying one.
    mutating func serial(preferring event: HL7Segment? = nil, into object: inout JSONObject) throws(HL7Refusal) {
        let candidates = [first(PCDCodes.pumpMDS), event].compactMap { $0 } + observations
        guard let obx = candidates.first(where: { message.value($0, 18) != nil }), let serial = message.value(obx, 18)
        else {
            throw .missing(
                HL7Location(segment: "OBX", sequence: first(PCDCodes.pumpMDS)?.index ?? 1, field: 18),
                "the pump's serial is OBX-18.1 (equipment instance identifier) of its MDS observation "
                    + "(69985^MDC_DEV_PUMP_INFUS_MDS^MDC)")
        }
        origins["serial"] = location(obx, 18, component: 1)
        object.append("serial", .string(serial))
    }

    /// The time: OBX-14 of `preferred` (the MDS or the event observation), else OBR-7.
    mutating func at(preferring preferred: HL7Segment?, into object: inout JSONObject) throws(HL7Refusal) {
        let source: (String, HL7Location)?
        if let preferred, let text = message.value(preferred, 14) {
            source = (text, location(preferred, 14))
        } else if let obr = message.segments(named: "OBR").first, let text = message.value(obr, 7) {
            source = (text, HL7Location(segment: "OBR", sequence: obr.index, field: 7))
        } else {
            source = nil
        }
        guard let (text, at) = source else {
            throw .missing(
                HL7Location(segment: "OBR", sequence: message.segments(named: "OBR").first?.index ?? 1, field: 7),
                "the observation time is OBX-14 of the pump's MDS (or event) observation, else OBR-7")
        }
        guard let rfc3339 = HL7Time.rfc3339(fromDTM: text) else {
            throw .invalid(
                at,
                "is \"\(text)\"; it must be an HL7 DTM to the minute or finer with its UTC offset, "
                    + "like 20261128101500+0100")
        }
        origins["at"] = at
        object.append("at", .string(rfc3339))
    }

    // MARK: PCD-01

    mutating func status(into object: inout JSONObject) throws(HL7Refusal) {
        try serial(into: &object)
        object.append("kind", "status")
        try at(preferring: first(PCDCodes.pumpMDS), into: &object)

        guard let modelOBX = first(PCDCodes.model), let model = message.value(modelOBX, 5) else {
            throw .missing(
                first(PCDCodes.model).map { location($0, 5) } ?? HL7Location(segment: "OBX", sequence: 1, field: 3),
                "a status needs the pump's model: an OBX 531969^MDC_ID_MODEL_NUMBER^MDC")
        }
        origins["model"] = location(modelOBX, 5)
        object.append("model", .string(model))

        if let obx = first(PCDCodes.firmware), let firmware = message.value(obx, 5) {
            origins["firmware"] = location(obx, 5)
            object.append("firmware", .string(firmware))
        }

        try battery(into: &object)

        guard let motorOBX = first(PCDCodes.motorState), let motor = message.value(motorOBX, 5) else {
            throw .missing(
                first(PCDCodes.motorState).map { location($0, 5) }
                    ?? HL7Location(segment: "OBX", sequence: 1, field: 3),
                "a status needs the motor state: an OBX MOTOR_STATE^Motor state^99PMD (ok, stalled or none)")
        }
        origins["motor"] = location(motorOBX, 5)
        object.append("motor", .string(motor))

        if let obx = first(PCDCodes.reservoirVolume) {
            object.append("reservoir_ml", try number(obx, unit: "mL", key: "reservoir_ml"))
        }
        if let obx = first(PCDCodes.infusing), let flag = message.value(obx, 5) {
            origins["infusing"] = location(obx, 5)
            switch flag {
            case "Y": object.append("infusing", true)
            case "N": object.append("infusing", false)
            default: throw .invalid(location(obx, 5), "is \"\(flag)\"; infusing is Y or N", code: .tableValueNotFound)
            }
        }
    }

    private mutating func battery(into object: inout JSONObject) throws(HL7Refusal) {
        guard let stateOBX = first(PCDCodes.batteryState), let state = message.value(stateOBX, 5) else {
            throw .missing(
                first(PCDCodes.batteryState).map { location($0, 5) }
                    ?? HL7Location(segment: "OBX", sequence: 1, field: 3),
                "a status needs the battery state: an OBX BATT_STATE^Battery state^99PMD (BOS, MOS, ERI, EOS, "
                    + "or NONE for a pump without a battery)")
        }
        origins["battery"] = location(stateOBX, 5)
        origins["battery.state"] = location(stateOBX, 5)
        if state == "NONE" {
            object.append("battery", .null)
            return
        }
        var battery = JSONObject()
        battery.append("state", .string(state))
        if let obx = first(PCDCodes.batteryVolts) {
            battery.append("volts", try number(obx, unit: "V", key: "battery.volts"))
        }
        if let obx = first(PCDCodes.batteryTimeRemaining) {
            battery.append("months_remaining", try number(obx, unit: "mo", key: "battery.months_remaining"))
        }
        object.append("battery", .object(battery))
    }

    /// OBX-5 as a JSON number, its OBX-6 unit (UCUM, OBX-6.1) required to be `unit`.
    private mutating func number(_ obx: HL7Segment, unit: String, key: String) throws(HL7Refusal) -> JSONValue {
        guard let text = message.value(obx, 5) else {
            throw .missing(location(obx, 5), "the observation has no value")
        }
        guard let literal = HL7Number.jsonLiteral(text) else {
            throw .invalid(location(obx, 5), "is \"\(text)\"; it must be an HL7 number (NM), like 12.5")
        }
        let given = message.value(obx, 6)
        guard given == unit else {
            throw .invalid(
                location(obx, 6, component: 1), "is \"\(given ?? "")\"; this observation is in \(unit) (UCUM)",
                code: .tableValueNotFound)
        }
        origins[key] = location(obx, 5)
        return .number(JSONNumber(literal: literal))
    }

    // MARK: PCD-04

    mutating func alert(into object: inout JSONObject) throws(HL7Refusal) {
        guard let event = observations.first(where: isEvent) else {
            throw .missing(
                HL7Location(segment: "OBX", sequence: observations.first?.index ?? 1, field: 3),
                "a PCD-04 alert needs an event observation: an MDC_EVT_… code, or a protocol code in 99PMD")
        }
        try serial(preferring: event, into: &object)
        object.append("kind", "alert")
        try at(preferring: event, into: &object)

        var code = try alertCode(event)
        var state = "raised"
        if isEnded(event) {
            if let clearing = PCDCodes.clearingCodes[code] { code = clearing } else { state = "cleared" }
        }
        object.append("code", .string(code))

        let priorities = message.repetitions(event, 8).compactMap { PCDCodes.severities[$0] }
        if let severity = priorities.first {
            origins["severity"] = location(event, 8)
            object.append("severity", .string(severity))
        } else if let obx = first(PCDCodes.alarmPriority), let word = message.value(obx, 5),
            let severity = PCDCodes.severities[word]
        {
            origins["severity"] = location(obx, 5)
            object.append("severity", .string(severity))
        } else {
            throw .missing(
                location(event, 8),
                "the alarm priority is PH, PM or PL in OBX-8 of the event, or in an OBX "
                    + "68484^MDC_ATTR_ALARM_PRIORITY^MDC")
        }
        object.append("state", .string(state))
        if message.value(event, 2) == "ST", let detail = message.value(event, 5) {
            origins["detail"] = location(event, 5)
            object.append("detail", .string(detail))
        }
    }

    private func isEvent(_ obx: HL7Segment) -> Bool {
        let system = message.value(obx, 3, component: 3)
        if system == PCDCodes.localSystem {
            let code = message.value(obx, 3) ?? ""
            return PCDCodes.protocolCodes.contains(code) || code.hasPrefix("X-")
        }
        return (message.value(obx, 3, component: 2) ?? "").hasPrefix("MDC_EVT_")
            || identifies(obx, PCDCodes.genericAlarm)
    }

    /// The protocol-v1 code of the event observation.
    private mutating func alertCode(_ event: HL7Segment) throws(HL7Refusal) -> String {
        var source = location(event, 3)
        var identifier = message.value(event, 3)
        var text = message.value(event, 3, component: 2)
        var system = message.value(event, 3, component: 3)
        if identifies(event, PCDCodes.genericAlarm) {
            source = location(event, 5)
            identifier = message.value(event, 5)
            text = message.value(event, 5, component: 2)
            system = message.value(event, 5, component: 3)
        }
        origins["code"] = source
        if system == PCDCodes.localSystem, let identifier {
            return identifier
        }
        if let mapped = text.flatMap({ PCDCodes.mdcEvents[$0] }) ?? identifier.flatMap({ PCDCodes.mdcEvents[$0] }) {
            return mapped
        }
        throw HL7Refusal(
            .error, .unknownCode, at: source, code: .tableValueNotFound,
            "\(source) is \(text ?? identifier ?? "(none)"): no protocol-v1 code for this event; docs/hl7.md lists "
                + "the MDC events taken, and every protocol code is also a code of the local system 99PMD")
    }

    /// Whether the event's phase is `end` or its alarm state `inactive` (a resolved alert).
    private func isEnded(_ event: HL7Segment) -> Bool {
        let phase = observations.first { identifies($0, PCDCodes.eventPhase) || message.value($0, 3) == "EVENT_PHASE" }
        let state = observations.first { identifies($0, PCDCodes.alarmState) || message.value($0, 3) == "ALARM_STATE" }
        return phase.flatMap { message.value($0, 5) } == "end" || state.flatMap { message.value($0, 5) } == "inactive"
    }
}

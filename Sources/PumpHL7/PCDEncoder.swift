import PumpJSON

/// The reverse of ``PCDMapping``: a protocol-v1 `status` or `alert` object written as the PCD-01 or
/// PCD-04 message that maps back to it (docs/hl7.md), for senders that speak HL7 (the simulator's
/// `--format hl7`, tests). Unknown protocol-v1 fields have no HL7 place and are left out; a
/// `MOTOR_STALL` `cleared` is sent as an ended stall, which maps to `MOTOR_STALL_RECOVERED`.
package enum PCDEncoder {
    /// The ER7 message (segments ending in `\r`) for `object`, from sending facility `facility` with
    /// control id `controlID`; nil when `object` is not a status or alert this mapping can carry
    /// (no serial, no RFC 3339 `at`, an unknown kind).
    package static func message(for object: JSONValue, facility: String, controlID: String) -> [UInt8]? {
        guard case .object(let o) = object, let serial = o["serial"]?.stringValue,
            let at = o["at"]?.stringValue.flatMap(dtm(fromRFC3339:)), let kind = o["kind"]?.stringValue
        else { return nil }
        let event = kind == "status" ? "R01" : "R40"
        guard kind == "status" || kind == "alert" else { return nil }
        var writer = PCDMessageWriter(
            application: "PUMPSIM", facility: facility, receiver: "PUMPMOND", time: at, event: event,
            controlID: controlID)
        writer.append(
            "OBR|1|||\(kind == "status" ? "69985^MDC_DEV_PUMP_INFUS_MDS^MDC" : "196616^MDC_EVT_ALARM^MDC")|||\(at)")
        func obx(_ type: String, _ identifier: String, _ value: String, unit: String = "", flags: String = "") {
            writer.observation(
                type: type, identifier: identifier, value: value, unit: unit, flags: flags, time: at, equipment: serial)
        }
        if kind == "status" {
            obx("", "69985^MDC_DEV_PUMP_INFUS_MDS^MDC", "")
            if let model = o["model"]?.stringValue { obx("ST", "531969^MDC_ID_MODEL_NUMBER^MDC", model) }
            if let firmware = o["firmware"]?.stringValue { obx("ST", "531976^MDC_ID_PROD_SPEC_FW^MDC", firmware) }
            if let battery = o["battery"] {
                if battery.isNull {
                    obx("CWE", "BATT_STATE^Battery state^99PMD", "NONE")
                } else {
                    if let state = battery["state"]?.stringValue {
                        obx("CWE", "BATT_STATE^Battery state^99PMD", state)
                    }
                    if let volts = battery["volts"]?.numberValue {
                        obx("NM", "BATT_VOLTS^Battery voltage^99PMD", volts.literal, unit: "V^volt^UCUM")
                    }
                    if let months = battery["months_remaining"]?.numberValue {
                        obx("NM", "67976^MDC_ATTR_TIME_BATT_REMAIN^MDC", months.literal, unit: "mo^month^UCUM")
                    }
                }
            }
            if let motor = o["motor"]?.stringValue { obx("CWE", "MOTOR_STATE^Motor state^99PMD", motor) }
            if let reservoir = o["reservoir_ml"]?.numberValue {
                obx("NM", "RESERVOIR_VOL^Reservoir volume^99PMD", reservoir.literal, unit: "mL^milliliter^UCUM")
            }
            if case .bool(let infusing)? = o["infusing"] { obx("ID", "INFUSING^Infusing^99PMD", infusing ? "Y" : "N") }
        } else {
            let code = o["code"]?.stringValue ?? ""
            let priority = ["critical": "PH", "warning": "PM", "info": "PL"][o["severity"]?.stringValue ?? ""] ?? ""
            let detail = o["detail"]?.stringValue
            obx(detail == nil ? "" : "ST", "\(HL7Encoding.escape(code))^^99PMD", detail ?? "", flags: priority)
            let phase = o["state"]?.stringValue == "cleared" ? "end" : "start"
            obx("ST", "68481^MDC_ATTR_EVENT_PHASE^MDC", phase)
        }
        return writer.bytes
    }

    /// RFC 3339 (`2026-11-28T10:15:00.25+01:00`, `…Z`) to an HL7 DTM with its offset
    /// (`20261128101500.25+0100`); nil for anything else, or a fraction finer than DTM's 4 digits.
    package static func dtm(fromRFC3339 text: String) -> String? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] | 0x20 == UInt8(ascii: "t"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":")
        else { return nil }
        var out = [b[0], b[1], b[2], b[3], b[5], b[6], b[8], b[9], b[11], b[12], b[14], b[15], b[17], b[18]]
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            let start = i + 1
            i = start
            while i < b.count, b[i] &- UInt8(ascii: "0") < 10 { i += 1 }
            guard (1...4).contains(i - start) else { return nil }
            out += [UInt8(ascii: ".")] + b[start..<i]
        }
        let zone = b[i...]
        if zone.count == 1, zone.first! | 0x20 == UInt8(ascii: "z") {
            out += Array("+0000".utf8)
        } else if zone.count == 6, zone.first == UInt8(ascii: "+") || zone.first == UInt8(ascii: "-"),
            zone[zone.startIndex + 3] == UInt8(ascii: ":")
        {
            let z = Array(zone)
            out += [z[0], z[1], z[2], z[4], z[5]]
        } else {
            return nil
        }
        guard out.allSatisfy({ $0 < 0x80 }) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }
}

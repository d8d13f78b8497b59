import Foundation
import PumpHL7
import PumpTelemetry
import PumpTesting

/// The example messages of docs/hl7.md (Tests/PumpHL7Tests/Examples) and helpers around them.
enum Examples {
    /// 2026-11-28T11:00:00Z: at or after every example's time.
    static let now: Int64 = 1_795_863_600_000_000

    static func path(_ name: String) -> String {
        BuiltProducts.packageRoot.appendingPathComponent("Tests/PumpHL7Tests/Examples/\(name)").path
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// `segments` joined by `\r`, as a message.
    static func message(_ segments: [String]) -> [UInt8] { Array((segments.joined(separator: "\r") + "\r").utf8) }

    static func intake(_ bytes: [UInt8], now: Int64 = Examples.now) -> HL7Intake {
        HL7Intake(.message(bytes), validator: FrameValidator(), nowMicros: now)
    }

    static let statusMSH =
        "MSH|^~\\&|GATEWAY|NORTHWING|PUMPMOND|HOSPITAL|20261128101502+0100||ORU^R01^ORU_R01|MSG1|P|2.6"
    static let alertMSH =
        "MSH|^~\\&|GATEWAY|NORTHWING|PUMPMOND|HOSPITAL|20261128101502+0100||ORU^R40^ORU_R40|ALR1|P|2.6"
    static let mds = "OBX|1||69985^MDC_DEV_PUMP_INFUS_MDS^MDC|1.0.0.0|||||||R|||20261128101500+0100||||SM2-004211"
    static let model = "OBX|2|ST|531969^MDC_ID_MODEL_NUMBER^MDC|1.0.0.1|SynchroMed II||||||R"
    static let battery = "OBX|3|CWE|BATT_STATE^Battery state^99PMD|1.0.0.3|MOS||||||R"
    static let motor = "OBX|4|CWE|MOTOR_STATE^Motor state^99PMD|1.0.0.6|ok||||||R"

    /// An OBX segment with `fields` (HL7 field number → value), the others empty.
    static func obx(_ fields: [Int: String]) -> String {
        let last = fields.keys.max() ?? 1
        return (["OBX"] + (1...last).map { fields[$0] ?? "" }).joined(separator: "|")
    }

    /// An event OBX: identifier, priority (OBX-8), OBX-14 time and OBX-18 serial.
    static func event(_ identifier: String, priority: String? = "PH", type: String = "", value: String = "") -> String {
        var fields: [Int: String] = [
            1: "1", 2: type, 3: identifier, 4: "1", 5: value, 11: "F", 14: "20261128101500+0100", 18: "SM2-004211",
        ]
        if let priority { fields[8] = priority }
        return obx(fields)
    }

    /// A minimal PCD-01 with `extra` OBX segments appended.
    static func status(_ extra: [String] = [], msh: String = statusMSH) -> [UInt8] {
        message([msh, mds, model, battery, motor] + extra)
    }

    /// A minimal PCD-04 whose event OBX is `event`.
    static func alert(_ event: String, _ extra: [String] = [], msh: String = alertMSH) -> [UInt8] {
        message([msh, "OBR|1|||196616^MDC_EVT_ALARM^MDC|||20261128101500+0100", event] + extra)
    }
}

extension HL7Intake {
    /// The valid message's JSON content, or nil.
    var content: PumpTelemetry.TelemetryMessage? {
        if case .valid(let m, _, _) = outcome { return m }
        return nil
    }

    var refusal: HL7Refusal? {
        if case .refused(let r, _) = outcome { return r }
        return nil
    }

    var rejection: Rejection? {
        if case .refused(_, let r) = outcome { return r }
        return nil
    }
}

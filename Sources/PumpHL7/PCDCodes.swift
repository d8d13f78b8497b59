/// The observation and event codes the mapping reads (docs/hl7.md has the table). IEEE 11073-10101
/// (MDC) codes where the nomenclature has the concept, else the local coding system
/// ``localSystem``. An MDC code is recognised by its reference id (OBX-3.2) or its numeric code
/// (OBX-3.1); a local one by OBX-3.1.
package enum PCDCodes {
    /// The local coding system (HL7 reserves `99zzz` names for local use).
    package static let localSystem = "99PMD"

    /// An observation identifier: the MDC reference id and number, or a local code.
    package struct Code: Sendable, Hashable {
        package var refID: String
        package var number: String?
        package var system: String { number == nil ? PCDCodes.localSystem : "MDC" }
    }

    static func mdc(_ refID: String, _ number: String) -> Code { Code(refID: refID, number: number) }
    static func local(_ code: String) -> Code { Code(refID: code, number: nil) }

    /// The infusion pump's medical device system (the MDS observation that carries the serial in OBX-18).
    static let pumpMDS = mdc("MDC_DEV_PUMP_INFUS_MDS", "69985")
    static let model = mdc("MDC_ID_MODEL_NUMBER", "531969")
    static let firmware = mdc("MDC_ID_PROD_SPEC_FW", "531976")
    static let batteryTimeRemaining = mdc("MDC_ATTR_TIME_BATT_REMAIN", "67976")
    static let batteryState = local("BATT_STATE")
    static let batteryVolts = local("BATT_VOLTS")
    static let motorState = local("MOTOR_STATE")
    static let reservoirVolume = local("RESERVOIR_VOL")
    static let infusing = local("INFUSING")

    /// The generic alarm event whose OBX-5 names the specific event (as some pumps send it).
    static let genericAlarm = mdc("MDC_EVT_ALARM", "196616")
    static let eventPhase = mdc("MDC_ATTR_EVENT_PHASE", "68481")
    static let alarmState = mdc("MDC_ATTR_ALARM_STATE", "68482")
    static let alarmPriority = mdc("MDC_ATTR_ALARM_PRIORITY", "68484")

    /// MDC events with a protocol-v1 code.
    static let mdcEvents: [String: String] = [
        "MDC_EVT_BATT_LO": "BATTERY_ERI",
        "196802": "BATTERY_ERI",
        "MDC_EVT_BATT_DEPL": "BATTERY_EOS",
        "MDC_EVT_MALF": "CRITICAL_ERROR",
    ]

    /// The protocol-v1 codes, each also a local code of ``localSystem``.
    static let protocolCodes: Set<String> = [
        "MOTOR_STALL", "MOTOR_STALL_RECOVERED", "CRITICAL_ERROR", "BATTERY_ERI", "BATTERY_EOS", "LOW_BATTERY_RESET",
        "IMPENDING_FAILURE", "LOW_RESERVOIR", "EMPTY_RESERVOIR", "PUMP_RESET", "MRI_EXPOSURE",
    ]

    /// The code that ends an alert condition, where one exists (an ended `MOTOR_STALL` is a recovery).
    static let clearingCodes: [String: String] = ["MOTOR_STALL": "MOTOR_STALL_RECOVERED"]

    /// Alarm priority (OBX-8 of the event, or MDC_ATTR_ALARM_PRIORITY) → protocol-v1 severity.
    static let severities: [String: String] = ["PH": "critical", "PM": "warning", "PL": "info", "PN": "info"]
}

extension PCDCodes.Code {
    /// Whether an observation identifier (OBX-3 components 1 to 3) is this code.
    func matches(identifier: String?, text: String?, system: String?) -> Bool {
        if let number {
            return text == refID || (identifier == number && (system == nil || system == "MDC"))
        }
        return identifier == refID && system == PCDCodes.localSystem
    }
}

import PumpHL7
import PumpJSON
import PumpTelemetry
import Testing

@Suite struct PCDMappingTests {
    @Test func theStatusExampleBecomesTheProtocolStatus() throws {
        let intake = Examples.intake(try Examples.bytes("pcd01-status.hl7"))
        let message = try #require(intake.content)
        let expected = try JSONParser.parse(
            Array(
                #"""
                {"v":1,"id":"NORTHWING:MSG00017","serial":"SM2-004211","kind":"status","at":"2026-11-28T10:15:00+01:00",
                 "model":"SynchroMed II","firmware":"4.2.1","battery":{"state":"MOS","volts":2.91,"months_remaining":31},
                 "motor":"ok","reservoir_ml":12.5,"infusing":true}
                """#.utf8))
        #expect(message.content == expected)
        #expect(message.kind == .status)
        #expect(message.at.micros == 1_795_857_300_000_000)
    }

    @Test func theAlertExampleBecomesTheProtocolAlert() throws {
        let intake = Examples.intake(try Examples.bytes("pcd04-alert.hl7"))
        let message = try #require(intake.content)
        let expected = try JSONParser.parse(
            Array(
                #"""
                {"v":1,"id":"NORTHWING:ALR00042","serial":"SM2-004211","kind":"alert","at":"2026-11-28T11:30:00+01:00",
                 "code":"MOTOR_STALL","severity":"critical","state":"raised","detail":"motor stopped after 3 retries"}
                """#.utf8))
        #expect(message.content == expected)
    }

    @Test func anMDCEventInsideTheGenericAlarmMapsToItsProtocolCode() throws {
        let intake = Examples.intake(try Examples.bytes("pcd04-battery-low.hl7"))
        let message = try #require(intake.content)
        #expect(message.content["code"]?.stringValue == "BATTERY_ERI")
        #expect(message.content["severity"]?.stringValue == "warning")
        #expect(message.content["serial"]?.stringValue == "SM2-004211")
    }

    @Test func anEndedStallIsTheRecoveryCode() throws {
        let event = Examples.event("MOTOR_STALL^Motor stalled^99PMD")
        let phase = "OBX|2|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|2|end||||||F"
        let message = try #require(Examples.intake(Examples.alert(event, [phase])).content)
        #expect(message.content["code"]?.stringValue == "MOTOR_STALL_RECOVERED")
        #expect(message.content["state"]?.stringValue == "raised")
    }

    @Test func anInactiveErrorIsCleared() throws {
        let event = Examples.event("^MDC_EVT_MALF^MDC")
        let state = "OBX|2|ST|68482^MDC_ATTR_ALARM_STATE^MDC|2|inactive||||||F"
        let message = try #require(Examples.intake(Examples.alert(event, [state])).content)
        #expect(message.content["code"]?.stringValue == "CRITICAL_ERROR")
        #expect(message.content["state"]?.stringValue == "cleared")
    }

    @Test func thePriorityObservationGivesTheSeverity() throws {
        let event = Examples.event("LOW_RESERVOIR^Low reservoir^99PMD", priority: nil)
        let priority = "OBX|2|ST|68484^MDC_ATTR_ALARM_PRIORITY^MDC|2|PL||||||F"
        let message = try #require(Examples.intake(Examples.alert(event, [priority])).content)
        #expect(message.content["severity"]?.stringValue == "info")
    }

    @Test func aPumpWithoutBatteryReportsNull() throws {
        let bytes = Examples.message([
            Examples.statusMSH, Examples.mds, Examples.model, "OBX|3|CWE|BATT_STATE^^99PMD|1|NONE", Examples.motor,
        ])
        let message = try #require(Examples.intake(bytes).content)
        #expect(message.content["battery"] == .null)
    }

    @Test func escapedValuesAreUnescapedIntoTheMessage() throws {
        let model = "OBX|2|ST|531969^MDC_ID_MODEL_NUMBER^MDC|1|Synchro\\F\\Med\\S\\II \\T\\ \\E\\ \\XC3A9\\"
        let bytes = Examples.message([Examples.statusMSH, Examples.mds, model, Examples.battery, Examples.motor])
        let message = try #require(Examples.intake(bytes).content)
        #expect(message.status?.model == "Synchro|Med^II & \\ é")
    }

    struct Fault: Sendable, CustomStringConvertible {
        var bytes: [UInt8]
        var ack: HL7AckCode
        var reason: RejectionReason
        var location: String
        var description: String
    }

    static let faults: [Fault] = [
        Fault(
            bytes: Examples.status(msh: Examples.statusMSH.replacingOccurrences(of: "ORU^R01", with: "ADT^A01")),
            ack: .reject, reason: .unknownKind, location: "MSH-9.1", description: "unsupported message type"),
        Fault(
            bytes: Examples.status(msh: Examples.statusMSH.replacingOccurrences(of: "ORU^R01", with: "ORU^R30")),
            ack: .reject, reason: .unknownKind, location: "MSH-9.2", description: "unsupported trigger event"),
        Fault(
            bytes: Examples.status(msh: Examples.statusMSH.replacingOccurrences(of: "|2.6", with: "|2.3")),
            ack: .reject, reason: .unsupportedVersion, location: "MSH-12", description: "unsupported version"),
        Fault(
            bytes: Examples.status(msh: Examples.statusMSH.replacingOccurrences(of: "|MSG1|", with: "||")),
            ack: .error, reason: .missingField, location: "MSH-10", description: "no control id"),
        Fault(
            bytes: Examples.status(msh: Examples.statusMSH.replacingOccurrences(of: "|NORTHWING|", with: "||")),
            ack: .error, reason: .missingField, location: "MSH-4", description: "no sending facility"),
        Fault(
            bytes: Examples.message([Examples.statusMSH, Examples.model, Examples.battery, Examples.motor]),
            ack: .error, reason: .missingField, location: "OBX-18", description: "no serial"),
        Fault(
            bytes: Examples.message([Examples.statusMSH, Examples.mds, Examples.battery, Examples.motor]),
            ack: .error, reason: .missingField, location: "OBX-3", description: "no model"),
        Fault(
            bytes: Examples.message([Examples.statusMSH, Examples.mds, Examples.model, Examples.motor]),
            ack: .error, reason: .missingField, location: "OBX-3", description: "no battery state"),
        Fault(
            bytes: Examples.status(["OBX|5|NM|RESERVOIR_VOL^^99PMD|1|12,5|mL"]),
            ack: .error, reason: .invalidField, location: "OBX-5", description: "not a number"),
        Fault(
            bytes: Examples.status(["OBX|5|NM|RESERVOIR_VOL^^99PMD|1|12|L"]),
            ack: .error, reason: .invalidField, location: "OBX-6.1", description: "wrong unit"),
        Fault(
            bytes: Examples.status(["OBX|5|ID|INFUSING^^99PMD|1|maybe"]),
            ack: .error, reason: .invalidField, location: "OBX-5", description: "infusing not Y/N"),
        Fault(
            bytes: Examples.message([
                Examples.statusMSH,
                "OBX|1||69985^MDC_DEV_PUMP_INFUS_MDS^MDC|1|||||||R|||20261128101500||||SM2-004211",
                Examples.model, Examples.battery, Examples.motor,
            ]), ack: .error, reason: .invalidField, location: "OBX-14", description: "time without offset"),
        Fault(
            bytes: Examples.alert(Examples.event("196940^MDC_EVT_FLUID_LINE_OCCL^MDC")),
            ack: .error, reason: .unknownCode, location: "OBX-3", description: "MDC event without a protocol code"),
        Fault(
            bytes: Examples.alert(Examples.event("MOTOR_STALL^^99PMD", priority: nil)),
            ack: .error, reason: .missingField, location: "OBX-8", description: "no priority"),
        Fault(
            bytes: Examples.alert("OBX|1||531969^MDC_ID_MODEL_NUMBER^MDC|1|x"),
            ack: .error, reason: .missingField, location: "OBX-3", description: "no event observation"),
        // Caught by the protocol's validator after mapping, located through the mapping's origins.
        Fault(
            bytes: Examples.message([
                Examples.statusMSH,
                "OBX|1||69985^MDC_DEV_PUMP_INFUS_MDS^MDC|1|||||||R|||20261128101500+0100||||bad serial!",
                Examples.model, Examples.battery, Examples.motor,
            ]), ack: .error, reason: .invalidField, location: "OBX-18.1", description: "serial pattern"),
        Fault(
            bytes: Examples.status(["OBX|5|NM|67976^MDC_ATTR_TIME_BATT_REMAIN^MDC|1|-3|mo"]),
            ack: .error, reason: .invalidField, location: "OBX-5", description: "negative months"),
        Fault(
            bytes: Examples.message([
                Examples.statusMSH, Examples.mds, Examples.model, "OBX|3|CWE|BATT_STATE^^99PMD|1|LOW", Examples.motor,
            ]), ack: .error, reason: .invalidField, location: "OBX-5", description: "battery state word"),
        Fault(
            bytes: Examples.message([
                Examples.statusMSH,
                "OBX|1||69985^MDC_DEV_PUMP_INFUS_MDS^MDC|1|||||||R|||20361128101500+0100||||SM2-004211",
                Examples.model, Examples.battery, Examples.motor,
            ]), ack: .error, reason: .timestampInFuture, location: "OBX-14", description: "time in the future"),
        Fault(
            bytes: Examples.alert(Examples.event("X-ACME-bad code^^99PMD")),
            ack: .error, reason: .unknownCode, location: "OBX-3", description: "bad vendor code"),
    ]

    @Test(arguments: faults)
    func eachFaultGetsItsAnswerNamingTheField(fault: Fault) throws {
        let intake = Examples.intake(fault.bytes)
        let refusal = try #require(intake.refusal, "mapped: \(String(describing: intake.content?.content))")
        #expect(refusal.ack == fault.ack, "\(refusal)")
        #expect(refusal.reason == fault.reason, "\(refusal)")
        #expect(refusal.location.description == fault.location, "\(refusal)")
        #expect(intake.rejection?.reason == fault.reason)
    }

    @Test func theMessageIDIsFacilityAndControlID() throws {
        let message = try #require(Examples.intake(Examples.status()).content)
        #expect(message.id == "NORTHWING:MSG1")
    }

    @Test func aTooLargeFrameIsQuarantinedWithItsLengthAndAnsweredFromItsHeader() {
        let prefix = Array(Examples.statusMSH.utf8) + [0x0D] + Array(repeating: UInt8(ascii: "A"), count: 100)
        let intake = HL7Intake(
            .tooLarge(prefix: prefix, length: 5_000_000), validator: FrameValidator(), nowMicros: Examples.now)
        #expect(intake.refusal?.ack == .error)
        #expect(intake.rejection?.reason == .frameTooLarge)
        #expect(intake.rejection?.detail.contains("5000000") == true)
        #expect(intake.header.controlID == "MSG1")
    }

    @Test func anUnparseableMessageIsStillAnsweredToItsControlID() {
        let bytes = Array(Examples.statusMSH.utf8) + [0x0D, 0xFF, 0xFE, 0x0D]
        let intake = Examples.intake(bytes)
        #expect(intake.refusal?.ack == .error)
        #expect(intake.rejection?.reason == .invalidField)
        #expect(intake.header.controlID == "MSG1")
    }
}

@Suite struct LenientHeaderTests {
    @Test func wrongEncodingCharactersStillEchoTheControlID() {
        let intake = Examples.intake(Array("MSH|^~^&|GW|NORTHWING|||x||ORU^R01|ENC1|P|2.6\r".utf8))
        #expect(intake.refusal?.ack == .error)
        #expect(intake.refusal?.location.description == "MSH-2")
        #expect(intake.header.controlID == "ENC1")
        #expect(intake.header.sendingFacility == "NORTHWING")
    }

    @Test func withoutMSHThereIsNoControlID() {
        let intake = Examples.intake(Array("PID|1\r".utf8))
        #expect(intake.refusal?.reason == .missingField)
        #expect(intake.header.controlID == nil)
    }
}

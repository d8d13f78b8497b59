import PumpHL7
import Testing

/// The outbound PCD-04 (docs/hl7.md, "Outbound"): what an IHE ACM Alert Manager reads from it.
@Suite struct PCDAlertReportTests {
    static let report = PCDAlertReport(
        alertname: "PumpNonFunctional", serial: "SM2-004211", ended: false, severity: "critical",
        summary: "SM2-004211 is not functional | end_of_service ^ EOS", eventMicros: Examples.now)

    @Test func aFiringAlertIsAStartedActivePCD04WithTheACMProfileAndTheSerialInOBX18() throws {
        let bytes = Self.report.message(controlID: "PMD1-7", facility: "ward-3", nowMicros: Examples.now + 1_000_000)
        let message = try HL7Message.parse(bytes)
        #expect(message.segments.map(\.name) == ["MSH", "OBR", "OBX", "OBX", "OBX", "OBX", "OBX"])
        let msh = message.header
        #expect(message.value(msh, 3) == "PUMPMOND")
        #expect(message.value(msh, 4) == "ward-3")
        #expect(message.raw(msh, 7) == "20261128110001+0000")
        #expect(message.raw(msh, 9) == "ORU^R40^ORU_R40")
        #expect(message.value(msh, 10) == "PMD1-7")
        #expect(message.value(msh, 12) == "2.6")
        #expect(message.raw(msh, 21) == "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.4^ISO")
        let obx = message.segments(named: "OBX")
        #expect(message.raw(obx[0], 3) == "196616^MDC_EVT_ALARM^MDC")
        #expect(message.value(obx[0], 5) == "PumpNonFunctional")
        #expect(message.value(obx[0], 5, component: 2) == "SM2-004211 is not functional | end_of_service ^ EOS")
        #expect(message.value(obx[0], 5, component: 3) == "99PMD")
        #expect(message.repetitions(obx[0], 8) == ["PH", "ST"])
        #expect(message.raw(obx[0], 14) == "20261128110000+0000")
        #expect(message.value(obx[0], 18) == "SM2-004211")
        #expect(message.raw(obx[1], 3) == "69985^MDC_DEV_PUMP_INFUS_MDS^MDC")
        #expect(message.value(obx[1], 18) == "SM2-004211")
        #expect(message.raw(obx[2], 3) == "68481^MDC_ATTR_EVENT_PHASE^MDC")
        #expect(message.value(obx[2], 5) == "start")
        #expect(message.raw(obx[3], 3) == "68482^MDC_ATTR_ALARM_STATE^MDC")
        #expect(message.value(obx[3], 5) == "active")
        #expect(message.raw(obx[4], 3) == "68484^MDC_ATTR_ALARM_PRIORITY^MDC")
        #expect(message.value(obx[4], 5) == "PH")
    }

    @Test func aResolvedAlertIsTheEndPhaseAndInactive() throws {
        var ended = Self.report
        ended.ended = true
        ended.severity = "warning"
        let message = try HL7Message.parse(ended.message(controlID: "c", facility: "f", nowMicros: Examples.now))
        let obx = message.segments(named: "OBX")
        #expect(message.value(obx[2], 5) == "end")
        #expect(message.value(obx[3], 5) == "inactive")
        #expect(message.value(obx[4], 5) == "PM")
    }

    @Test(arguments: [
        ("AA", HL7AckReading.Verdict.accepted), ("CA", .accepted), ("AE", .refused), ("CE", .refused),
        ("AR", .retry), ("CR", .retry),
    ])
    func anAckIsReadForItsControlIDAndVerdict(code: String, verdict: HL7AckReading.Verdict) throws {
        let ack = Examples.message([
            "MSH|^~\\&|ACM||PUMPMOND||20261128110001+0000||ACK^R40^ACK|A1|P|2.6", "MSA|\(code)|PMD1-7",
            "ERR|||207^Application internal error^HL70357|E||||no \\F\\ room",
        ])
        let reading = try #require(HL7AckReading(ack))
        #expect(reading.code == code)
        #expect(reading.controlID == "PMD1-7")
        #expect(reading.errorCode == "207")
        #expect(reading.text == "no | room")
        #expect(reading.verdict == verdict)
    }

    @Test func bytesWithoutAnMSAAreNoAck() {
        #expect(HL7AckReading(Examples.message(["MSH|^~\\&|ACM||||20261128110001+0000||ACK|A1|P|2.6"])) == nil)
        #expect(HL7AckReading(Array("not hl7".utf8)) == nil)
    }
}

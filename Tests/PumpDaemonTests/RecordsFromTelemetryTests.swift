import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// Records raised by telemetry, through the real daemon.
@Suite(.serialized) struct RecordsFromTelemetryTests {
    @Test func impendingThenNonFunctionRaiseOneRecordEachCitingTheirMessages() throws {
        let harness = try DaemonHarness()
        let serial = "SM2-004211"
        let enroll = ControlRequest(
            op: .enroll, serial: serial,
            therapy: EnrollmentDocument(
                patient: "P-1", indication: "spasticity", drug: "baclofen", route: "intrathecal",
                criteria: CriteriaDocument(severeRefractory: true, oralBaclofenFailed: true)))
        let implant = try harness.control(enroll, as: EligibilityRecordDocument.self)
        #expect(implant.result?.determination == "medically_necessary")
        let replies = try harness.send([
            Lines.status(serial, id: "s1", at: Lines.time(-7200)),
            Lines.alert(serial, id: "eri", code: "BATTERY_ERI", at: Lines.time(-3600)),
            Lines.status(serial, id: "s2", at: Lines.time(-3000), battery: #"{"state":"ERI"}"#),
            Lines.alert(serial, id: "eos", code: "BATTERY_EOS", at: Lines.time(-60), severity: "critical"),
        ])
        #expect(replies.map(\.result) == ["accepted", "accepted", "accepted", "accepted"])
        let records = try harness.records(serial: serial).filter { $0.trigger == "telemetry" }
        #expect(records.map(\.replacementCriterion) == ["non_function", "impending_failure"])
        #expect(records.map(\.clause) == ["MN.replacement.non_function", "MN.replacement.impending_failure"])
        #expect(records.map(\.determination) == ["medically_necessary", "medically_necessary"])
        #expect(records[0].evidence.map(\.messageID) == ["eos"])
        #expect(records[1].evidence.map(\.messageID) == ["eri"])
        #expect(records[1].evidence.first?.code == "BATTERY_ERI")
        #expect(records[1].indication == IndicationDocument(status: "covered", clause: "MN.indication.3"))
        #expect(records.allSatisfy { $0.suppliesCovered && $0.policy.id == "CG-SURG-79" })
    }

    @Test func aConcurrentFloodOfRepeatsRaisesExactlyOneRecordPerPumpAndCriterion() async throws {
        let harness = try DaemonHarness()
        let ingest = harness.daemon.ingestSocket
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in 0..<6 {
                group.addTask {
                    var lines: [String] = []
                    for pump in 0..<5 {
                        for i in 0..<40 {
                            let serial = "FLD-\(pump)"
                            lines.append(
                                i % 2 == 0
                                    ? Lines.alert(
                                        serial, id: "c\(c)-\(i)", code: "BATTERY_ERI", at: Lines.time(Double(-9000 + i))
                                    )
                                    : Lines.alert(
                                        serial, id: "c\(c)-\(i)", code: "CRITICAL_ERROR",
                                        at: Lines.time(Double(-9000 + i)), severity: "critical"))
                        }
                    }
                    let socket = try LineSocket(unixPath: ingest)
                    try socket.send(lines.map { $0 + "\n" }.joined())
                    let replies = try socket.readLines(lines.count).map(DaemonHarness.decode)
                    #expect(replies.allSatisfy { $0.result == "accepted" })
                }
            }
            try await group.waitForAll()
        }
        let records = try harness.records().filter { $0.trigger == "telemetry" }
        let keys = records.map { "\($0.serial)/\($0.replacementCriterion ?? "")" }
        #expect(Set(keys).count == keys.count)
        // Each pump: ERI then CRITICAL_ERROR in the first connection's order, or directly non-function.
        for pump in 0..<5 {
            #expect(
                records.filter { $0.serial == "FLD-\(pump)" && $0.replacementCriterion == "non_function" }.count == 1)
            #expect(records.filter { $0.serial == "FLD-\(pump)" }.count <= 2)
        }
    }

    @Test func anUnenrolledPumpAtERINeedsReviewForWantOfAnIndication() throws {
        let harness = try DaemonHarness()
        _ = try harness.send([Lines.status("SM2-000777", id: "e1", battery: #"{"state":"ERI"}"#)])
        let record = try #require(try harness.records(serial: "SM2-000777").first)
        #expect(record.determination == "needs_review")
        #expect(record.missing == ["indication"])
        #expect(record.indication == IndicationDocument(status: "unknown", clause: nil))
        #expect(record.evidence.map(\.messageID) == ["e1"])
        #expect(record.evidence.first?.code == nil)
    }

    @Test func aConvenienceRequestOnAWorkingPumpIsNotMedicallyNecessaryAndCitesTheLatestStatus() throws {
        let harness = try DaemonHarness()
        _ = try harness.send([
            Lines.status("SM2-000888", id: "old", at: Lines.time(-7200)),
            Lines.status("SM2-000888", id: "new", at: Lines.time(-3600)),
        ])
        let reply = try harness.control(
            ControlRequest(op: .requestReplacement, serial: "SM2-000888", reason: "convenience", note: "patient asks"),
            as: EligibilityRecordDocument.self)
        let record = try #require(reply.result)
        #expect(record.determination == "not_medically_necessary")
        #expect(record.clause == "NMN.replacement.convenience")
        #expect(record.trigger == "request")
        #expect(record.requestReason == "convenience")
        #expect(record.note == "patient asks")
        #expect(record.evidence.map(\.messageID) == ["new"])
    }

    @Test func controlRequestsOnAnUnknownPumpAreNotFound() throws {
        let harness = try DaemonHarness()
        let reply = try harness.control(ControlRequest(op: .device, serial: "NOPE-1"), as: DeviceDetailDocument.self)
        #expect(reply.ok == false)
        #expect(reply.error?.code == .notFound)
        #expect(reply.error?.message.contains("NOPE-1") == true)
    }
}

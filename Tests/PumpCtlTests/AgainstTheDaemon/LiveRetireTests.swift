import Foundation
import PumpControlProtocol
import PumpCtlKit
import PumpTesting
import Testing

/// `pumpctl retire` and the `reason` of `devices` and `device`, against a real daemon.
@Suite("Retirement and reasons against the daemon")
struct LiveRetireTests {
    static func status(
        _ serial: String, id: String, at: String, battery: String = #"{"state":"MOS"}"#, motor: String = "ok"
    ) -> String {
        #"{"v":1,"id":"\#(id)","serial":"\#(serial)","kind":"status","at":"\#(at)","model":"SynchroMed II","battery":\#(battery),"motor":"\#(motor)"}"#
    }

    static func alert(_ serial: String, id: String, at: String, code: String) -> String {
        #"{"v":1,"id":"\#(id)","serial":"\#(serial)","kind":"alert","at":"\#(at)","code":"\#(code)","severity":"critical"}"#
    }

    static func json<T: Decodable>(_ text: String, as: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    @Test func retireTakesThePumpOutOfTheListsAndIsAudited() throws {
        let daemon = try LiveDaemon()
        try daemon.ingest([
            Self.status("SM2-000001", id: "m1", at: "2026-01-05T08:00:00Z"),
            Self.status("SM2-000009", id: "n1", at: "2026-01-05T08:00:00Z"),
        ])
        let text = daemon.pumpctlOK([
            "retire", "SM2-000001", "--reason", "replaced", "--replaced-by", "SM2-000002", "--note", "swap at refill",
        ])
        #expect(text.contains("Pump SM2-000001 retired"))
        #expect(text.contains("SM2-000002"))

        let listed = try Self.json(daemon.pumpctlOK(["devices", "--json"]), as: DeviceListDocument.self)
        #expect(listed.devices.map(\.serial) == ["SM2-000009"])
        let retired = try Self.json(
            daemon.pumpctlOK(["devices", "--state", "retired", "--json"]), as: DeviceListDocument.self)
        #expect(retired.devices.map(\.serial) == ["SM2-000001"])
        #expect(retired.devices.first?.reason == "replaced")
        let functional = try Self.json(
            daemon.pumpctlOK(["devices", "--state", "functional", "--json"]), as: DeviceListDocument.self)
        #expect(functional.devices.map(\.serial) == ["SM2-000009"])
        let device = try Self.json(daemon.pumpctlOK(["device", "SM2-000001", "--json"]), as: DeviceDetailDocument.self)
        #expect(device.state == "retired")
        #expect(device.reason == "replaced")
        #expect(daemon.pumpctlOK(["device", "SM2-000001"]).contains("retired"))

        let audit = try AuditTrail.rows(daemon.storePath)
        let row = try #require(audit.first { $0.command == "retire" })
        #expect(row.outcome == "allowed: ok")
        #expect(row.arguments.contains(#""replaced_by":"SM2-000002""#))
        #expect(daemon.pumpctl(["verify"]).exitCode == 0)
    }

    @Test func retireRefusesUnknownPumpsBadReasonsAndASecondRetirement() throws {
        let daemon = try LiveDaemon()
        try daemon.ingest([Self.status("SM2-000001", id: "m1", at: "2026-01-05T08:00:00Z")])
        let unknown = daemon.pumpctl(["retire", "SM2-777777", "--reason", "explanted"])
        #expect(unknown.exitCode == 66)
        #expect(unknown.stderr.contains("SM2-777777"))
        let badWord = daemon.pumpctl(["retire", "SM2-000001", "--reason", "lost"])
        #expect(badWord.exitCode == 65)
        #expect(badWord.stderr.contains("explanted, replaced, patient_deceased, other"))
        // The daemon checks the word too.
        let wire = try ControlLine.exchange(
            #"{"op":"retire","serial":"SM2-000001","reason":"lost"}"#, socket: daemon.process.controlSocket)
        #expect(wire.hasPrefix(#"{"ok":false,"error":{"code":"bad_data","#))
        #expect(wire.contains("explanted, replaced, patient_deceased, other"))

        daemon.pumpctlOK(["retire", "SM2-000001", "--reason", "explanted"])
        let twice = daemon.pumpctl(["retire", "SM2-000001", "--reason", "other"])
        #expect(twice.exitCode == 65)
        #expect(twice.stderr.contains("already retired"))
        let device = try Self.json(daemon.pumpctlOK(["device", "SM2-000001", "--json"]), as: DeviceDetailDocument.self)
        #expect(device.reason == "explanted")

        let outcomes = try AuditTrail.rows(daemon.storePath).filter { $0.command == "retire" }.map(\.outcome)
        #expect(outcomes == ["allowed: not_found", "allowed: bad_data", "allowed: ok", "allowed: bad_data"])
    }

    @Test func messagesForARetiredPumpAreStoredChangeNothingAndAreLogged() throws {
        let daemon = try LiveDaemon()
        try daemon.ingest([Self.status("SM2-000001", id: "m1", at: "2026-01-05T08:00:00Z")])
        daemon.pumpctlOK(["retire", "SM2-000001", "--reason", "explanted"])
        let replies = try daemon.ingest([
            Self.status("SM2-000001", id: "m2", at: "2026-01-05T09:00:00Z", battery: #"{"state":"EOS"}"#)
        ])
        #expect(replies.count == 1)
        #expect(replies.first?.contains(#""result":"accepted""#) == true)
        let events = daemon.pumpctlOK(["events", "SM2-000001", "--json"])
        #expect(events.contains(#""id": "m2""#))
        let device = try Self.json(daemon.pumpctlOK(["device", "SM2-000001", "--json"]), as: DeviceDetailDocument.self)
        #expect(device.state == "retired")
        #expect(device.reason == "explanted")
        let records = try Self.json(
            daemon.pumpctlOK(["eligibility", "--serial", "SM2-000001", "--json"]), as: RecordListDocument.self)
        #expect(records.records.isEmpty)
        let log = daemon.process.log(tail: 200)
        #expect(log.contains("Message stored for a retired pump"))
        #expect(log.contains("SM2-000001"))
    }

    @Test func devicesAndDeviceSayWhyAPumpIsInItsState() throws {
        let daemon = try LiveDaemon(extraArguments: ["--stall-grace", "60"])
        try daemon.ingest([
            Self.status("SM2-000001", id: "e1", at: "2026-01-05T08:00:00Z", battery: #"{"state":"EOS"}"#),
            Self.alert("SM2-000002", id: "s1", at: "2026-01-05T08:00:00Z", code: "MOTOR_STALL"),
            Self.status("SM2-000002", id: "s2", at: "2026-01-05T08:05:00Z", motor: "stalled"),
            Self.status("SM2-000003", id: "r1", at: "2026-01-05T08:00:00Z", battery: #"{"state":"ERI"}"#),
            // At EOS, while its latest status still says MOS.
            Self.status("SM2-000004", id: "m1", at: "2026-01-05T08:00:00Z"),
            Self.alert("SM2-000004", id: "m2", at: "2026-01-05T09:00:00Z", code: "BATTERY_EOS"),
            Self.status("SM2-000005", id: "f1", at: "2026-01-05T08:00:00Z"),
        ])
        let list = try Self.json(daemon.pumpctlOK(["devices", "--json"]), as: DeviceListDocument.self)
        let reasons = list.devices.map { "\($0.serial) \($0.state) \($0.reason ?? "null")" }
        #expect(
            reasons == [
                "SM2-000001 non_functional end_of_service", "SM2-000002 non_functional motor_stall",
                "SM2-000003 impending_failure battery_eri", "SM2-000004 non_functional end_of_service",
                "SM2-000005 functional null",
            ])
        // The key comes after the existing ones.
        let raw = daemon.pumpctlOK(["devices", "--json"])
        let lastSeen = try #require(raw.range(of: #""last_seen""#))
        let reason = try #require(raw.range(of: #""reason""#))
        #expect(lastSeen.lowerBound < reason.lowerBound)

        let table = daemon.pumpctlOK(["devices"])
        #expect(table.contains("REASON"))
        #expect(table.contains("end of service"))
        #expect(table.contains("motor stall"))
        #expect(table.contains("battery ERI"))
        let eos = daemon.pumpctlOK(["device", "SM2-000004"])
        #expect(eos.contains("Reason:"))
        #expect(eos.contains("end of service"))
        let detail = try Self.json(daemon.pumpctlOK(["device", "SM2-000004", "--json"]), as: DeviceDetailDocument.self)
        #expect(detail.reason == "end_of_service")
        #expect(detail.latestStatus?["battery"]?["state"]?.stringValue == "MOS")
    }
}

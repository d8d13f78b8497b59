import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// `--hl7-alert-manager`: the daemon as an IHE ACM Alert Reporter sends PCD-04 to a real MLLP peer
/// (python-hl7's server, HL7AlertManagerPeer), from its store's outbox, until acknowledged.
@Suite struct HL7AlertReporterTests {
    static let endOfService = #"{"state":"EOS"}"#

    func daemon(_ manager: HL7AlertManagerPeer, metricsPort: UInt16? = nil) throws -> DaemonHarness {
        try DaemonHarness(
            extraArguments: ["--hl7-alert-manager", "127.0.0.1:\(manager.port)"]
                + (metricsPort.map { ["--metrics-listen", "127.0.0.1:\($0)"] } ?? []))
    }

    func unsent(metricsPort: UInt16) throws -> Double? {
        MetricsTests.sample(try MetricsTests.http(metricsPort, "GET", "/metrics").1, "pumpmond_hl7_outbox_unsent")
    }

    /// Every message is a PCD-04 that python-hl7 reads and hl7apy parses (segments validated, v2.6).
    func expectWellFormed(_ messages: [HL7AlertManagerPeer.Received]) {
        for m in messages {
            #expect(m.msh9 == "ORU^R40^ORU_R40")
            #expect(m.msh21.hasPrefix("IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.4"))
            #expect(m.hl7apy == "ok", "\(m.message)")
        }
    }

    @Test func aFailedPumpIsSentAsPCD04AndNotSentAgainOnceAcknowledgedEvenAfterARestart() throws {
        try #require(PythonEnvironment.problem == nil, "\(PythonEnvironment.problem ?? "")")
        let manager = try HL7AlertManagerPeer()
        try manager.start()
        let h = try daemon(manager)
        #expect(
            try h.send([Lines.status("SM2-000001", id: "f1", at: Lines.time(-60), battery: Self.endOfService)])
                .map(\.result) == ["accepted"])
        let first = try manager.waitFor("PumpNonFunctional of SM2-000001") {
            $0.contains { $0.alertname == "PumpNonFunctional" }
        }
        let sent = try #require(first.first { $0.alertname == "PumpNonFunctional" })
        #expect(sent.serial == "SM2-000001")
        #expect(sent.value("68481") == "start")
        #expect(sent.value("68482") == "active")
        #expect(sent.value("68484") == "PH")
        #expect(sent.obx.first?.flags == "PH~ST")
        #expect(sent.obx.contains { $0.id.hasPrefix("69985^MDC_DEV_PUMP_INFUS_MDS") && $0.equipment == "SM2-000001" })

        // The peer has the message; stop only once the daemon has read its ACK and marked the row
        // acknowledged (stopped before that, it rightly sends the row again after the restart).
        let acknowledged = Date().addingTimeInterval(30)
        while try h.control(ControlRequest(op: .status), as: DaemonStatusDocument.self).result?.hl7OutboxUnsent != 0,
            Date() < acknowledged
        {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(try h.control(ControlRequest(op: .status), as: DaemonStatusDocument.self).result?.hl7OutboxUnsent == 0)
        #expect(h.daemon.stop() == 0)
        try h.daemon.start()
        // A later alert arrives: the sender runs, and has not sent the acknowledged one again.
        #expect(
            try h.send([
                Lines.alert("SM2-000002", id: "r1", code: "EMPTY_RESERVOIR", at: Lines.time(-30), severity: "critical")
            ]).map(\.result) == ["accepted"])
        let all = try manager.waitFor("PumpReservoirEmpty of SM2-000002") {
            $0.contains { $0.alertname == "PumpReservoirEmpty" }
        }
        #expect(all.filter { $0.alertname == "PumpNonFunctional" }.count == 1)
        #expect(all.map(\.msh10).count == Set(all.map(\.msh10)).count)
        expectWellFormed(all)
    }

    @Test func anAlertRaisedWhileTheAlertManagerIsDownArrivesWhenItIsBack() throws {
        try #require(PythonEnvironment.problem == nil, "\(PythonEnvironment.problem ?? "")")
        let manager = try HL7AlertManagerPeer()
        let metricsPort = try LineSocket.freeLoopbackPort()
        let h = try daemon(manager, metricsPort: metricsPort)
        #expect(
            try h.send([Lines.status("SM2-000003", id: "d1", at: Lines.time(-60), battery: Self.endOfService)])
                .map(\.result) == ["accepted"])
        let deadline = Date().addingTimeInterval(20)
        while !h.daemon.log(tail: 200).contains("does not take alerts"), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(h.daemon.log(tail: 200).contains("does not take alerts"))
        #expect(try unsent(metricsPort: metricsPort) == 1)
        let status = try h.control(ControlRequest(op: .status), as: DaemonStatusDocument.self).result
        #expect(status?.hl7OutboxUnsent == 1)
        // Long enough for more tries (250 ms, then 500 ms): the outage is still logged once.
        Thread.sleep(forTimeInterval: 1)
        try manager.start()
        let messages = try manager.waitFor("PumpNonFunctional of SM2-000003") {
            $0.contains { $0.alertname == "PumpNonFunctional" && $0.serial == "SM2-000003" }
        }
        expectWellFormed(messages)
        // Acknowledged after the Alert Manager recorded it: the gauge reaches 0 (checked once more after the deadline).
        let drained = Date().addingTimeInterval(20)
        while try unsent(metricsPort: metricsPort) != 0, Date() < drained { Thread.sleep(forTimeInterval: 0.05) }
        #expect(try unsent(metricsPort: metricsPort) == 0)
        let log = h.daemon.log(tail: 400)
        #expect(log.components(separatedBy: "does not take alerts").count == 2, "\(log)")
        #expect(log.components(separatedBy: "takes alerts again").count == 2, "\(log)")
    }

    @Test func aResolvedAlertIsSentAsEnded() throws {
        try #require(PythonEnvironment.problem == nil, "\(PythonEnvironment.problem ?? "")")
        let manager = try HL7AlertManagerPeer()
        try manager.start()
        let h = try daemon(manager)
        #expect(
            try h.send([
                Lines.alert("SM2-000004", id: "e1", code: "EMPTY_RESERVOIR", at: Lines.time(-60), severity: "critical")
            ]).map(\.result) == ["accepted"])
        try manager.waitFor("the reservoir alert's start") { $0.count >= 1 }
        #expect(
            try h.send([
                Lines.alert(
                    "SM2-000004", id: "e2", code: "EMPTY_RESERVOIR", at: Lines.time(-30), state: "cleared",
                    severity: "critical")
            ]).map(\.result) == ["accepted"])
        let messages = try manager.waitFor("the reservoir alert's start and end") { $0.count >= 2 }
        #expect(messages.map(\.alertname) == ["PumpReservoirEmpty", "PumpReservoirEmpty"])
        #expect(messages.map { $0.value("68481") } == ["start", "end"])
        #expect(messages.map { $0.value("68482") } == ["active", "inactive"])
        expectWellFormed(messages)
    }

    @Test func anAlertRefusedWithAEIsNotSentAgainAndOneAnsweredARIsRetried() throws {
        try #require(PythonEnvironment.problem == nil, "\(PythonEnvironment.problem ?? "")")
        let manager = try HL7AlertManagerPeer()
        try manager.start(answer: "AR")
        let h = try daemon(manager)
        #expect(
            try h.send([Lines.status("SM2-000005", id: "a1", at: Lines.time(-60), battery: Self.endOfService)])
                .map(\.result) == ["accepted"])
        let retried = try manager.waitFor("the alert sent twice") { $0.count >= 2 }
        #expect(Set(retried.map(\.msh10)).count == 1)
        manager.stop()
        let before = manager.messages().count
        try manager.start(answer: "AE")
        try manager.waitFor("the alert refused") { $0.count > before && $0.last?.answer == "AE" }
        #expect(
            try h.send([
                Lines.alert("SM2-000006", id: "r2", code: "EMPTY_RESERVOIR", at: Lines.time(-30), severity: "critical")
            ]).map(\.result) == ["accepted"])
        let all = try manager.waitFor("the next alert") { $0.contains { $0.serial == "SM2-000006" } }
        let refused = all.filter { $0.serial == "SM2-000005" && $0.answer == "AE" }
        #expect(refused.count == 1)
        #expect(h.daemon.log(tail: 400).contains("refused an alert"))
    }
}

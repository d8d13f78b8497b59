import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// The real `pumpalert` between a stand-in for pumpmond's control socket (playing the documented
/// watch stream) and a real Alertmanager whose webhook posts to a receiver in the test.
@Suite(.serialized) struct NotifierThroughAlertmanagerTests {
    static func eos(_ serial: String, status: AlertDocument.Status = .firing) -> AlertDocument {
        AlertDocument(
            alertname: .pumpNonFunctional, status: status, serial: serial, model: "SynchroMed II",
            reason: "end_of_service", clause: "non_function",
            summary: "Pump \(serial) stopped: battery at end of service",
            recordID: "rec-\(serial)", evidence: ["msg-\(serial)-1"], command: "pumpctl device \(serial)",
            startsAt: WatchStreamServer.now(), endsAt: status == .resolved ? WatchStreamServer.now() : nil)
    }

    static func empty(_ serial: String, status: AlertDocument.Status = .firing) -> AlertDocument {
        AlertDocument(
            alertname: .pumpReservoirEmpty, status: status, serial: serial, model: "SynchroMed II",
            reason: "EMPTY_RESERVOIR", clause: nil, summary: "Pump \(serial): reservoir empty", recordID: nil,
            evidence: ["msg-\(serial)-9"], command: "pumpctl device \(serial)", startsAt: WatchStreamServer.now(),
            endsAt: status == .resolved ? WatchStreamServer.now() : nil)
    }

    /// A stand-in daemon, a webhook receiver, an Alertmanager and a notifier, for `body`.
    static func withChain(
        resend: Int = 60, sendTimeout: Int = 10, alertmanagers count: Int = 1,
        _ body: (WatchStreamServer, WebhookReceiver, [AlertmanagerProcess], NotifierProcess) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory(prefix: "pmna")
        defer { directory.remove() }
        try await WatchStreamServer.with(socketPath: directory.file("control.sock")) { daemon in
            try await WebhookReceiver.with { webhook in
                var managers: [AlertmanagerProcess] = []
                for _ in 0..<count {
                    let manager = try AlertmanagerProcess(webhookURL: webhook.url)
                    try await manager.start()
                    managers.append(manager)
                }
                let notifier = NotifierProcess(
                    socket: daemon.socketPath, alertmanagers: managers.map(\.url), resend: resend,
                    sendTimeout: sendTimeout, logPath: directory.file("pumpalert.log"))
                try notifier.start()
                do {
                    try await body(daemon, webhook, managers, notifier)
                } catch {
                    Issue.record("notifier log:\n\(notifier.log)\nAlertmanager log:\n\(managers.first?.logTail ?? "")")
                    throw error
                }
                #expect(notifier.stop() == 0, "\(notifier.log)")
                for manager in managers { manager.stop() }
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aNonFunctionalAlertReachesTheWebhookWithItsLabelsAndAlertmanagerListsIt() async throws {
        try await Self.withChain { daemon, webhook, managers, _ in
            try await daemon.waitForConnections(1)
            #expect(daemon.requests == ["{\"op\":\"watch\"}"])
            try await daemon.publish(Self.eos("SM2-100001"))
            let seen = try await webhook.waitFor("the firing notification") { notifications in
                notifications.contains {
                    $0.status == "firing" && $0.alerts.contains { $0.labels["serial"] == "SM2-100001" }
                }
            }
            let alert = try #require(seen.flatMap(\.alerts).first { $0.labels["serial"] == "SM2-100001" })
            #expect(
                alert.labels == [
                    "alertname": "PumpNonFunctional", "severity": "critical", "serial": "SM2-100001",
                    "model": "SynchroMed II", "reason": "end_of_service", "clause": "non_function",
                ])
            #expect(alert.annotations["record_id"] == "rec-SM2-100001")
            #expect(alert.annotations["evidence"] == "msg-SM2-100001-1")
            #expect(alert.annotations["command"] == "pumpctl device SM2-100001")
            #expect(alert.annotations["summary"]?.contains("end of service") == true)
            let listed = try await managers[0].alerts()
            #expect(listed.map { $0.labels["serial"] } == ["SM2-100001"])
            #expect(listed.first?.status.state == "active")
            let amtool = try managers[0].amtoolQuery(["alertname=PumpNonFunctional"])
            #expect(amtool.status == 0, "\(amtool.stderr)")
            #expect(amtool.stdout.contains("serial=\"SM2-100001\""), "\(amtool.stdout)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func anEmptyReservoirFiresAndItsResolutionReachesTheWebhookResolved() async throws {
        try await Self.withChain { daemon, webhook, managers, _ in
            try await daemon.waitForConnections(1)
            try await daemon.publish(Self.empty("SM2-100002"))
            _ = try await webhook.waitFor("the firing notification") { notifications in
                notifications.contains {
                    $0.status == "firing" && $0.alerts.contains { $0.labels["alertname"] == "PumpReservoirEmpty" }
                }
            }
            try await daemon.publish(Self.empty("SM2-100002", status: .resolved))
            let seen = try await webhook.waitFor("the resolved notification") { notifications in
                notifications.contains {
                    $0.status == "resolved" && $0.alerts.contains { $0.labels["serial"] == "SM2-100002" }
                }
            }
            #expect(seen.last?.alerts.first?.labels["severity"] == "critical")
            #expect(try await managers[0].alerts().isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func anAlertRaisedWhileAlertmanagerIsDownArrivesWhenItIsBack() async throws {
        // async-http-client retries a refused connection until the post's own timeout, so the
        // failure is logged `send_timeout` seconds after the send: 2 s here, not the default 10.
        try await Self.withChain(resend: 1, sendTimeout: 2) { daemon, webhook, managers, notifier in
            try await daemon.waitForConnections(1)
            managers[0].stop()
            try await daemon.publish(Self.eos("SM2-100003"))
            // The notifier logs the failed send and keeps going.
            let deadline = ContinuousClock.now + .seconds(30)
            while !notifier.log.contains("Could not send alerts to Alertmanager"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(notifier.log.contains("Could not send alerts to Alertmanager"))
            #expect(notifier.isRunning)
            try await managers[0].start()
            let listed = try await managers[0].waitForAlerts { $0.contains { $0.labels["serial"] == "SM2-100003" } }
            #expect(listed.count == 1)
            _ = try await webhook.waitFor("the notification after the restart") { notifications in
                notifications.contains { $0.alerts.contains { $0.labels["serial"] == "SM2-100003" } }
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aKilledNotifierRestartedSendsTheFiringAlertsAgainOnce() async throws {
        try await Self.withChain { daemon, _, managers, notifier in
            try await daemon.waitForConnections(1)
            try await daemon.publish(Self.eos("SM2-100004"))
            _ = try await managers[0].waitForAlerts { $0.count == 1 }
            notifier.kill9()
            // An Alertmanager that lost its state meanwhile: only the restarted notifier can refill it.
            managers[0].stop()
            try await managers[0].start()
            #expect(try await managers[0].alerts().isEmpty)
            try notifier.start()
            try await daemon.waitForConnections(2)
            let listed = try await managers[0].waitForAlerts { !$0.isEmpty }
            try await Task.sleep(for: .milliseconds(500))
            #expect(listed.map { $0.labels["serial"] } == ["SM2-100004"])
            #expect(try await managers[0].alerts().count == 1)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func afterTheDaemonGoesAwayTheNewSnapshotIsTheTruth() async throws {
        try await Self.withChain { daemon, webhook, managers, notifier in
            try await daemon.waitForConnections(1)
            try await daemon.publish(Self.eos("SM2-100005"))
            try await daemon.publish(Self.eos("SM2-100006"))
            _ = try await managers[0].waitForAlerts { $0.count == 2 }
            // The daemon restarts; its store says only SM2-100006 fires now.
            daemon.setFiring([Self.eos("SM2-100006")])
            daemon.dropConnections()
            try await daemon.waitForConnections(2)
            let listed = try await managers[0].waitForAlerts { $0.count == 1 }
            #expect(listed.map { $0.labels["serial"] } == ["SM2-100006"])
            _ = try await webhook.waitFor("SM2-100005 resolved") { notifications in
                notifications.contains {
                    $0.status == "resolved" && $0.alerts.contains { $0.labels["serial"] == "SM2-100005" }
                }
            }
            #expect(notifier.log.contains("pumpmond closed the watch stream; reconnecting"))
            #expect(notifier.log.contains("Following pumpmond again"))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func bothAlertmanagersOfAnHAPairGetEverySend() async throws {
        try await Self.withChain(alertmanagers: 2) { daemon, _, managers, _ in
            try await daemon.waitForConnections(1)
            try await daemon.publish(Self.eos("SM2-100007"))
            for manager in managers {
                let listed = try await manager.waitForAlerts { !$0.isEmpty }
                #expect(listed.map { $0.labels["serial"] } == ["SM2-100007"])
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func theNotifierWaitsForTheDaemonAndFollowsItOnceItIsThere() async throws {
        let directory = try TemporaryDirectory(prefix: "pmnw")
        defer { directory.remove() }
        let socket = directory.file("control.sock")
        let notifier = NotifierProcess(
            socket: socket, alertmanagers: ["http://127.0.0.1:9"], logPath: directory.file("pumpalert.log"))
        try notifier.start()
        try await Task.sleep(for: .milliseconds(700))
        #expect(notifier.isRunning)
        #expect(notifier.log.contains("Lost pumpmond's watch stream; retrying"), "\(notifier.log)")
        try await WatchStreamServer.with(socketPath: socket) { daemon in
            try await daemon.waitForConnections(1)
        }
        #expect(notifier.stop() == 0)
        #expect(notifier.log.contains("Following pumpmond"))
    }
}

import Foundation
import Logging
import PumpControlProtocol
import ServiceLifecycle
import SystemdSupport

/// The notifier as a service: follows the daemon's watch stream (reconnecting with backoff), keeps
/// the firing set, and posts to every Alertmanager at once on a change and every resend interval.
package struct AlertNotifier: Service {
    package let configuration: NotifierConfiguration
    /// Posts alerts to every Alertmanager (pumpalert's async-http-client sender; kept out of this
    /// library so the tests, and the sanitizer builds of them, do not compile the HTTP stack).
    let send: @Sendable ([PostableAlert]) async -> Void
    let logger: Logger
    let systemd: SystemdNotifier
    /// The firing set and its send queue (shared with tests that look inside).
    package let dispatch: AlertDispatch

    package init(
        configuration: NotifierConfiguration, logger: Logger, systemd: SystemdNotifier = SystemdNotifier(),
        send: @escaping @Sendable ([PostableAlert]) async -> Void
    ) {
        self.configuration = configuration
        self.send = send
        self.logger = logger
        self.systemd = systemd
        self.dispatch = AlertDispatch(
            rules: AlertBook.Rules(resend: configuration.alertResend, resolvedResend: configuration.resolvedResend))
    }

    package func run() async throws {
        logger.info(
            "pumpalert started",
            metadata: [
                "control_socket": "\(configuration.controlSocket)",
                "alertmanager": "\(configuration.alertmanagers.joined(separator: ","))",
                "alert_resend": "\(configuration.alertResend)", "resolved_resend": "\(configuration.resolvedResend)",
            ])
        systemd.notify(.ready, .status("Connecting to pumpmond at \(configuration.controlSocket)"))
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await follow() }
                group.addTask { await resendEvery() }
                group.addTask { await sendPending() }
                if let interval = systemd.watchdogInterval() {
                    group.addTask { await pingWatchdog(every: interval / 2) }
                }
            }
        }
        await dispatch.finish()
        systemd.notify(.stopping)
        logger.info("pumpalert stopped")
    }

    /// Follows the daemon for as long as the task runs, reconnecting after 100 ms, doubling up to
    /// ``NotifierConfiguration/reconnectMax`` while it cannot connect.
    private func follow() async {
        var delay = Duration.milliseconds(100)
        var everSynced = false
        while !Task.isCancelled {
            await dispatch.beginSnapshot()
            var synced = false
            do {
                try await WatchConnection.follow(socketPath: configuration.controlSocket, logger: logger) { event in
                    await dispatch.apply(event)
                    if let alert = event.alert, synced {
                        logger.info(
                            alert.status == .firing ? "Alert firing" : "Alert resolved",
                            metadata: ["alertname": "\(alert.alertname.rawValue)", "pump.serial": "\(alert.serial)"])
                        let firing = await dispatch.firingCount
                        systemd.notify(.status("Following pumpmond; \(firing) alert(s) firing"))
                    }
                    if event.event == .synced {
                        synced = true
                        let firing = await dispatch.firingCount
                        logger.info(
                            everSynced ? "Following pumpmond again" : "Following pumpmond",
                            metadata: ["firing": "\(firing)"])
                        everSynced = true
                        systemd.notify(.status("Following pumpmond; \(firing) alert(s) firing"))
                    }
                }
                guard !Task.isCancelled else { return }
                logger.warning("pumpmond closed the watch stream; reconnecting")
            } catch {
                guard !Task.isCancelled else { return }
                logger.error(
                    "Lost pumpmond's watch stream; retrying", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
            }
            if synced { delay = .milliseconds(100) }
            systemd.notify(.status("Waiting for pumpmond at \(configuration.controlSocket)"))
            do { try await Task.sleep(for: delay) } catch { return }
            delay = min(delay * 2, configuration.reconnectMax)
        }
    }

    private func resendEvery() async {
        while true {
            do { try await Task.sleep(for: configuration.alertResend) } catch { return }
            await dispatch.resend()
        }
    }

    private func sendPending() async {
        for await _ in dispatch.ready {
            let alerts = await dispatch.takePending()
            guard !alerts.isEmpty else { continue }
            await send(alerts)
        }
    }

    private func pingWatchdog(every interval: Duration) async {
        while true {
            systemd.notify(.watchdog)
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}

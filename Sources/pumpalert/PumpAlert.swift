import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import PumpAlertKit
import ServiceLifecycle
import SystemdSupport

/// `pumpalert`: parses flags and the config file, bootstraps logging once, and runs the notifier.
@main
struct PumpAlert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pumpalert",
        abstract: "Sends pumpmond's alerts to Prometheus Alertmanager.",
        discussion: """
            Follows pumpmond's watch stream on the control socket (a snapshot of every firing alert, then \
            every change) and posts the alerts to each Alertmanager's API v2 (POST /api/v2/alerts) the \
            way Prometheus does: a new firing or resolved alert at once; every --alert-resend seconds \
            every firing alert again, with endsAt four resend intervals ahead; a resolved alert with \
            endsAt at its resolve time, again at every resend for --resolved-resend seconds. Every \
            Alertmanager named gets every send (name both members of an HA pair). An Alertmanager that \
            is down is logged and skipped: the next send carries every alert. When pumpmond goes away \
            the notifier reconnects (100 ms, doubling up to 10 s) and takes the new snapshot as the \
            truth: alerts that fired before and are not in it are sent resolved.

            Alerts (labels alertname, severity, serial, model, reason, clause): PumpNonFunctional and \
            PumpReservoirEmpty (critical), PumpImpendingFailure, PumpReservoirLow and PumpSilent \
            (warning). pumpmond decides them; the notifier only forwards.

            A --config FILE is JSON with any of the keys control_socket, alertmanager (a list of base \
            URLs), alert_resend, resolved_resend and send_timeout (seconds); flags override it. \
            Exit 64: a bad flag; exit 78: a configuration file that cannot be used. \
            The user needs the control socket's group (pumpmon). Under systemd it logs to the journal, \
            tells systemd READY=1, keeps STATUS= current and pings the watchdog.
            """)

    @Option(help: "pumpmond's control socket. Default: /run/pumpmond/control.sock.")
    var controlSocket: String?

    @Option(
        name: .customLong("alertmanager"),
        help: "An Alertmanager's base URL, e.g. http://127.0.0.1:9093; repeat for each (an HA pair: both).")
    var alertmanagers: [String] = []

    @Option(help: "Seconds between two sends of every firing alert (1 to 3600). Default: 60.")
    var alertResend: Int?

    @Option(help: "Seconds a resolved alert is sent again after it was resolved (0 to 86400). Default: 900.")
    var resolvedResend: Int?

    @Option(help: "Seconds one post to one Alertmanager may take (1 to 300). Default: 10.")
    var sendTimeout: Int?

    @Option(help: "A JSON configuration file (see the discussion above).")
    var config: String?

    func validate() throws {
        let flags: [(String, Int?, ClosedRange<Int>)] = [
            ("--alert-resend", alertResend, NotifierConfigFile.alertResendRange),
            ("--resolved-resend", resolvedResend, NotifierConfigFile.resolvedResendRange),
            ("--send-timeout", sendTimeout, NotifierConfigFile.sendTimeoutRange),
        ]
        for (name, value, range) in flags {
            if let value, !range.contains(value) {
                throw ValidationError(
                    "\(name) takes whole seconds from \(range.lowerBound) to \(range.upperBound), not \(value)")
            }
        }
    }

    func run() async throws {
        var configuration = NotifierConfiguration()
        if let config {
            do {
                configuration = try NotifierConfigFile.load(path: config).applied(to: configuration)
            } catch {
                throw ConfigurationFailure.exit(error.description)
            }
        }
        if let controlSocket { configuration.controlSocket = controlSocket }
        if !alertmanagers.isEmpty { configuration.alertmanagers = alertmanagers }
        if let alertResend { configuration.alertResend = .seconds(alertResend) }
        if let resolvedResend { configuration.resolvedResend = .seconds(resolvedResend) }
        if let sendTimeout { configuration.sendTimeout = .seconds(sendTimeout) }
        do {
            configuration = try configuration.validated()
        } catch {
            // Flags alone: a usage error (64); with a configuration file, the file is to fix (78).
            if config == nil { throw ValidationError(error.description) }
            throw ConfigurationFailure.exit(error.description)
        }

        LoggingSystem.bootstrap { label in JournalLogging.makeHandler(label: label, identifier: "pumpalert") }
        let logger = Logger(label: "pumpalert")
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, backgroundActivityLogger: logger)
        let sender = AlertmanagerSender(
            endpoints: configuration.alertsEndpoints, timeout: configuration.sendTimeout, client: client,
            logger: logger)
        let notifier = AlertNotifier(configuration: configuration, logger: logger) { await sender.send($0) }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [notifier], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            logger.critical("pumpalert cannot run", metadata: ["error": "\(error)"])
            try? await client.shutdown()
            throw ExitCode(70)
        }
        try await client.shutdown()
    }
}

/// A configuration file that cannot be used: the message on stderr, then exit 78 (`EX_CONFIG`).
enum ConfigurationFailure {
    static let exitCode: Int32 = 78

    static func exit(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        return ExitCode(exitCode)
    }
}

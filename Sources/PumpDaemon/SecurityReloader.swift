import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads the ingest listeners' certificates, client-CA bundle and gateways file (with its
/// revocation list) on each SIGHUP (`systemctl reload pumpmond`), without a restart: new
/// connections use the new settings, a revoked gateway's open connections are closed. A reload
/// that fails keeps the settings in use and says why in the journal.
///
/// The signal is trapped when the reloader is made, before the daemon says it is ready: a SIGHUP
/// that arrives before the service runs waits for it instead of ending the process (SIGHUP's
/// default action).
struct SecurityReloader: Service {
    let security: IngestSecurity
    let logger: Logger
    private let signals: UnixSignalsSequence

    init(security: IngestSecurity, logger: Logger) async {
        self.security = security
        self.logger = logger
        signals = await UnixSignalsSequence(trapping: .sighup)
    }

    func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            reload()
        }
    }

    /// One reload, logged either way.
    func reload() {
        do {
            let outcome = try security.reload()
            logger.notice(
                "Reloaded the TLS settings and the gateways file",
                metadata: [
                    "gateways": "\(outcome.gateways)", "connections.closed_revoked": "\(outcome.revokedConnections)",
                ])
        } catch {
            logger.error(
                "Reload failed; the settings in use are kept", metadata: ["error": "\(error)"])
        }
    }
}

import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads the ingest listeners' certificates, client-CA bundle and gateways file (with its
/// revocation list) on each SIGHUP (`systemctl reload pumpmond`), without a restart: new
/// connections use the new settings, a revoked gateway's open connections are closed. A reload
/// that fails keeps the settings in use and says why in the journal.
struct SecurityReloader: Service {
    let security: IngestSecurity
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
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

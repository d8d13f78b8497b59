import Logging
import PumpStore
import ServiceLifecycle

extension JournalMessageIDs {
    /// The heads of the hash chains (`journalctl MESSAGE_ID=b52e8e83ee944a45a53c8c32c8d8325f`).
    package static let chainHeads = "b52e8e83ee944a45a53c8c32c8d8325f"
    /// A hash chain found broken at start.
    package static let chainBroken = "a1b2509b1649455597a4189a721bad01"
}

/// Tamper evidence outside the store: walks the hash chains of records and audit rows once the
/// daemon runs and logs their heads (each chain's last row id and hash) to the journal then and
/// every `interval`, so that a store rewritten behind the daemon cannot also rewrite what was logged.
/// The walk runs beside ingest, on a snapshot, not before `READY=1`: it takes seconds per million
/// rows, and nothing waits for its result.
///
/// A broken chain is logged at critical priority naming the row, and the daemon keeps running:
/// stopping would stop the monitoring of every live pump, and the records already stored stay as
/// they are either way; `pumpctl verify` reports the break until the store is restored.
struct ChainJournal: Service {
    let store: PumpStore
    let interval: Duration
    let logger: Logger

    /// Walks both chains, logging what it finds and how long it took, then the heads.
    func checkChains() async {
        let started = ContinuousClock.now
        let reports: [ChainReport]
        do {
            reports = try await store.verifyChains()
        } catch {
            if !Task.isCancelled {
                logger.error("Cannot verify the hash chains at start", metadata: ["error": "\(error)"])
            }
            return
        }
        let elapsed = ContinuousClock.now - started
        let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        for report in reports {
            if let broken = report.broken {
                logger.critical(
                    """
                    Hash chain broken: a row was changed, inserted or deleted outside pumpmond; monitoring goes on. \
                    Restore the store from a backup and keep this copy for investigation (pumpctl verify)
                    """,
                    metadata: [
                        "message_id": "\(JournalMessageIDs.chainBroken)", "chain.table": "\(report.chain.table)",
                        "chain.row_id": "\(broken.rowID)", "chain.reason": "\(broken.reason)",
                        "chain.rows_intact": "\(report.rows)",
                    ])
            }
        }
        if reports.allSatisfy({ $0.broken == nil }) {
            logger.info(
                "Hash chains verified",
                metadata: [
                    "record.rows": "\(reports.first { $0.chain == .record }?.rows ?? 0)",
                    "audit.rows": "\(reports.first { $0.chain == .audit }?.rows ?? 0)", "duration_ms": "\(ms)",
                ])
        }
        await logHeads()
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                await checkChains()
                while true {
                    try await Task.sleep(for: interval)
                    await logHeads()
                }
            }
        } catch is CancellationError {
            // Shutting down.
        }
    }

    /// Logs each chain's last row id and hash.
    func logHeads() async {
        do {
            var metadata: Logger.Metadata = ["message_id": "\(JournalMessageIDs.chainHeads)"]
            for head in try await store.chainHeads() {
                metadata["\(head.chain.table).head_id"] = "\(head.id.map(String.init) ?? "none")"
                metadata["\(head.chain.table).head_hash"] = "\(head.hash ?? "none")"
            }
            logger.notice("Hash chain heads", metadata: metadata)
        } catch {
            logger.error("Cannot read the hash chain heads", metadata: ["error": "\(error)"])
        }
    }
}

import Foundation
import Logging

/// The process's open-file limit (`RLIMIT_NOFILE`) and how the daemon's descriptors are shared
/// out under it: every connection holds one, and a daemon that runs out can neither accept nor
/// open its store's files.
enum OpenFileLimit {
    /// Descriptors kept for everything that is not a connection: the store's SQLite connections
    /// (database, WAL and shared-memory files each), the listeners, the lock file, the event
    /// loops' epoll and event descriptors, the journal and notify sockets.
    static let reserved = 64

    /// Raises the soft limit to the hard one and returns the soft limit in force. Logs both.
    /// Under the packaged unit the hard limit is the unit's `LimitNOFILE=` (the unit's system call
    /// filter refuses `setrlimit`, so that is the limit the daemon gets).
    static func raise(logger: Logger) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        let before = limit.rlim_cur
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 {
                limit = raised
            } else {
                logger.warning(
                    "cannot raise the open-file limit", metadata: ["error": "\(String(cString: strerror(errno)))"])
            }
        }
        logger.info(
            "Open-file limit",
            metadata: [
                "rlimit_nofile.soft.before": "\(before)", "rlimit_nofile.soft": "\(limit.rlim_cur)",
                "rlimit_nofile.hard": "\(limit.rlim_max)",
            ])
        return Int(clamping: limit.rlim_cur)
    }

    /// The connection caps that fit under `limit` descriptors: the control cap first (pumpctl must
    /// always get an answer), then ingest takes what is left after the reserve. The requested caps
    /// are lowered, never raised.
    static func caps(ingest: Int, control: Int, limit: Int) -> (ingest: Int, control: Int) {
        let available = max(2, limit - reserved)
        let control = max(1, min(control, available / 8))
        let ingest = max(1, min(ingest, available - control))
        return (ingest, control)
    }
}

import CSystemd
import Glibc

/// Where ``JournalLogHandler`` sends its entries.
package struct JournalDestination: Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        case systemJournal
        case socket(UnixDatagramSender)
    }

    private let kind: Kind

    /// The system journal, through `sd_journal_sendv(3)` (which writes `/run/systemd/journal/socket`).
    package static let systemJournal = JournalDestination(kind: .systemJournal)

    /// A datagram socket speaking journald's native protocol at `path`, such as a test's own socket
    /// or a journald namespace socket (`/run/systemd/journal.NAME/socket`).
    ///
    /// Each entry is one datagram (``JournalEntry/nativeProtocolPayload``). Unlike `sd_journal_sendv`,
    /// this sender does not pass oversized entries through a memory file: an entry larger than the
    /// socket's datagram limit fails to send, and the handler writes it to stderr instead.
    ///
    /// - Parameter path: The socket's filesystem path, shorter than 108 bytes.
    /// - Throws: ``JournalDestinationError`` when the path is too long or no socket can be created.
    package static func socket(path: String) throws(JournalDestinationError) -> JournalDestination {
        JournalDestination(kind: .socket(try UnixDatagramSender(path: path)))
    }

    private init(kind: Kind) {
        self.kind = kind
    }

    /// A short description for diagnostics: `system journal` or `journal socket <path>`.
    package var description: String {
        switch kind {
        case .systemJournal: "system journal"
        case .socket(let sender): "journal socket \(sender.path)"
        }
    }

    /// Sends `entry`; returns 0 on success or a negative `errno` value.
    func send(_ entry: JournalEntry) -> Int32 {
        switch kind {
        case .systemJournal: Self.sendThroughLibsystemd(entry.iovecPayloads)
        case .socket(let sender): sender.send(entry.nativeProtocolPayload)
        }
    }

    private static func sendThroughLibsystemd(_ payloads: [[UInt8]]) -> Int32 {
        var storage: [UInt8] = []
        var ranges: [(offset: Int, count: Int)] = []
        for payload in payloads {
            ranges.append((storage.count, payload.count))
            storage.append(contentsOf: payload)
        }
        return storage.withUnsafeMutableBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return -EINVAL }
            let vectors = ranges.map { iovec(iov_base: base + $0.offset, iov_len: $0.count) }
            return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
    }
}

/// A journal destination could not be set up.
package enum JournalDestinationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The socket path does not fit in a Unix socket address (107 bytes at most).
    case pathTooLong(path: String)
    /// The process could not create a datagram socket (for example: out of file descriptors).
    case cannotCreateSocket(errno: Int32)

    /// What happened and what the operator can do.
    package var description: String {
        switch self {
        case .pathTooLong(let path):
            "The journal socket path \(path) is empty or longer than a Unix socket path may be (107 bytes); "
                + "choose a shorter path."
        case .cannotCreateSocket(let code):
            "Could not create a socket to write to the journal (\(String(cString: strerror(code)))); "
                + "check the process's open-file limit."
        }
    }
}

import Glibc

/// An unbound Unix datagram socket that sends to one fixed path; closes its descriptor when released.
///
/// Immutable after `init`, so it is `Sendable` without locks: `sendto(2)` on one descriptor from
/// several threads is safe, and each datagram arrives whole or not at all.
final class UnixDatagramSender: Sendable {
    let fd: Int32
    let path: String

    init(path: String) throws(JournalDestinationError) {
        guard UnixSocketAddress.fits(path) else { throw .pathTooLong(path: path) }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotCreateSocket(errno: errno) }
        self.fd = fd
        self.path = path
    }

    deinit {
        close(fd)
    }

    /// Sends one datagram; returns 0 or a negative `errno` value.
    func send(_ bytes: [UInt8]) -> Int32 {
        UnixSocketAddress.withAddress(path) { address, length in
            bytes.withUnsafeBytes { buffer in
                while true {
                    let sent = sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), address, length)
                    if sent >= 0 { return 0 }
                    if errno != EINTR { return -errno }
                }
            }
        }
    }
}

/// Builds `sockaddr_un` values for filesystem paths.
enum UnixSocketAddress {
    static var capacity: Int {
        MemoryLayout.size(ofValue: sockaddr_un().sun_path)
    }

    /// Whether `path` fits in `sun_path` with its terminating NUL.
    static func fits(_ path: String) -> Bool {
        !path.isEmpty && path.utf8.count < capacity
    }

    /// Calls `body` with the address of `path` (which must satisfy ``fits(_:)``) and its length.
    static func withAddress<R>(
        _ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R
    ) -> R {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(capacity - 1).enumerated() { raw[index] = byte }
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }
}

import Foundation

/// An exclusive lock on the state directory, held for the life of the daemon, so that a second
/// daemon started on the same store refuses to start instead of writing beside the first (two
/// writers on one store lose state and answer lines `unavailable`).
///
/// `flock(2)` on `pumpmond.lock` in the state directory: the kernel releases it when the process
/// ends, however it ends, so a crash leaves no stale lock. The file holds the holder's PID, which
/// the refused daemon names.
final class StateDirectoryLock: Sendable {
    static let fileName = "pumpmond.lock"

    private let descriptor: Int32

    /// Takes the lock, or throws `DaemonError.alreadyRunning` naming the daemon that holds it.
    init(directory: String) throws(DaemonError) {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .stateDirectory(path: directory, reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let holder = Self.readPID(fd)
            close(fd)
            if reason == EWOULDBLOCK { throw .alreadyRunning(directory: directory, pid: holder) }
            throw .stateDirectory(path: directory, reason: "cannot lock \(path): \(String(cString: strerror(reason)))")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = fd
    }

    deinit { close(descriptor) }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Whether a live process accepts connections on the Unix socket at `path`: a socket file left by
/// a daemon that ended refuses `connect` (`ECONNREFUSED`) and may be replaced; one that answers
/// belongs to a running process, and unlinking it would cut that process off from its clients.
func unixSocketIsLive(_ path: String) -> Bool {
    var st = stat()
    guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFSOCK else { return false }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    return result == 0
}

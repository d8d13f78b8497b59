import Glibc

@testable import SystemdSupport

/// A system call failed while a test set up its sockets.
struct SystemCallFailed: Error, CustomStringConvertible {
    let call: String
    let code: Int32
    init(_ call: String, code: Int32 = errno) {
        self.call = call
        self.code = code
    }
    var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
}

/// A fresh private directory under /tmp, removed with everything in it when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/sdsupport-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        guard let made else { throw SystemCallFailed("mkdtemp") }
        path = made
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { unlink(file(name)) }
            }
            closedir(directory)
        }
        rmdir(path)
    }
}

/// A Unix datagram socket bound in a temporary directory, standing in for systemd's notify socket or
/// journald's socket; `receive()` returns exactly the bytes of the next datagram.
final class BoundDatagramSocket {
    let directory: TemporaryDirectory
    let path: String
    let fd: Int32

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.file("socket")
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemCallFailed("socket") }
        let bound = UnixSocketAddress.withAddress(path) { bind(fd, $0, $1) }
        guard bound == 0 else { throw SystemCallFailed("bind") }
        // A bound on waiting, so a datagram that never comes fails the test instead of hanging it.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func receive() throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { throw SystemCallFailed("recv") }
        return Array(buffer.prefix(count))
    }

    func receiveText() throws -> String {
        String(decoding: try receive(), as: UTF8.self)
    }

    deinit { close(fd) }
}

/// A listening Unix stream socket, as a `.socket` unit's `ListenStream=` would open it.
func makeListeningSocket(at path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SystemCallFailed("socket") }
    guard UnixSocketAddress.withAddress(path, { bind(fd, $0, $1) }) == 0 else { throw SystemCallFailed("bind") }
    guard listen(fd, 8) == 0 else { throw SystemCallFailed("listen") }
    // Keep it clear of the low descriptors systemd's passing uses.
    let moved = fcntl(fd, F_DUPFD_CLOEXEC, 64)
    close(fd)
    guard moved >= 0 else { throw SystemCallFailed("fcntl") }
    return moved
}

/// The filesystem path a Unix socket descriptor is bound to.
func boundPath(of fd: Int32) -> String? {
    var address = sockaddr_un()
    var length = socklen_t(MemoryLayout<sockaddr_un>.size)
    let result = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard result == 0 else { return nil }
    return withUnsafeBytes(of: address.sun_path) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// Parses journald's native protocol (both the `NAME=value\n` and the length-prefixed form).
func parseNativeProtocol(_ bytes: [UInt8]) -> [JournalField]? {
    var fields: [JournalField] = []
    var index = 0
    let newline = UInt8(ascii: "\n")
    while index < bytes.count {
        guard let end = bytes[index...].firstIndex(where: { $0 == newline || $0 == UInt8(ascii: "=") }) else {
            return nil
        }
        let name = String(decoding: bytes[index..<end], as: UTF8.self)
        if bytes[end] == UInt8(ascii: "=") {
            guard let lineEnd = bytes[end...].firstIndex(of: newline) else { return nil }
            fields.append(JournalField(name: name, value: Array(bytes[(end + 1)..<lineEnd])))
            index = lineEnd + 1
        } else {
            guard end + 9 <= bytes.count else { return nil }
            var length: UInt64 = 0
            for (shift, byte) in bytes[(end + 1)..<(end + 9)].enumerated() { length |= UInt64(byte) << (8 * shift) }
            let start = end + 9
            guard start + Int(length) < bytes.count, bytes[start + Int(length)] == newline else { return nil }
            fields.append(JournalField(name: name, value: Array(bytes[start..<(start + Int(length))])))
            index = start + Int(length) + 1
        }
    }
    return fields
}

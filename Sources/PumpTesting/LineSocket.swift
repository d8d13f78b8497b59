import Foundation

/// A blocking client for the daemon's newline-delimited sockets: connect, send bytes, read lines.
/// For tests and tools; not for the daemon itself.
package final class LineSocket {
    /// The connected socket's descriptor.
    package let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to the Unix stream socket at `path`.
    package init(unixPath path: String) throws {
        // Connect on a local descriptor and keep it only on success: a failed init must not leave
        // `fd` for `deinit` to close a second time (the number may belong to someone else by then).
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LineSocketError.system("socket", errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw LineSocketError.pathTooLong(path)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let e = errno
            close(descriptor)
            throw LineSocketError.system("connect to \(path)", e)
        }
        fd = descriptor
    }

    /// Connects to a TCP listener on the loopback address at `port`.
    package init(loopbackPort port: UInt16) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LineSocketError.system("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let e = errno
            close(descriptor)
            throw LineSocketError.system("connect to 127.0.0.1:\(port)", e)
        }
        fd = descriptor
    }

    /// A TCP port on the loopback address that nothing listens on right now.
    package static func freeLoopbackPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LineSocketError.system("socket", errno) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw LineSocketError.system("bind", errno) }
        return UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }

    /// Sends all of `bytes`.
    package func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LineSocketError.system("send", errno)
            }
            offset += n
        }
    }

    /// Sends a string as UTF-8.
    package func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Makes a read that waits longer than `seconds` fail (`recv` with `EAGAIN`) instead of blocking.
    package func setReceiveTimeout(seconds: Int) {
        var value = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Half-closes the connection: the daemon sees end of input and still answers.
    package func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads one line (without `\n`), or nil at end of stream.
    package func readLine() throws -> String? {
        while true {
            if let i = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<i], as: UTF8.self)
                buffer.removeSubrange(...i)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LineSocketError.system("recv", errno)
            }
            if n == 0 { return nil }
            buffer += chunk[..<n]
        }
    }

    /// Reads `count` lines; fewer when the stream ends.
    package func readLines(_ count: Int) throws -> [String] {
        var lines: [String] = []
        while lines.count < count, let line = try readLine() { lines.append(line) }
        return lines
    }
}

/// A client socket failure.
package enum LineSocketError: Error, CustomStringConvertible {
    /// A system call failed.
    case system(String, Int32)
    /// The socket path does not fit a `sockaddr_un`.
    case pathTooLong(String)

    package var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .pathTooLong(let path): "socket path too long: \(path)"
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Plain POSIX stream sockets: all the simulator needs to speak newline-delimited JSON to the
// daemon's ingest and control sockets. Nothing here knows the protocol.

/// Where a daemon listens.
package enum SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// A Unix stream socket at a path.
    case unix(path: String)
    /// A TCP listener.
    case tcp(host: String, port: UInt16)

    /// Parses `unix:PATH`, `tcp:HOST:PORT`, `HOST:PORT` (when it has a colon and no slash) or a path.
    package init(parsing text: String) {
        if text.hasPrefix("unix:") {
            self = .unix(path: String(text.dropFirst(5)))
            return
        }
        let rest = text.hasPrefix("tcp:") ? String(text.dropFirst(4)) : text
        if !rest.contains("/"), let colon = rest.lastIndex(of: ":"),
            let port = UInt16(rest[rest.index(after: colon)...])
        {
            self = .tcp(host: String(rest[..<colon]), port: port)
        } else {
            self = .unix(path: text)
        }
    }

    /// `unix:/run/pumpmond/ingest.sock` or `tcp:127.0.0.1:7070`.
    package var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): "tcp:\(host):\(port)"
        }
    }
}

/// A socket call that failed, with what to check.
package struct SocketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done, e.g. `connect to unix:/run/pumpmond/ingest.sock`.
    package var operation: String
    /// The `errno` value.
    package var code: Int32

    init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    /// `cannot connect to ...: No such file or directory (is pumpmond running, and is this its socket path?)`.
    package var description: String {
        var text = "cannot \(operation): \(String(cString: strerror(code)))"
        if code == ENOENT || code == ECONNREFUSED {
            text += " (is pumpmond running, and is this its socket path?)"
        } else if code == EACCES {
            text += " (this user may not use the socket; check its group and mode)"
        }
        return text
    }
}

/// Low-level socket helpers over file descriptors.
enum Sockets {
    /// Opens a connected stream socket; blocking unless `nonBlocking`.
    static func connect(to address: SocketAddress, nonBlocking: Bool) throws(SocketError) -> Int32 {
        let fd: Int32
        switch address {
        case .unix(let path):
            #if canImport(Glibc)
                fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            #else
                fd = socket(AF_UNIX, SOCK_STREAM, 0)
            #endif
            guard fd >= 0 else { throw SocketError("open a socket") }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            let capacity = MemoryLayout.size(ofValue: addr.sun_path)
            guard bytes.count < capacity else {
                close(fd)
                throw SocketError("use socket path \(path) (longer than \(capacity - 1) bytes)", code: ENAMETOOLONG)
            }
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    posixConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if rc != 0 {
                let e = errno
                close(fd)
                throw SocketError("connect to \(address)", code: e)
            }
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            #if canImport(Glibc)
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            #else
                hints.ai_socktype = SOCK_STREAM
            #endif
            var result: UnsafeMutablePointer<addrinfo>? = nil
            guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
                throw SocketError("resolve \(host)", code: EHOSTUNREACH)
            }
            defer { freeaddrinfo(result) }
            fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
            guard fd >= 0 else { throw SocketError("open a socket") }
            if posixConnect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
                let e = errno
                close(fd)
                throw SocketError("connect to \(address)", code: e)
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        if nonBlocking {
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        }
        return fd
    }

    /// Writes what it can; returns the count written, 0 when it would block, -1 on a dropped peer.
    static func writeSome(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        #if canImport(Glibc)
            let n = send(fd, base, bytes.count, Int32(MSG_NOSIGNAL))
        #else
            let n = send(fd, base, bytes.count, 0)
        #endif
        if n >= 0 { return n }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1
    }

    /// Reads what is there into `buffer`; returns the count, 0 at end of stream, -1 on error,
    /// -2 when it would block.
    static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = recv(fd, buffer.baseAddress, buffer.count, 0)
        if n >= 0 { return n }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -2 : -1
    }

    /// Writes every byte on a blocking socket.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], to address: SocketAddress) throws(SocketError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { writeSome(fd, UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            if n < 0 { throw SocketError("write to \(address)") }
            offset += n
        }
    }

    /// Reads one `\n`-terminated line on a blocking socket (without its `\n`).
    static func readLine(_ fd: Int32, from address: SocketAddress, limit: Int = 64 << 20) throws(SocketError) -> [UInt8]
    {
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { readSome(fd, into: $0) }
            if n == -2 { continue }
            if n < 0 { throw SocketError("read from \(address)") }
            if n == 0 {
                throw SocketError("read from \(address) (it closed the connection before answering)", code: ECONNRESET)
            }
            if let nl = chunk[0..<n].firstIndex(of: 10) {
                line.append(contentsOf: chunk[0..<nl])
                return line
            }
            line.append(contentsOf: chunk[0..<n])
            if line.count > limit { throw SocketError("read from \(address) (answer too long)", code: EMSGSIZE) }
        }
    }
}

#if canImport(Glibc)
    private func posixConnect(_ fd: Int32, _ addr: UnsafePointer<sockaddr>, _ len: socklen_t) -> Int32 {
        Glibc.connect(fd, addr, len)
    }
#else
    private func posixConnect(_ fd: Int32, _ addr: UnsafePointer<sockaddr>, _ len: socklen_t) -> Int32 {
        Darwin.connect(fd, addr, len)
    }
#endif

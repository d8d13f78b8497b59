#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One exchange on the daemon's control socket with plain POSIX calls: connect to the Unix stream
/// socket, write one request line, read one reply line, close.
public struct ControlSocketClient: Sendable {
    /// The socket path.
    public var path: String
    /// How long to wait for the daemon's reply (and for the request to be written).
    public var timeout: Duration
    /// The longest reply line accepted.
    public var maxReplyBytes: Int

    /// Creates a client; nothing is opened until `exchange`.
    public init(path: String, timeout: Duration = .seconds(30), maxReplyBytes: Int = 64 << 20) {
        self.path = path
        self.timeout = timeout
        self.maxReplyBytes = maxReplyBytes
    }

    /// Sends `line` (a newline is appended) and returns the reply line without its newline.
    ///
    /// Fails with 69 when no daemon listens (no socket file, refused, closed without answering or
    /// in the middle of the reply, no answer within `timeout`), 77 when the socket file may not be
    /// opened, 64 for a path too long for a Unix socket.
    public func exchange(_ line: [UInt8]) throws(PumpCtlError) -> [UInt8] {
        let fd = try connectSocket()
        defer { close(fd) }
        try setTimeouts(fd)
        try writeAll(fd, line + [UInt8(ascii: "\n")])
        return try readLine(fd)
    }

    private func connectSocket() throws(PumpCtlError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity, !pathBytes.contains(0) else {
            throw .badUsage("--socket: '\(path)' is not a usable Unix socket path (at most \(capacity - 1) bytes)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        #if canImport(Glibc)
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else {
            throw .unreachable(socket: path, reason: "cannot create a socket (\(errnoText()))")
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + 1)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        }
        if result == 0 { return fd }
        let code = errno
        close(fd)
        switch code {
        case EACCES, EPERM:
            throw .socketNotPermitted(socket: path)
        case ENOENT:
            throw .unreachable(socket: path, reason: "no such socket (the service is not running or uses another path)")
        case ECONNREFUSED:
            throw .unreachable(socket: path, reason: "nothing is listening (the service is stopped)")
        case ENOTDIR:
            throw .unreachable(socket: path, reason: "a part of the path is not a directory")
        default:
            throw .unreachable(socket: path, reason: errnoText(code))
        }
    }

    private func setTimeouts(_ fd: Int32) throws(PumpCtlError) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: .init(max(seconds, 0)), tv_usec: .init(max(attoseconds, 0) / 1_000_000_000_000))
        if value.tv_sec == 0 && value.tv_usec == 0 { value.tv_usec = 1 }
        let size = socklen_t(MemoryLayout<timeval>.size)
        guard setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, size) == 0,
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, size) == 0
        else {
            throw .unreachable(socket: path, reason: "cannot set the socket timeout (\(errnoText()))")
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(PumpCtlError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                #if canImport(Glibc)
                    send(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset, Int32(MSG_NOSIGNAL))
                #else
                    send(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset, 0)
                #endif
            }
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .unreachable(socket: path, reason: "the request could not be sent (\(errnoText(code)))")
            }
            offset += written
        }
    }

    private func readLine(_ fd: Int32) throws(PumpCtlError) -> [UInt8] {
        var reply: [UInt8] = []
        // Large reads for long replies (every pump); the memory is left uninitialized, so a short
        // reply touches only the pages it fills.
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 20)
        defer { buffer.deallocate() }
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK {
                    throw .unreachable(socket: path, reason: "no reply within \(timeout) (the daemon is busy or hung)")
                }
                throw .unreachable(socket: path, reason: "the reply could not be read (\(errnoText(code)))")
            }
            if count == 0 {
                guard !reply.isEmpty else {
                    throw .unreachable(socket: path, reason: "the daemon closed the connection without answering")
                }
                // A reply ends with its newline; without it, it was cut short (the daemon stopped).
                throw .unreachable(
                    socket: path,
                    reason: "the daemon closed the connection in the middle of its reply (after \(reply.count) bytes)")
            }
            let received = UnsafeBufferPointer(rebasing: buffer[..<count])
            if let newline = received.firstIndex(of: UInt8(ascii: "\n")) {
                reply.append(contentsOf: UnsafeBufferPointer(rebasing: received[..<newline]))
                return reply
            }
            if reply.isEmpty && count == buffer.count {
                // A long reply: room for the longest one accepted, as address space only (pages are
                // touched as they fill), so that it never grows by copying itself.
                reply.reserveCapacity(maxReplyBytes + buffer.count)
            }
            reply.append(contentsOf: received)
            if reply.count > maxReplyBytes {
                throw .badReply(socket: path, detail: "a reply longer than \(maxReplyBytes) bytes")
            }
        }
    }

    private func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}

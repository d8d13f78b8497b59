#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One exchange on the daemon's control socket with plain POSIX calls: connect to the Unix stream
/// socket, write one request line, read one reply line, close.
struct ControlSocketClient: Sendable {
    var path: String
    /// How long to wait for the daemon's reply (and for the request to be written).
    var timeout: Duration

    /// Sends `line` (a newline is appended) and hands the reply line, without its newline, to
    /// `receive` in the pieces it arrives in (up to 1 MiB each), so a long reply is never held whole.
    ///
    /// Fails with 69 when no daemon listens (no socket file, refused, closed without answering or
    /// in the middle of the reply, no answer within `timeout`), 77 when the socket file may not be
    /// opened, 64 for a path too long for a Unix socket.
    func exchange(
        _ line: [UInt8], receive: (UnsafeBufferPointer<UInt8>) throws(PumpCtlError) -> Void
    ) throws(PumpCtlError) {
        let fd = try connectSocket()
        defer { close(fd) }
        try setTimeouts(fd)
        try writeAll(fd, line + [UInt8(ascii: "\n")])
        try readLine(fd, receive: receive)
    }

    /// Sends `line` and hands each reply line (without its newline) to `receive` as it arrives, with
    /// no time limit, until the daemon closes: then fails with 69 (the daemon went away).
    func follow(_ line: [UInt8], receive: ([UInt8]) throws(PumpCtlError) -> Void) throws(PumpCtlError) {
        let fd = try connectSocket()
        defer { close(fd) }
        try setTimeouts(fd)
        try writeAll(fd, line + [UInt8(ascii: "\n")])
        var forever = timeval(tv_sec: 0, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &forever, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var pending: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .unreachable(socket: path, reason: "the watch could not be read (\(errnoText(code)))")
            }
            if count == 0 {
                throw .unreachable(
                    socket: path,
                    reason: "the daemon closed the watch (it stopped, or dropped this watcher for falling behind)")
            }
            pending.append(contentsOf: buffer[..<count])
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                try receive(Array(pending[start..<newline]))
                start = newline + 1
            }
            pending.removeFirst(start)
        }
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

    private func readLine(
        _ fd: Int32, receive: (UnsafeBufferPointer<UInt8>) throws(PumpCtlError) -> Void
    ) throws(PumpCtlError) {
        // The memory is left uninitialized, so a short reply touches only the pages it fills.
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 20)
        defer { buffer.deallocate() }
        var received = 0
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
                guard received > 0 else {
                    throw .unreachable(socket: path, reason: "the daemon closed the connection without answering")
                }
                // A reply ends with its newline; without it, it was cut short (the daemon stopped).
                throw .unreachable(
                    socket: path,
                    reason: "the daemon closed the connection in the middle of its reply (after \(received) bytes)")
            }
            let piece = UnsafeBufferPointer(rebasing: buffer[..<count])
            if let newline = piece.firstIndex(of: UInt8(ascii: "\n")) {
                try receive(UnsafeBufferPointer(rebasing: piece[..<newline]))
                return
            }
            received += count
            try receive(piece)
        }
    }

    private func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}

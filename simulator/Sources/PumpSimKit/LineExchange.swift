#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hands some bytes of newline-delimited lines to a daemon socket and returns everything it
/// answers until it closes: `pumpsim send`, the tool a person uses to feed a line or a file by hand
/// (no socat or netcat needed on a fresh machine).
package enum LineExchange {
    /// Sends `bytes`, half-closes the connection (the daemon answers every complete line and then
    /// closes), and returns the answer.
    package static func exchange(_ bytes: [UInt8], with address: SocketAddress) throws(SocketError) -> [UInt8] {
        let fd = try Sockets.connect(to: address, nonBlocking: false)
        defer { close(fd) }
        try Sockets.writeAll(fd, bytes, to: address)
        shutdown(fd, Int32(SHUT_WR))
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Sockets.readSome(fd, into: $0) }
            if n == -2 { continue }
            if n < 0 { throw SocketError("read from \(address)") }
            if n == 0 { return answer }
            answer.append(contentsOf: chunk[0..<n])
        }
    }
}

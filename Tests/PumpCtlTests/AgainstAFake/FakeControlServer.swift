import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A stand-in for the daemon's control socket: a Unix stream socket in a fresh temporary
/// directory, served by a background thread that reads one request line per connection, records
/// it, and answers with whatever `respond` returns (nil closes the connection without answering).
final class FakeControlServer: Sendable {
    /// The socket path to pass as `--socket`.
    let path: String
    private let directory: String
    private let listenFD: Int32
    private let respond: @Sendable (String) -> String?
    private let received = Mutex<[String]>([])
    private let finished = DispatchSemaphore(value: 0)

    /// The request lines received so far, without their newlines.
    var requests: [String] { received.withLock { $0 } }

    init(respond: @escaping @Sendable (String) -> String?) throws {
        var template = Array("/tmp/pumpctl-test.XXXXXX".utf8CString)
        guard
            let dir = template.withUnsafeMutableBufferPointer({ buffer in buffer.baseAddress.flatMap { mkdtemp($0) } })
        else {
            throw FakeServerError(message: "mkdtemp failed")
        }
        directory = String(cString: dir)
        path = directory + "/control.sock"
        self.respond = respond
        listenFD = try Self.listen(on: path)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// A server that answers every request with the same line.
    convenience init(reply: String) throws {
        try self.init(respond: { _ in reply })
    }

    /// Stops accepting, waits for the thread and removes the socket.
    func stop() {
        shutdown(listenFD, Int32(SHUT_RDWR))
        finished.wait()
        close(listenFD)
        unlink(path)
        rmdir(directory)
    }

    private func serve() {
        defer { finished.signal() }
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(client, &byte, 1) == 1 {
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        let request = String(decoding: line, as: UTF8.self)
        received.withLock { $0.append(request) }
        guard let reply = respond(request) else { return }
        let bytes = Array((reply + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Binds and listens on a Unix socket at `path`.
    static func listen(on path: String) throws -> Int32 {
        let fd = bindOnly(path)
        guard fd >= 0, Glibc.listen(fd, 16) == 0 else { throw FakeServerError(message: "listen on \(path) failed") }
        return fd
    }

    /// A socket bound to `path` but not listening (connecting to it is refused once it is closed).
    static func bindOnly(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let size = socklen_t(MemoryLayout<sockaddr_un>.size)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) }
        }
        return result == 0 ? fd : -1
    }
}

struct FakeServerError: Error {
    var message: String
}

/// A fresh temporary directory path for sockets that do not exist.
func temporaryDirectory() -> String {
    var template = Array("/tmp/pumpctl-test.XXXXXX".utf8CString)
    let dir = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
    return dir.map { String(cString: $0) } ?? "/tmp"
}

import Foundation
import PumpSimKit
import PumpTelemetry
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small ingest server for tests: a Unix socket in a temporary directory, one thread per
/// connection, replies chosen by a rule, and (once) a connection dropped in the middle of a batch.
final class FakeIngestServer: Sendable {
    struct State {
        var stored: [String: [UInt8]] = [:]
        var attempts: [String: [[UInt8]]] = [:]
        var replies: [ReplyResult: Int] = [:]
        var linesRead = 0
        var dropped = 0
        var connections = 0
    }

    let path: String
    let state = Mutex(State())
    private let listener: Int32
    /// Answer `unavailable` to the first attempt of an id when this says so.
    private let unavailableFirst: @Sendable (String) -> Bool
    /// Drop the connection (without answering) when it reads its Nth line overall, once; 0 = never.
    private let dropAtLine: Int
    /// Signalled when the accept loop has returned, so `stop()` closes the listener only then.
    private let acceptLoopDone = DispatchSemaphore(value: 0)

    init(unavailableFirst: @escaping @Sendable (String) -> Bool = { _ in false }, dropAtLine: Int = 0) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pumpsim-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("ingest.sock").path
        self.unavailableFirst = unavailableFirst
        self.dropAtLine = dropAtLine
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0, listen(fd, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Stops accepting: wakes the accept loop, waits for it to return, then closes the listener
    /// (closing it earlier would let another test's new descriptor take its number while the loop
    /// can still call `accept` on it) and removes the socket.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        acceptLoopDone.wait()
        close(listener)
        unlink(path)
    }

    private func acceptLoop() {
        defer { acceptLoopDone.signal() }
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            state.withLock { $0.connections += 1 }
            Thread { [self] in serve(fd) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            buffer.append(contentsOf: chunk[0..<n])
            var out: [UInt8] = []
            while let nl = buffer.firstIndex(of: 10) {
                let line = Array(buffer[..<nl])
                buffer.removeSubrange(...nl)
                let (reply, drop) = decide(line)
                if drop {
                    if !out.isEmpty {
                        _ = out.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    }
                    return
                }
                out.append(contentsOf: reply)
            }
            var offset = 0
            while offset < out.count {
                let w = out.withUnsafeBytes {
                    send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
                }
                if w <= 0 { return }
                offset += w
            }
        }
    }

    private func decide(_ line: [UInt8]) -> ([UInt8], Bool) {
        let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
        let id = object?["id"] as? String
        return state.withLock { s -> ([UInt8], Bool) in
            s.linesRead += 1
            if dropAtLine > 0 && s.linesRead == dropAtLine && s.dropped == 0 {
                s.dropped += 1
                return ([], true)
            }
            guard let id else {
                s.replies[.rejected, default: 0] += 1
                return (Array("{\"id\":null,\"result\":\"rejected\",\"reason\":\"invalid_json\"}\n".utf8), false)
            }
            s.attempts[id, default: []].append(line)
            let result: ReplyResult
            if s.attempts[id]?.count == 1 && unavailableFirst(id) {
                result = .unavailable
            } else if s.stored[id] != nil {
                result = .duplicate
            } else {
                s.stored[id] = line
                result = .accepted
            }
            s.replies[result, default: 0] += 1
            let reason = result == .unavailable ? ",\"reason\":\"storage_full\"" : ""
            return (Array("{\"id\":\"\(id)\",\"result\":\"\(result.rawValue)\"\(reason)}\n".utf8), false)
        }
    }
}

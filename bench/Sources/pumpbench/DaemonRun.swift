import Foundation

/// A release `pumpmond` on a state directory, started with a `NOTIFY_SOCKET` that this process
/// binds, so that the time from exec to `READY=1` is measured exactly.
final class DaemonRun {
    let child: Child
    let ingest: String
    let control: String
    /// Seconds from just before `posix_spawn` to the `READY=1` datagram.
    let readySeconds: Double

    init(binDir: String, stateDir: String, logPath: String, extraArguments: [String] = []) throws {
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        // Socket paths must stay short (108 bytes): keep them in /tmp.
        let runDir = "/tmp/pumpbench-\(getpid())"
        try FileManager.default.createDirectory(atPath: runDir, withIntermediateDirectories: true)
        ingest = runDir + "/ingest.sock"
        control = runDir + "/control.sock"
        let notifyPath = runDir + "/notify.sock"
        unlink(notifyPath)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer {
            close(fd)
            unlink(notifyPath)
        }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in Array(notifyPath.utf8).prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else { throw BenchError("cannot bind \(notifyPath)") }
        let t0 = monotonicNanos()
        child = try Child(
            binDir + "/pumpmond",
            ["--state-dir", stateDir, "--ingest-socket", ingest, "--control-socket", control] + extraArguments,
            environment: ["NOTIFY_SOCKET": notifyPath], outputPath: logPath)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, 60_000)
            guard ready > 0 else {
                child.signal(SIGKILL)
                child.wait()
                throw BenchError("pumpmond sent no READY=1 within 60 s (log: \(logPath))")
            }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0, String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n").contains("READY=1") {
                break
            }
        }
        readySeconds = Double(monotonicNanos() - t0) / 1e9
    }

    /// SIGTERM, then waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        child.signal(SIGTERM)
        return child.wait()
    }
}

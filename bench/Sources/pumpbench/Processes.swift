import Foundation

/// A child process started with `posix_spawn`, so that its peak resident set can be read from
/// `wait4`'s resource usage when it ends.
final class Child {
    let pid: pid_t
    private(set) var status: Int32?
    private(set) var maxRSSKiB: Int = 0

    /// Starts `path` with `arguments`; stdin from `stdinPath` (or /dev/null); stdout to `outputPath`
    /// (or /dev/null); stderr to `errorPath`, else with stdout; `environment` added to this process's.
    init(
        _ path: String, _ arguments: [String], environment: [String: String] = [:], stdinPath: String? = nil,
        outputPath: String? = nil, errorPath: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let errorPath {
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "JOURNAL_STREAM"] {
            env[key] = nil
        }
        for (k, v) in environment { env[k] = v }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    /// Waits for the end; returns the exit status (128+signal when killed).
    @discardableResult
    func wait() -> Int32 {
        if let status { return status }
        var raw: Int32 = 0
        var usage = rusage()
        while wait4(pid, &raw, 0, &usage) < 0 && errno == EINTR {}
        maxRSSKiB = usage.ru_maxrss
        let s = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        status = s
        return s
    }

    func signal(_ sig: Int32) { kill(pid, sig) }

    /// The peak resident set so far (`VmHWM`), in KiB, while it runs.
    var peakRSSKiB: Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return maxRSSKiB }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}

/// Runs a program to its end; returns (status, wall seconds, peak RSS KiB).
func runTimed(
    _ path: String, _ arguments: [String], environment: [String: String] = [:], stdinPath: String? = nil,
    outputPath: String? = nil, errorPath: String? = nil
) throws -> (status: Int32, seconds: Double, maxRSSKiB: Int) {
    let t0 = monotonicNanos()
    let child = try Child(
        path, arguments, environment: environment, stdinPath: stdinPath, outputPath: outputPath, errorPath: errorPath)
    let status = child.wait()
    return (status, Double(monotonicNanos() - t0) / 1e9, child.maxRSSKiB)
}

func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func wallMicros() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
}

/// A benchmark that could not run, with what went wrong.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A connected Unix stream socket.
func connectUnix(_ path: String, timeoutSeconds: Double = 20) throws -> Int32 {
    let deadline = monotonicNanos() + UInt64(timeoutSeconds * 1e9)
    while true {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc == 0 { return fd }
        close(fd)
        if monotonicNanos() > deadline { throw BenchError("cannot connect to \(path)") }
        usleep(10_000)
    }
}

/// Writes all of `bytes` to `fd`.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
        if n < 0 {
            if errno == EINTR { continue }
            throw BenchError("write failed: \(String(cString: strerror(errno)))")
        }
        off += n
    }
}

import Foundation
import Histogram
import PumpTelemetry
import Synchronization

// MARK: 6: an EOS frame's `accepted` reply to Alertmanager holding the alert

extension Bench {
    /// Row 6: a real Alertmanager on loopback, pumpmond and pumpalert (release). While 10k msg/s of
    /// status telemetry flows on one connection, `samples` pumps each send one BATTERY_EOS alert on
    /// another; a sample is the time from its `accepted` reply to the first `GET /api/v2/alerts`
    /// (polled every millisecond, filtered on the pump) that lists its PumpNonFunctional. The
    /// baseline is Alertmanager's own floor, measured the same way: from a POST of one alert
    /// straight to its API to the first GET that lists it.
    func alertLatency(samples: Int = 60) throws -> [Row] {
        let alertmanager = "/usr/bin/prometheus-alertmanager"
        guard FileManager.default.isExecutableFile(atPath: alertmanager) else {
            throw BenchError("row 6 needs Alertmanager (scripts/ensure-deps.sh installs prometheus-alertmanager)")
        }
        let amDir = "\(data)/run-alertmanager"
        try? FileManager.default.removeItem(atPath: amDir)
        try FileManager.default.createDirectory(atPath: amDir, withIntermediateDirectories: true)
        try "route:\n  receiver: none\n  group_wait: 0s\nreceivers:\n  - name: none\n".write(
            toFile: "\(amDir)/am.yml", atomically: true, encoding: .utf8)
        let port = try freeLoopbackPort()
        let am = try Child(
            alertmanager,
            [
                "--config.file=\(amDir)/am.yml", "--storage.path=\(amDir)", "--web.listen-address=127.0.0.1:\(port)",
                "--cluster.listen-address=",
            ], outputPath: "\(data)/alertmanager.log")
        defer {
            am.signal(SIGTERM)
            am.wait()
        }
        try waitUntil(seconds: 30, "Alertmanager ready") { (try? http(port: port, "GET", "/-/ready").status) == 200 }

        log("alert latency: Alertmanager's own floor (POST, then GET until listed)")
        var floor = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        for i in 0..<samples {
            let serial = "FLOOR-\(i)"
            let body = #"[{"labels":{"alertname":"Floor","serial":"\#(serial)"},"annotations":{}}]"#
            let t0 = monotonicNanos()
            guard try http(port: port, "POST", "/api/v2/alerts", body: body).status == 200 else {
                throw BenchError("Alertmanager refused a direct POST")
            }
            try pollListed(port: port, serial: serial)
            _ = floor.record((monotonicNanos() - t0) / 1000)
        }

        let state = "\(data)/run-alert"
        try? FileManager.default.removeItem(atPath: state)
        let daemon = try DaemonRun(binDir: bin, stateDir: state, logPath: "\(data)/pumpmond-alert.log")
        defer { daemon.stop() }
        let notifierLog = "\(data)/pumpalert.log"
        let notifier = try Child(
            "\(bin)/pumpalert",
            ["--control-socket", daemon.control, "--alertmanager", "http://127.0.0.1:\(port)"], outputPath: notifierLog)
        defer {
            notifier.signal(SIGTERM)
            notifier.wait()
        }
        try waitUntil(seconds: 30, "pumpalert following pumpmond (log: \(notifierLog))") {
            ((try? String(contentsOfFile: notifierLog, encoding: .utf8)) ?? "").contains("Following pumpmond")
        }

        // The other telemetry: 10k msg/s of statuses, for longer than the samples take.
        let seconds = Double(samples) * 0.15 + 5
        let background = latencyLines(prefix: "BGLOAD", count: Int(10_000 * seconds)).lines
        let load = LoadThread(socket: daemon.ingest, lines: background)
        usleep(1_000_000)
        log("alert latency: \(samples) EOS frames at 10k msg/s of other telemetry")
        var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        let fd = try connectUnix(daemon.ingest)
        defer { close(fd) }
        let at = PumpTime(micros: wallMicros() - 60_000_000).text
        for i in 0..<samples {
            let serial = "EOS-\(100_000 + i)"
            let line =
                #"{"v":1,"id":"eos-\#(i)","serial":"\#(serial)","kind":"alert","at":"\#(at)","code":"BATTERY_EOS","severity":"critical"}"#
                + "\n"
            try writeAll(fd, Array(line.utf8))
            let reply = try readLine(fd)
            let t0 = monotonicNanos()
            guard reply.contains(#""result":"accepted""#) else { throw BenchError("EOS frame not accepted: \(reply)") }
            try pollListed(port: port, serial: serial)
            _ = latency.record((monotonicNanos() - t0) / 1000)
            usleep(100_000)
        }
        let offered = load.finish()
        let p50 = Double(latency.valueAtPercentile(50)) / 1000
        let p99 = Double(latency.valueAtPercentile(99)) / 1000
        let floorP99 = Double(floor.valueAtPercentile(99)) / 1000
        return [
            Row(
                name: "6 EOS accepted -> in Alertmanager @ 10k/s (\(offered.notAccepted) not accepted)",
                figure: String(format: "p50 %.1f / p99 %.1f ms", p50, p99), value: p99, unit: "ms",
                baselineName: String(format: "Alertmanager POST -> GET p99 %.1f ms", floorP99), baseline: floorP99,
                ratio: p99 / floorP99, goal: "p99 < 500 ms", met: p99 < 500 && offered.notAccepted == 0)
        ]
    }

    /// Polls `GET /api/v2/alerts` filtered on `serial` until it lists an alert (at most 30 s).
    private func pollListed(port: UInt16, serial: String) throws {
        let path =
            "/api/v2/alerts?filter=" + "serial=\"\(serial)\"".addingPercentEncoding(
                withAllowedCharacters: .alphanumerics)!
        let deadline = monotonicNanos() + 30_000_000_000
        while monotonicNanos() < deadline {
            let (status, body) = try http(port: port, "GET", path)
            if status == 200, body.contains(serial) { return }
            usleep(1000)
        }
        throw BenchError("Alertmanager never listed an alert for \(serial)")
    }

    private func waitUntil(seconds: Double, _ what: String, _ condition: () -> Bool) throws {
        let deadline = monotonicNanos() + UInt64(seconds * 1e9)
        while !condition() {
            guard monotonicNanos() < deadline else { throw BenchError("timed out waiting for \(what)") }
            usleep(20_000)
        }
    }
}

/// The background telemetry of row 6: a paced send on a thread of its own.
private final class LoadThread: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let result = Mutex<SendResult?>(nil)

    init(socket: String, lines: [[UInt8]]) {
        let thread = Thread { [self] in
            let r = (try? pacedSend(socket: socket, lines: lines, isAlert: lines.map { _ in false }, rate: 10_000))
            result.withLock { $0 = r ?? SendResult(notAccepted: lines.count) }
            done.signal()
        }
        thread.start()
    }

    func finish() -> SendResult {
        done.wait()
        return result.withLock { $0 ?? SendResult() }
    }
}

/// One reply line from `fd` (blocking).
private func readLine(_ fd: Int32) throws -> String {
    var line: [UInt8] = []
    var byte: UInt8 = 0
    while true {
        let n = read(fd, &byte, 1)
        if n < 0 && errno == EINTR { continue }
        guard n == 1 else { throw BenchError("the daemon closed the connection") }
        if byte == 10 { return String(decoding: line, as: UTF8.self) }
        line.append(byte)
    }
}

/// A free TCP port on loopback.
private func freeLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard ok else { throw BenchError("no free loopback port") }
    return UInt16(bigEndian: address.sin_port)
}

/// One HTTP/1.1 request to Alertmanager on loopback (`Connection: close`): status and body. The
/// bench's probe only; the notifier itself posts through async-http-client.
private func http(port: UInt16, _ method: String, _ path: String, body: String = "") throws -> (
    status: Int, body: String
) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    let rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard rc == 0 else { throw BenchError("cannot connect to Alertmanager on port \(port)") }
    let request =
        "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
        + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    try writeAll(fd, Array(request.utf8))
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        answer += buffer[0..<n]
    }
    let text = String(decoding: answer, as: UTF8.self)
    let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
    let bodyStart = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
    return (status, bodyStart)
}

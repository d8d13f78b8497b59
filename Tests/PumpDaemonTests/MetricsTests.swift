import Foundation
import PumpControlProtocol
import PumpSimKit
import PumpTesting
import Testing

/// `GET /metrics`: the Prometheus text format that promtool accepts, scraped by a real Prometheus
/// whose queries give the simulator's counts and the ground truth; gauges from the store right
/// after a restart; 404 and 405 for anything else.
@Suite(.serialized) struct MetricsTests {
    /// One HTTP/1.1 request on loopback: the status code and the body.
    static func http(_ port: UInt16, _ method: String = "GET", _ target: String) throws -> (Int, String) {
        let socket = try LineSocket(loopbackPort: port)
        socket.setReceiveTimeout(seconds: 20)
        try socket.send("\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes += chunk[..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let status = Int(parts.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// The value of an unlabelled or exactly labelled sample in exposition text.
    static func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// A daemon serving its metrics on a free loopback port.
    static func daemon() throws -> (DaemonHarness, UInt16) {
        let port = try LineSocket.freeLoopbackPort()
        return (try DaemonHarness(extraArguments: ["--metrics-listen", "127.0.0.1:\(port)"]), port)
    }

    /// `pumpsim fleet` against the daemon; its printed summary and the ground truth's pumps.
    static func fleet(_ harness: DaemonHarness) throws -> (accepted: Int, nonFunctional: Int, printed: String) {
        let truthFile = harness.directory.file("truth.jsonl")
        let run = try ProgramRun.run(
            BuiltProducts.path(of: "pumpsim"),
            [
                "fleet", "--pumps", "60", "--years", "1", "--status-every", "7d", "--seed", "23", "--fault-scale", "8",
                "--socket", harness.daemon.ingestSocket, "--control-socket", harness.daemon.controlSocket,
                "--verify", "--truth", truthFile,
            ])
        #expect(run.status == 0, "\(run.stdout.suffix(2000)) \(run.stderr.suffix(2000))")
        let accepted = run.stdout.split(separator: "\n").first { $0.hasPrefix("accepted:") }
            .flatMap { Int($0.split(separator: " ").last ?? "") }
        let truth = String(decoding: FileManager.default.contents(atPath: truthFile) ?? Data(), as: UTF8.self)
        let pumps = try truth.split(separator: "\n").map {
            try JSONDecoder().decode(PumpTruth.self, from: Data($0.utf8))
        }
        #expect(pumps.count == 60)
        return (accepted ?? -1, pumps.filter { $0.expectedState == .nonFunctional }.count, run.stdout)
    }

    @Test func promtoolAcceptsTheMetricsAfterAFleetRunAndTheCountsAreTheSimulators() throws {
        let (harness, port) = try Self.daemon()
        let fleet = try Self.fleet(harness)
        #expect(fleet.nonFunctional > 0, "the fleet has no failed pump: nothing to compare")
        let (status, body) = try Self.http(port, "GET", "/metrics")
        #expect(status == 200)
        let promtool = try ProgramRun.run("/usr/bin/promtool", ["check", "metrics"], input: body + "\n")
        #expect(promtool.status == 0, "\(promtool.stdout) \(promtool.stderr)")
        #expect(Self.sample(body, #"pumpmond_frames_total{result="accepted",reason="none"}"#) == Double(fleet.accepted))
        #expect(Self.sample(body, "pumpmond_messages_stored_total") == Double(fleet.accepted))
        #expect(Self.sample(body, #"pumpmond_pumps{state="non_functional"}"#) == Double(fleet.nonFunctional))
        for name in [
            "pumpmond_ingest_bytes_total", "pumpmond_commit_batch_lines_count",
            "pumpmond_commit_duration_seconds_count",
            "pumpmond_reply_latency_seconds_count", "process_resident_memory_bytes", "process_open_fds",
            "pumpmond_store_file_bytes",
        ] {
            #expect((Self.sample(body, name) ?? 0) > 0, "\(name)")
        }
        #expect(body.contains(#"pumpmond_control_requests_total{op="enroll",outcome="ok"}"#))
        #expect(body.contains("pumpmond_records_total{type="))
        #expect(!body.contains("SM2-"), "a pump serial in a label")
        // Where they are served, in pumpctl status.
        let document = try #require(try harness.control(.init(op: .status), as: DaemonStatusDocument.self).result)
        #expect(document.metrics == "http://127.0.0.1:\(port)/metrics")
    }

    @Test func anythingButGetMetricsIs404Or405() throws {
        let (harness, port) = try Self.daemon()
        defer { withExtendedLifetime(harness) {} }
        #expect(try Self.http(port, "GET", "/").0 == 404)
        #expect(try Self.http(port, "GET", "/metricsx").0 == 404)
        #expect(try Self.http(port, "POST", "/metrics").0 == 405)
        #expect(try Self.http(port, "DELETE", "/metrics").0 == 405)
        #expect(try Self.http(port, "GET", "/metrics?x=1").0 == 200)
    }

    @Test func withNoMetricsNothingIsServedAndStatusSaysNothing() throws {
        let harness = try DaemonHarness(extraArguments: ["--no-metrics"])
        #expect(try harness.send([Lines.status("SM2-000001", id: "m1")]).first?.result == "accepted")
        let document = try #require(try harness.control(.init(op: .status), as: DaemonStatusDocument.self).result)
        #expect(document.metrics == nil)
        #expect(!FileManager.default.fileExists(atPath: harness.directory.file("metrics.sock")))
    }

    @Test func byDefaultTheMetricsAreOnAUnixSocketBesideTheControlSocket() throws {
        let harness = try DaemonHarness()
        let document = try #require(try harness.control(.init(op: .status), as: DaemonStatusDocument.self).result)
        #expect(document.metrics == "unix:" + harness.directory.file("metrics.sock"))
    }

    @Test func afterARestartTheCountersStartOverAndTheStoreGaugesAreRight() throws {
        let (harness, port) = try Self.daemon()
        var lines: [String] = []
        for p in 0..<6 {
            let serial = String(format: "SM2-%06d", 700 + p)
            lines.append(Lines.status(serial, id: "s\(p)", at: Lines.time(-7200), motor: p < 2 ? "stalled" : "ok"))
        }
        lines.append("not json")
        #expect(try harness.send(lines).count == lines.count)
        let before = try Self.http(port, "GET", "/metrics").1
        #expect(harness.daemon.stop() == 0)
        do {
            try harness.daemon.start()
        } catch {
            Issue.record("\(error): \(harness.daemon.log(tail: 20))")
            throw error
        }
        let after = try Self.http(port, "GET", "/metrics").1
        #expect(Self.sample(after, "pumpmond_messages_stored_total") == 0)
        #expect(Self.sample(before, "pumpmond_messages_stored_total") == 6)
        for state in ["functional", "stalled", "non_functional"] {
            let series = #"pumpmond_pumps{state="\#(state)"}"#
            #expect(Self.sample(after, series) == Self.sample(before, series), "\(series)")
        }
        #expect(Self.sample(after, "pumpmond_quarantine_rows") == 1)
        #expect(Self.sample(after, #"pumpmond_pumps{state="functional"}"#) == 4)
    }

    @Test func aRealPrometheusScrapesTheDaemonAndItsQueriesGiveTheSimulatorsCounts() throws {
        let (harness, port) = try Self.daemon()
        let fleet = try Self.fleet(harness)
        let web = try LineSocket.freeLoopbackPort()
        let directory = harness.directory
        let config = directory.file("prometheus.yml")
        let yaml = """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: pumpmond
                static_configs:
                  - targets: ["127.0.0.1:\(port)"]
            """
        #expect(FileManager.default.createFile(atPath: config, contents: Data(yaml.utf8)))
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        prometheus.arguments = [
            "--config.file=\(config)", "--storage.tsdb.path=\(directory.file("tsdb"))",
            "--web.listen-address=127.0.0.1:\(web)",
        ]
        prometheus.standardOutput = FileHandle.nullDevice
        prometheus.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try prometheus.run()
        defer {
            if prometheus.isRunning { kill(prometheus.processIdentifier, SIGTERM) }
            prometheus.waitUntilExit()
        }
        func query(_ promql: String) -> Double? {
            let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
            guard let (status, body) = try? Self.http(web, "GET", "/api/v1/query?query=\(encoded)"), status == 200,
                let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
                let value = result.first?["value"] as? [Any], let text = value.last as? String
            else { return nil }
            return Double(text)
        }
        let accepted = #"sum(pumpmond_frames_total{result="accepted"})"#
        let failed = #"pumpmond_pumps{state="non_functional"}"#
        let deadline = Date().addingTimeInterval(40)
        while Date() < deadline, query(accepted) != Double(fleet.accepted) || query(failed) == nil {
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(query(accepted) == Double(fleet.accepted))
        #expect(query(failed) == Double(fleet.nonFunctional))
    }
}

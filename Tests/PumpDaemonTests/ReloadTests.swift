import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// A gateway that keeps its connection open: each line written to it is sent, and its reply (or
/// `closed` when the daemon closed the connection) comes back, one at a time.
final class OpenGatewayConnection {
    static let script = """
        import socket, ssl, sys
        port, cert, key, ca = sys.argv[1:5]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(ca)
        ctx.load_cert_chain(cert, key)
        raw = socket.create_connection(("127.0.0.1", int(port)), timeout=30)
        s = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        f = s.makefile("rb")
        for line in sys.stdin:
            try:
                s.sendall(line.encode())
                reply = f.readline()
            except (ssl.SSLError, ConnectionError, OSError):
                reply = b""
            print(reply.decode().strip() or "closed", flush=True)
        """

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    init(port: UInt16, pki: TestPKI, gateway: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", Self.script, "\(port)", pki.certificate(gateway), pki.key(gateway), pki.caBundle,
        ]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    /// Sends one line and returns the reply line, or `closed`.
    func send(_ line: String) throws -> String {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let reply = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return reply
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { return "closed" }
            buffer.append(chunk)
        }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

@Suite(.serialized) struct ReloadTests {
    static func file(_ pki: TestPKI, named: [String: String], revoked: [String] = []) throws -> String {
        let gateways = try named.keys.sorted().map { name in
            #""\#(name)": {"fingerprint": "\#(try pki.fingerprint(name))", "serials": ["\#(named[name]!)"]}"#
        }
        let fingerprints = try revoked.map { #""\#(try pki.fingerprint($0))""# }
        return
            #"{"gateways": {\#(gateways.joined(separator: ", "))}, "revoked": [\#(fingerprints.joined(separator: ", "))]}"#
    }

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func sighupAddsAGatewayAndRevokesAnotherWithoutARestartOrALostAcknowledgedLine() throws {
        let daemon = try TLSDaemon { pki in
            try Self.file(pki, named: ["gateway-a": "SM2-A*", "gateway-b": "SM2-B*"])
        }
        let pid = try #require(daemon.harness.daemon.pid)
        let a = try OpenGatewayConnection(port: daemon.port, pki: daemon.pki, gateway: "gateway-a")
        let b = try OpenGatewayConnection(port: daemon.port, pki: daemon.pki, gateway: "gateway-b")
        var acknowledged: [String: Set<String>] = [:]
        for i in 0..<5 {
            #expect(try a.send(Lines.status("SM2-A0001", id: "a-\(i)")).contains(#""accepted""#))
            #expect(try b.send(Lines.status("SM2-B0001", id: "b-\(i)")).contains(#""accepted""#))
        }
        acknowledged["SM2-A0001", default: []].formUnion((0..<5).map { "a-\($0)" })
        acknowledged["SM2-B0001", default: []].formUnion((0..<5).map { "b-\($0)" })
        let beforeC = try TLSPeers.python(
            port: daemon.port, pki: daemon.pki, gateway: "gateway-c", lines: [Lines.status("SM2-C0001", id: "c-0")])
        #expect(beforeC.stdout.contains("not_authorized"), "\(beforeC.stdout) \(beforeC.stderr)")

        try write(
            try Self.file(daemon.pki, named: ["gateway-a": "SM2-A*", "gateway-c": "SM2-C*"], revoked: ["gateway-b"]),
            to: daemon.gatewaysFile)
        #expect(kill(pid, SIGHUP) == 0)
        // The revoked gateway's open connection is closed by the reload.
        var closed = false
        for i in 0..<50 where !closed {
            let reply = try b.send(Lines.status("SM2-B0001", id: "b-late-\(i)"))
            if reply == "closed" {
                closed = true
            } else if reply.contains(#""accepted""#) {
                acknowledged["SM2-B0001", default: []].insert("b-late-\(i)")
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        #expect(closed)
        // Its new handshakes are refused; the added gateway reports; the open one goes on.
        let revoked = try TLSPeers.python(
            port: daemon.port, pki: daemon.pki, gateway: "gateway-b", lines: [Lines.status("SM2-B0001", id: "b-new")])
        #expect(!revoked.stdout.contains(#""result""#), "\(revoked.stdout)")
        let afterC = try TLSPeers.python(
            port: daemon.port, pki: daemon.pki, gateway: "gateway-c", lines: [Lines.status("SM2-C0001", id: "c-1")])
        #expect(afterC.stdout.contains(#""accepted""#), "\(afterC.stdout) \(afterC.stderr)")
        acknowledged["SM2-C0001", default: []].insert("c-1")
        for i in 5..<10 {
            #expect(try a.send(Lines.status("SM2-A0001", id: "a-\(i)")).contains(#""accepted""#))
        }
        acknowledged["SM2-A0001", default: []].formUnion((5..<10).map { "a-\($0)" })
        #expect(daemon.harness.daemon.pid == pid)
        #expect(kill(pid, 0) == 0)
        // Every acknowledged line is stored (a line the revoked gateway sent as its connection was
        // closed may be stored unacknowledged: resending it is a duplicate).
        for (serial, ids) in acknowledged {
            let stored = Set(try daemon.harness.events(serial).compactMap { $0["id"] as? String })
            #expect(ids.isSubset(of: stored), "\(serial): \(ids.subtracting(stored).sorted()) acknowledged, not stored")
        }
        #expect(daemon.harness.daemon.log(tail: 50).contains("Reloaded"))
    }

    @Test func aReloadThatFailsKeepsTheSettingsInUseAndSaysWhy() throws {
        let daemon = try TLSDaemon { pki in try Self.file(pki, named: ["gateway-a": "SM2-A*"]) }
        let pid = try #require(daemon.harness.daemon.pid)
        try write(#"{"gateways": {"gateway-c": {"serials": ["SM2-C*"]}}}"#, to: daemon.gatewaysFile)
        #expect(kill(pid, SIGHUP) == 0)
        var said = false
        for _ in 0..<300 where !said {  // up to 30 s: a loaded machine
            Thread.sleep(forTimeInterval: 0.1)
            said = daemon.harness.daemon.log(tail: 50).contains("names no certificate")
        }
        #expect(said, "\(daemon.harness.daemon.log(tail: 20))")
        let run = try TLSPeers.python(
            port: daemon.port, pki: daemon.pki, gateway: "gateway-a", lines: [Lines.status("SM2-A0001", id: "a")])
        #expect(run.stdout.contains(#""accepted""#), "\(run.stdout) \(run.stderr)")
        #expect(kill(pid, 0) == 0)
    }
}

import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// Garbage and truncated TLS records at the mutual-TLS listener: no crash, no connection left open,
/// and the listener still serves a real gateway afterwards.
@Suite struct TLSGarbageTests {
    /// Opens `rounds` connections, each sending one kind of bad input, and closes them: random
    /// bytes, a TLS record header announcing more than it sends, a real ClientHello cut short, a
    /// whole ClientHello followed by garbage records, and a connection that sends nothing.
    static let script = """
        import random, socket, ssl, sys, time
        port, rounds = int(sys.argv[1]), int(sys.argv[2])
        rng = random.Random(7)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        client = ctx.wrap_bio(incoming, outgoing)
        try:
            client.do_handshake()
        except ssl.SSLWantReadError:
            pass
        hello = outgoing.read()
        for i in range(rounds):
            kind = i % 5
            if kind == 0:
                data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4096)))
            elif kind == 1:
                data = bytes([0x16, 0x03, 0x01, 0xff, 0xff]) + bytes(rng.getrandbits(8) for _ in range(100))
            elif kind == 2:
                data = hello[: rng.randint(1, len(hello) - 1)]
            elif kind == 3:
                data = hello + bytes([0x17, 0x03, 0x03, 0x00, 0x40]) + bytes(64) + bytes([0x15, 0x03])
            else:
                data = b""
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                    if data:
                        s.sendall(data)
                    if i % 2:
                        s.shutdown(socket.SHUT_WR)
                        try:
                            s.recv(65536)
                        except OSError:
                            pass
            except OSError:
                pass
        print("sent", rounds)
        """

    /// The daemon's open sockets (listeners and connections; the store's files, which SQLite opens
    /// as readers are needed, are not counted).
    static func openSockets(_ pid: Int32) -> Int {
        let directory = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.filter {
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + $0)) ?? "")
                .hasPrefix("socket:")
        }.count
    }

    @Test func garbageAndTruncatedTLSRecordsLeaveNoConnectionOpenAndTheListenerServing() throws {
        let daemon = try TLSDaemon()
        let pid = try #require(daemon.harness.daemon.pid)
        let before = Self.openSockets(pid)
        let run = try ProgramRun.run(
            "/usr/bin/env", ["python3", "-c", Self.script, "\(daemon.port)", "500"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("sent 500"))
        // Every bad connection is closed (the ones that said nothing by the idle timeout at the latest:
        // the test daemon's is the default 60 s, so only the ones that closed themselves count here).
        var after = Self.openSockets(pid)
        for _ in 0..<300 where after > before {
            Thread.sleep(forTimeInterval: 0.1)
            after = Self.openSockets(pid)
        }
        #expect(after <= before, "sockets: \(before) before, \(after) after")
        #expect(kill(pid, 0) == 0)
        let fine = try TLSPeers.python(
            port: daemon.port, pki: daemon.pki, gateway: "gateway-a", lines: [Lines.status("SM2-G0001", id: "after")])
        #expect(fine.stdout.contains(#""accepted""#), "\(fine.stdout) \(fine.stderr)")
        let status = try daemon.harness.control(.init(op: .status), as: DaemonStatusDocument.self).result
        #expect(status?.messages == 1)
        #expect(status?.rejected == 0)
    }

    @Test func aConnectionThatNeverFinishesItsHandshakeIsClosedAfterTheIdleTimeout() throws {
        let setup = try TemporaryDirectory(prefix: "pki")
        let pki = try TestPKI(in: setup.path)
        let port = try LineSocket.freeLoopbackPort()
        let harness = try DaemonHarness(extraArguments: [
            "--listen", "127.0.0.1:\(port)", "--tls-cert", pki.certificate("server"), "--tls-key", pki.key("server"),
            "--tls-client-ca", pki.caBundle, "--idle-timeout", "1",
        ])
        let socket = try LineSocket(loopbackPort: port)
        try socket.send([0x16, 0x03, 0x01, 0x00, 0x40, 0x01])  // a ClientHello's first bytes, then silence
        let started = Date()
        let line = try? socket.readLine()
        #expect(line == nil)
        #expect(Date().timeIntervalSince(started) < 10)
        _ = harness
    }
}

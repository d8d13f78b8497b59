import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// Real TLS peers against a real daemon: `openssl s_client` and a Python `ssl` client, with
/// certificates made by `openssl` at test time.
enum TLSPeers {
    /// Sends `lines` as a gateway with Python's `ssl` module (TLS 1.2+, verifying the server) and
    /// prints the replies it reads, at most one per line sent.
    static let pythonClient = """
        import socket, ssl, sys
        port, cert, key, ca = sys.argv[1:5]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(ca)
        if cert != "-":
            ctx.load_cert_chain(cert, key)
        data = sys.stdin.buffer.read()
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=30) as raw:
                with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                    s.sendall(data)
                    buf = b""
                    while buf.count(b"\\n") < data.count(b"\\n"):
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        buf += chunk
                    sys.stdout.buffer.write(buf)
        except (ssl.SSLError, ConnectionError, OSError) as e:
            print("tls-failed:", e, file=sys.stderr)
            sys.exit(3)
        """

    static func python(port: UInt16, pki: TestPKI, gateway: String?, lines: [String]) throws -> ProgramRun {
        try ProgramRun.run(
            "/usr/bin/env",
            [
                "python3", "-c", pythonClient, "\(port)", gateway.map(pki.certificate) ?? "-",
                gateway.map(pki.key) ?? "-", pki.caBundle,
            ],
            input: lines.map { $0 + "\n" }.joined())
    }

    /// Sends one line through `openssl s_client` and gives it a second and a half to read the reply
    /// before its input ends (`-no_ign_eof`: it then closes and exits).
    static func sClient(port: UInt16, pki: TestPKI, arguments: [String], line: String) throws -> ProgramRun {
        let script =
            #"(printf '%s\n' "$1"; sleep 1.5) | "$2" s_client -connect "127.0.0.1:$3" -quiet -no_ign_eof "${@:4}""#
        return try ProgramRun.run(
            "/bin/bash",
            ["-c", script, "sclient", line, TestPKI.opensslPath, "\(port)", "-CAfile", pki.caBundle] + arguments)
    }
}

/// A daemon with a mutual-TLS listener on a free loopback port.
struct TLSDaemon {
    let harness: DaemonHarness
    let pki: TestPKI
    let port: UInt16
    let gatewaysFile: String

    init(gateways: ((TestPKI) throws -> String)? = nil) throws {
        let setup = try TemporaryDirectory(prefix: "pki")
        pki = try TestPKI(in: setup.path, gateways: ["gateway-a", "gateway-b", "gateway-c"])
        port = try LineSocket.freeLoopbackPort()
        gatewaysFile = setup.path + "/gateways.json"
        var arguments = [
            "--listen", "127.0.0.1:\(port)", "--tls-cert", pki.certificate("server"), "--tls-key", pki.key("server"),
            "--tls-client-ca", pki.caBundle,
        ]
        if let gateways {
            try Data(try gateways(pki).utf8).write(to: URL(fileURLWithPath: gatewaysFile))
            arguments += ["--gateways", gatewaysFile]
        }
        harness = try DaemonHarness(extraArguments: arguments)
    }

    /// A gateways file naming gateway-a (SM2-A*) and gateway-b (SM2-B*) by fingerprint.
    static func twoGateways(_ pki: TestPKI) throws -> String {
        """
        {"gateways": {"gateway-a": {"fingerprint": "\(try pki.fingerprint("gateway-a"))", "serials": ["SM2-A*"]},
                      "gateway-b": {"fingerprint": "\(try pki.fingerprint("gateway-b"))", "serials": ["SM2-B*"]}}}
        """
    }
}

@Suite(.serialized) struct MutualTLSTests {
    @Test func sClientWithAValidCertificateExchangesProtocolLines() throws {
        let daemon = try TLSDaemon()
        let run = try TLSPeers.sClient(
            port: daemon.port, pki: daemon.pki,
            arguments: ["-cert", daemon.pki.certificate("gateway-a"), "-key", daemon.pki.key("gateway-a")],
            line: Lines.status("SM2-TLS1", id: "over-tls"))
        let replies = run.stdout.split(separator: "\n").map { DaemonHarness.decode(String($0)) }
        #expect(replies.map(\.result) == ["accepted"], "\(run.stdout) \(run.stderr)")
        #expect(replies.first?.id == "over-tls")
        #expect(try daemon.harness.events("SM2-TLS1").count == 1)
    }

    @Test(arguments: [
        ("no certificate", [String]()),
        ("a certificate from another CA", ["foreign"]),
        ("an expired certificate", ["expired"]),
    ])
    func aHandshakeWithoutAValidClientCertificateIsRefusedAndNothingStored(
        _ what: String, certificate: [String]
    ) throws {
        let daemon = try TLSDaemon()
        let pki = daemon.pki
        let arguments = certificate.flatMap { ["-cert", pki.certificate($0), "-key", pki.key($0)] }
        let run = try TLSPeers.sClient(
            port: daemon.port, pki: pki, arguments: arguments, line: Lines.status("SM2-NOPE", id: "refused"))
        #expect(!run.stdout.contains("\"result\""), "\(what): \(run.stdout)")
        #expect(run.stderr.contains("alert") || run.stderr.contains("error"), "\(what): \(run.stderr)")
        let python = try TLSPeers.python(
            port: daemon.port, pki: pki, gateway: certificate.first, lines: [Lines.status("SM2-NOPE", id: "py")])
        #expect(python.status == 3, "\(what): \(python.stdout) \(python.stderr)")
        #expect(
            try daemon.harness.control(.init(op: .device, serial: "SM2-NOPE"), as: DeviceDetailDocument.self).ok
                == false)
        #expect(try daemon.harness.rejected().isEmpty)
    }

    @Test func tls11IsRefused() throws {
        let daemon = try TLSDaemon()
        let pki = daemon.pki
        // SECLEVEL=0: OpenSSL 3 itself would not offer TLS 1.1 otherwise; the refusal must be the daemon's.
        let run = try TLSPeers.sClient(
            port: daemon.port, pki: pki,
            arguments: [
                "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-cert", pki.certificate("gateway-a"), "-key",
                pki.key("gateway-a"),
            ], line: Lines.status("SM2-OLD", id: "tls11"))
        #expect(!run.stdout.contains("\"result\""), "\(run.stdout)")
        #expect(run.stderr.contains("protocol version") || run.stderr.contains("alert"), "\(run.stderr)")
        #expect(
            try daemon.harness.control(.init(op: .device, serial: "SM2-OLD"), as: DeviceDetailDocument.self).ok == false
        )
    }

    @Test func aGatewayReportsForItsOwnSerialsAndIsRejectedNotAuthorizedForAnothers() throws {
        let daemon = try TLSDaemon(gateways: TLSDaemon.twoGateways)
        let run = try TLSPeers.python(
            port: daemon.port, pki: daemon.pki, gateway: "gateway-a",
            lines: [Lines.status("SM2-A0001", id: "own"), Lines.status("SM2-B0001", id: "others")])
        let replies = run.stdout.split(separator: "\n").map { DaemonHarness.decode(String($0)) }
        #expect(replies.map(\.result) == ["accepted", "rejected"], "\(run.stdout) \(run.stderr)")
        #expect(replies.last?.reason == "not_authorized")
        #expect(replies.last?.id == "others")
        #expect(try daemon.harness.events("SM2-A0001").count == 1)
        #expect(
            try daemon.harness.control(.init(op: .device, serial: "SM2-B0001"), as: DeviceDetailDocument.self).ok
                == false)
        let quarantined = try daemon.harness.rejected()
        #expect(quarantined.count == 1)
        #expect(quarantined.first?.reason == "not_authorized")
        #expect(quarantined.first?.source == "gateway:gateway-a")
        #expect(quarantined.first?.raw.contains("SM2-B0001") == true)
    }

    @Test func aCertificateTheGatewaysFileDoesNotNameMayReportForNothing() throws {
        let daemon = try TLSDaemon { _ in #"{"gateways": {}}"# }
        let run = try TLSPeers.python(
            port: daemon.port, pki: daemon.pki, gateway: "gateway-a", lines: [Lines.status("SM2-A0001", id: "m")])
        let replies = run.stdout.split(separator: "\n").map { DaemonHarness.decode(String($0)) }
        #expect(replies.map(\.reason) == ["not_authorized"], "\(run.stdout) \(run.stderr)")
        #expect(
            try daemon.harness.rejected().first?.source == "sha256:" + Self.hex(daemon.pki.fingerprint("gateway-a")))
    }

    @Test func aRevokedCertificateIsRefusedAtItsHandshake() throws {
        let daemon = try TLSDaemon { pki in
            #"{"gateways": {"gateway-a": {"subject": "gateway-a", "serials": ["SM2-A*"]}}, "revoked": ["\#(try pki.fingerprint("gateway-b"))"]}"#
        }
        let revoked = try TLSPeers.python(
            port: daemon.port, pki: daemon.pki, gateway: "gateway-b", lines: [Lines.status("SM2-B0001", id: "m")])
        #expect(!revoked.stdout.contains("\"result\""), "\(revoked.stdout)")
        let fine = try TLSPeers.python(
            port: daemon.port, pki: daemon.pki, gateway: "gateway-a", lines: [Lines.status("SM2-A0001", id: "m")])
        #expect(fine.stdout.contains("\"accepted\""), "\(fine.stdout) \(fine.stderr)")
        #expect(
            try daemon.harness.control(.init(op: .device, serial: "SM2-B0001"), as: DeviceDetailDocument.self).ok
                == false)
        #expect(try daemon.harness.rejected().isEmpty)
    }

    static func hex(_ fingerprint: String) -> String { fingerprint.lowercased().filter { $0 != ":" } }
}

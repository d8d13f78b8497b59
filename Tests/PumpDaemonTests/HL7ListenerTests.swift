import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// HL7 v2 over MLLP into a real pumpmond (docs/hl7.md): python-hl7's `mllp_send` sends the
/// example PCD-01 and PCD-04 messages; the ACKs are parsed back with python-hl7 and validated by
/// hl7apy against v2.6 (Tests/PumpHL7Tests/Python/check_acks.py).
@Suite struct HL7ListenerTests {
    /// A daemon with an HL7 listener on a free loopback port.
    final class HL7Daemon {
        let harness: DaemonHarness
        let port: UInt16

        init(extraArguments: [String] = []) throws {
            port = try LineSocket.freeLoopbackPort()
            harness = try DaemonHarness(extraArguments: ["--hl7-listen", "127.0.0.1:\(port)"] + extraArguments)
            try waitForListener()
        }

        private func waitForListener() throws {
            let deadline = Date().addingTimeInterval(20)
            while (try? LineSocket(loopbackPort: port)) == nil {
                if Date() > deadline { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            _ = try LineSocket(loopbackPort: port)
        }

        /// Sends the file's messages with `mllp_send --loose` and checks the ACKs it prints.
        func mllpSend(file: String) throws -> [PythonAcks.Checked] {
            let run = try ProgramRun.run(
                PythonEnvironment.executable("mllp_send"), ["--loose", "-p", "\(port)", "-f", file, "127.0.0.1"])
            let directory = try TemporaryDirectory(prefix: "ack")
            defer { directory.remove() }
            let out = directory.file("acks")
            try Data(run.stdout.utf8).write(to: URL(fileURLWithPath: out))
            return try PythonAcks.check(files: [out])
        }

        /// Sends raw bytes in `chunks` writes on one connection, half-closes, and returns the ACKs
        /// (the text between each 0x0B and 0x1C 0x0D) until the daemon closes.
        func sendRaw(_ chunks: [[UInt8]]) throws -> [String] {
            let socket = try LineSocket(loopbackPort: port)
            socket.setReceiveTimeout(seconds: 30)
            for chunk in chunks { try socket.send(chunk) }
            socket.shutdownWrite()
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress, $0.count, 0) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                received += buffer[..<n]
            }
            return received.split(separator: 0x1C).compactMap { frame in
                guard let start = frame.firstIndex(of: 0x0B) else { return nil }
                return String(decoding: frame[(start + 1)...], as: UTF8.self)
            }
        }
    }

    static func example(_ name: String) -> String {
        BuiltProducts.packageRoot.appendingPathComponent("Tests/PumpHL7Tests/Examples/\(name)").path
    }

    static func exampleText(_ name: String) throws -> String {
        try String(contentsOfFile: example(name), encoding: .utf8)
    }

    /// MSA-1 and ERR-2 of an ACK.
    static func msa(_ ack: String) -> (code: String, control: String, err: String?) {
        let segments = ack.split(separator: "\r")
        let msa = segments.first { $0.hasPrefix("MSA|") }?.split(separator: "|", omittingEmptySubsequences: false) ?? []
        let err = segments.first { $0.hasPrefix("ERR|") }.map(String.init)
        return (msa.count > 1 ? String(msa[1]) : "", msa.count > 2 ? String(msa[2]) : "", err)
    }

    static func framed(_ text: String) -> [UInt8] { [0x0B] + Array(text.utf8) + [0x1C, 0x0D] }

    @Test func theExamplesSentWithMllpSendAreAcknowledgedAAAndStored() throws {
        try #require(PythonEnvironment.problem == nil, "\(PythonEnvironment.problem ?? "")")
        let daemon = try HL7Daemon()
        let directory = try TemporaryDirectory(prefix: "hl7")
        defer { directory.remove() }
        let both = directory.file("both.hl7")
        try Data((try Self.exampleText("pcd01-status.hl7") + (try Self.exampleText("pcd04-alert.hl7"))).utf8).write(
            to: URL(fileURLWithPath: both))
        let acks = try daemon.mllpSend(file: both)
        try #require(acks.count == 2, "\(acks)")
        #expect(acks.map(\.msa1) == ["AA", "AA"])
        #expect(acks.map(\.msa2) == ["MSG00017", "ALR00042"])
        let invalid = acks.filter { !$0.valid }.map { $0.error ?? "" }
        #expect(invalid.isEmpty, "\(invalid)")
        let events = try daemon.harness.events("SM2-004211")
        #expect(events.count == 2)
        #expect(Set(events.compactMap { $0["id"] as? String }) == ["NORTHWING:MSG00017", "NORTHWING:ALR00042"])
    }

    @Test func theSameControlIDResentIsADuplicateStoredOnce() throws {
        try #require(PythonEnvironment.problem == nil, "\(PythonEnvironment.problem ?? "")")
        let daemon = try HL7Daemon()
        let file = Self.example("pcd01-status.hl7")
        let first = try daemon.mllpSend(file: file)
        let second = try daemon.mllpSend(file: file)
        #expect(first.map(\.msa1) == ["AA"])
        #expect(second.map(\.msa1) == ["AA"])
        #expect(second.first?.err3 == "0")
        #expect(second.first?.valid == true)
        #expect(try daemon.harness.events("SM2-004211").count == 1)
    }

    @Test func theSameControlIDWithOtherContentIsAConflictingDuplicate() throws {
        let daemon = try HL7Daemon()
        let original = try Self.exampleText("pcd01-status.hl7")
        let changed = original.replacingOccurrences(of: "SynchroMed II", with: "SynchroMed III")
        let acks = try daemon.sendRaw([Self.framed(original), Self.framed(changed)])
        #expect(acks.map { Self.msa($0).code } == ["AA", "AE"])
        #expect(acks.last.flatMap { Self.msa($0).err }?.contains("conflicting_duplicate") == true)
        let rejected = try daemon.harness.rejected()
        #expect(rejected.map(\.reason) == ["conflicting_duplicate"])
        #expect(try daemon.harness.events("SM2-004211").count == 1)
    }

    @Test func unmappableContentIsAEWithTheFieldAndQuarantinedRaw() throws {
        let daemon = try HL7Daemon()
        let withoutModel =
            try Self.exampleText("pcd01-status.hl7")
            .split(separator: "\r").filter { !$0.contains("MDC_ID_MODEL_NUMBER") }.joined(separator: "\r") + "\r"
        let acks = try daemon.sendRaw([Self.framed(withoutModel)])
        try #require(acks.count == 1)
        #expect(Self.msa(acks[0]).code == "AE")
        #expect(Self.msa(acks[0]).control == "MSG00017")
        #expect(Self.msa(acks[0]).err?.hasPrefix("ERR||OBX^1^3^1|101^") == true, "\(acks[0])")
        let rejected = try #require(try daemon.harness.rejected().first)
        #expect(rejected.reason == "missing_field")
        #expect(rejected.raw.hasPrefix("MSH|^~\\&|GATEWAY"))
        #expect(rejected.detail?.contains("MDC_ID_MODEL_NUMBER") == true)
    }

    @Test func anUnsupportedTypeOrVersionIsAR() throws {
        let daemon = try HL7Daemon()
        let status = try Self.exampleText("pcd01-status.hl7")
        let acks = try daemon.sendRaw([
            Self.framed(status.replacingOccurrences(of: "ORU^R01^ORU_R01", with: "ADT^A01^ADT_A01")),
            Self.framed(status.replacingOccurrences(of: "|P|2.6|", with: "|P|2.3|")),
        ])
        #expect(acks.map { Self.msa($0).code } == ["AR", "AR"])
        #expect(acks.first.flatMap { Self.msa($0).err }?.contains("|200^") == true)
        #expect(acks.last.flatMap { Self.msa($0).err }?.contains("|203^") == true)
    }

    @Test func badInputGetsItsDocumentedAnswersAndNothingCrashes() throws {
        let daemon = try HL7Daemon()
        let status = try Self.exampleText("pcd01-status.hl7")
        let escaped = status.replacingOccurrences(
            of: "|SynchroMed II|", with: "|Synchro\\F\\Med\\S\\II \\E\\ \\XC3A9\\|"
        )
        .replacingOccurrences(of: "MSG00017", with: "ESC1")
        var huge = Array(status.replacingOccurrences(of: "MSG00017", with: "HUGE1").utf8)
        huge += Array("NTE|1||".utf8) + Array(repeating: UInt8(ascii: "x"), count: 1_100_000) + [0x0D]
        let acks = try daemon.sendRaw([
            Array("MSH|^~\\&|unframed\r\n".utf8),  // outside any frame: dropped, no answer
            Self.framed("PID|1||x\r"),  // no MSH
            Self.framed("MSH|^~^&|GW|NORTHWING|||x||ORU^R01|ENC1|P|2.6\r"),  // wrong encoding characters
            Self.framed(status.replacingOccurrences(of: "MSG00017", with: "BIN1"))
                .map { $0 == UInt8(ascii: "y") ? 0xFF : $0 },  // "Synchro": not UTF-8 after MSH
            [0x0B] + huge + [0x1C, 0x0D],
            Self.framed(escaped),
        ])
        #expect(acks.map { Self.msa($0).code } == ["AE", "AE", "AE", "AE", "AA"], "\(acks)")
        #expect(acks.map { Self.msa($0).control } == ["", "ENC1", "BIN1", "HUGE1", "ESC1"], "\(acks)")
        let device = try daemon.harness.control(.init(op: .device, serial: "SM2-004211"), as: DeviceDetailDocument.self)
        #expect(device.result?.latestStatus?["model"]?.stringValue == "Synchro|Med^II \\ é")
        let reasons = try daemon.harness.rejected().map(\.reason)
        #expect(reasons.sorted() == ["frame_too_large", "invalid_field", "invalid_field", "missing_field"])
    }

    @Test func aStoreThatCannotBeWrittenIsARSoTheSenderRetries() throws {
        let daemon = try HL7Daemon()
        let store = daemon.harness.daemon.stateDirectory + "/pumpmond.sqlite"
        try #require(FileManager.default.fileExists(atPath: store), "no store at \(store)")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        let acks = try daemon.sendRaw([Self.framed(try Self.exampleText("pcd01-status.hl7"))])
        try #require(acks.count == 1)
        #expect(Self.msa(acks[0]).code == "AR")
        #expect(Self.msa(acks[0]).control == "MSG00017")
        #expect(Self.msa(acks[0]).err?.contains("|207^") == true, "\(acks[0])")
        #expect(Self.msa(acks[0]).err?.contains("storage_error") == true, "\(acks[0])")
    }

    @Test(arguments: ["0.0.0.0", "192.0.2.10"])
    func anHL7ListenerOffLoopbackWithoutTLSIsRefused(host: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try ProgramRun.run(
            BuiltProducts.path(of: "pumpmond"),
            ["--state-dir", directory.path + "/state", "--hl7-listen", "\(host):2575"])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--hl7-listen \(host):2575 is not a loopback address"), "\(run.stderr)")
        #expect(run.stderr.contains("--tls-cert FILE, --tls-key FILE and --tls-client-ca FILE"), "\(run.stderr)")
    }

    @Test func aMessageSplitAcrossManyReadsIsOneMessage() throws {
        let daemon = try HL7Daemon()
        let bytes = Self.framed(try Self.exampleText("pcd04-alert.hl7"))
        let chunks = stride(from: 0, to: bytes.count, by: 7).map { Array(bytes[$0..<min($0 + 7, bytes.count)]) }
        let acks = try daemon.sendRaw(chunks)
        #expect(acks.map { Self.msa($0).code } == ["AA"])
        #expect(try daemon.harness.events("SM2-004211").count == 1)
    }
}

/// Runs check_acks.py (python-hl7 and hl7apy) on ACK files.
enum PythonAcks {
    struct Checked: Sendable {
        var msa1: String
        var msa2: String
        var err3: String?
        var valid: Bool
        var error: String?
    }

    static func check(files: [String]) throws -> [Checked] {
        let script = BuiltProducts.packageRoot.appendingPathComponent("Tests/PumpHL7Tests/Python/check_acks.py").path
        let output = try ProgramRun.run(PythonEnvironment.python, [script] + files).stdout
        return output.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return nil
            }
            return Checked(
                msa1: object["msa1"] as? String ?? "", msa2: object["msa2"] as? String ?? "",
                err3: object["err3"] as? String, valid: object["valid"] as? Bool ?? false,
                error: object["error"] as? String)
        }
    }
}

/// The HL7 listener with the TCP ingest's mutual TLS and gateways file: a gateway's certificate
/// names it, and its serial allowance applies to HL7 messages as to protocol-v1 lines.
@Suite struct HL7MutualTLSTests {
    /// Sends MLLP frames as a TLS client (Python `ssl`) and prints the ACK frames it reads, at most
    /// one per frame sent.
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
                    while buf.count(b"\\x1c") < data.count(b"\\x1c"):
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        buf += chunk
                    sys.stdout.buffer.write(buf.replace(b"\\r", b"\\n"))
        except (ssl.SSLError, ConnectionError, OSError) as e:
            print("tls-failed:", e, file=sys.stderr)
            sys.exit(3)
        """

    static func status(serial: String, control: String) throws -> String {
        try HL7ListenerTests.exampleText("pcd01-status.hl7")
            .replacingOccurrences(of: "SM2-004211", with: serial).replacingOccurrences(of: "MSG00017", with: control)
    }

    @Test func aGatewayMayReportOverHL7OnlyForItsSerials() throws {
        let setup = try TemporaryDirectory(prefix: "pki")
        defer { setup.remove() }
        let pki = try TestPKI(in: setup.path, gateways: ["gateway-a"])
        let gateways = setup.path + "/gateways.json"
        try Data(
            #"{"gateways": {"gateway-a": {"fingerprint": "\#(try pki.fingerprint("gateway-a"))", "serials": ["SM2-A*"]}}}"#
                .utf8
        ).write(to: URL(fileURLWithPath: gateways))
        let port = try LineSocket.freeLoopbackPort()
        let harness = try DaemonHarness(extraArguments: [
            "--hl7-listen", "127.0.0.1:\(port)", "--tls-cert", pki.certificate("server"), "--tls-key",
            pki.key("server"), "--tls-client-ca", pki.caBundle, "--gateways", gateways,
        ])
        let frames = [
            try Self.status(serial: "SM2-A0001", control: "OWN1"),
            try Self.status(serial: "SM2-B0001", control: "OTHER1"),
        ].map { "\u{0B}" + $0 + "\u{1C}\r" }.joined()
        let run = try ProgramRun.run(
            "/usr/bin/env",
            [
                "python3", "-c", Self.pythonClient, "\(port)", pki.certificate("gateway-a"), pki.key("gateway-a"),
                pki.caBundle,
            ],
            input: frames)
        let msa = run.stdout.split(separator: "\n").filter { $0.hasPrefix("MSA|") }
        #expect(msa == ["MSA|AA|OWN1", "MSA|AE|OTHER1"], "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("not_authorized"), "\(run.stdout)")
        #expect(try harness.events("SM2-A0001").first?["source"] as? String == "gateway:gateway-a")
        #expect(try harness.rejected().map(\.reason) == ["not_authorized"])

        let anonymous = try ProgramRun.run(
            "/usr/bin/env", ["python3", "-c", Self.pythonClient, "\(port)", "-", "-", pki.caBundle],
            input: "\u{0B}" + (try Self.status(serial: "SM2-A0002", control: "ANON1")) + "\u{1C}\r")
        #expect(anonymous.status == 3, "\(anonymous.stdout) \(anonymous.stderr)")
        #expect(
            try harness.control(.init(op: .device, serial: "SM2-A0002"), as: DeviceDetailDocument.self).ok == false)
    }
}

/// An HL7 socket passed by systemd under the name `hl7` (`systemd-socket-activate` stands in for
/// it): on loopback it is served as plain MLLP.
@Suite struct ActivatedHL7SocketTests {
    @Test func aLoopbackSocketNamedHL7IsServedAsMLLP() throws {
        let directory = try TemporaryDirectory(prefix: "acth")
        defer { directory.remove() }
        #expect(FileManager.default.createFile(atPath: directory.path + "/stderr", contents: nil))
        let port = try LineSocket.freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ActivatedTCPSocketTests.activate)
        process.arguments = [
            "--fdname=ingest:control:hl7", "-l", directory.path + "/ingest.sock", "-l",
            directory.path + "/control.sock",
            "-l", "127.0.0.1:\(port)", BuiltProducts.path(of: "pumpmond"), "--state-dir", directory.path + "/state",
            "--initialize-store",
        ]
        var environment = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] { environment[key] = nil }
        process.environment = environment
        process.standardError = FileHandle(forWritingAtPath: directory.path + "/stderr") ?? FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        var connected: LineSocket?
        for _ in 0..<100 where connected == nil {
            connected = try? LineSocket(loopbackPort: port)
            if connected == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        let socket = try #require(connected)
        socket.setReceiveTimeout(seconds: 30)
        try socket.send(HL7ListenerTests.framed(try HL7ListenerTests.exampleText("pcd04-alert.hl7")))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(0x1C) {
            let n = buffer.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            received += buffer[..<n]
        }
        let stderr = String(
            decoding: FileManager.default.contents(atPath: directory.path + "/stderr") ?? Data(), as: UTF8.self)
        #expect(String(decoding: received, as: UTF8.self).contains("\rMSA|AA|ALR00042\r"), "\(stderr)")
    }
}

/// pumpsim's fleet as HL7 (`--format hl7`) and a daemon killed in the middle of it: every
/// acknowledged message is stored, and the records equal the ground truth, as over protocol v1.
@Suite struct HL7FleetTests {
    @Test func aFleetOverHL7LosesNothingAcknowledgedWhenTheDaemonIsKilledMidway() throws {
        let daemon = try HL7ListenerTests.HL7Daemon()
        let directory = daemon.harness.directory.path
        let output = directory + "/pumpsim.out"
        #expect(FileManager.default.createFile(atPath: output, contents: nil))
        let pumpsim = Process()
        pumpsim.executableURL = URL(fileURLWithPath: BuiltProducts.path(of: "pumpsim"))
        pumpsim.arguments = [
            "fleet", "--pumps", "\(FleetSize.pumps)", "--years", "1", "--status-every", "7d", "--seed", "15",
            "--fault-scale", "5",
            "--socket", "tcp:127.0.0.1:\(daemon.port)", "--control-socket", daemon.harness.daemon.controlSocket,
            "--format", "hl7", "--connections", "8", "--verify",
        ]
        pumpsim.standardOutput = FileHandle(forWritingAtPath: output)
        pumpsim.standardError = FileHandle(forWritingAtPath: output)
        try pumpsim.run()
        defer {
            if pumpsim.isRunning { kill(pumpsim.processIdentifier, SIGKILL) }
            pumpsim.waitUntilExit()
        }
        var killed = false
        for _ in 0..<600 where !killed && pumpsim.isRunning {
            let stored =
                (try? daemon.harness.control(.init(op: .status), as: DaemonStatusDocument.self).result?.messages) ?? 0
            if stored > 3000 {
                daemon.harness.daemon.crash()
                try daemon.harness.daemon.start()
                killed = true
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        #expect(killed, "the fleet ended before the crash point")
        for _ in 0..<2400 where pumpsim.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        let printed = String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self)
        #expect(!pumpsim.isRunning)
        #expect(pumpsim.terminationStatus == 0, "\(printed.suffix(3000))")
        #expect(printed.contains("verify:            0 acknowledged messages missing"), "\(printed.suffix(2000))")
        #expect(printed.contains("missed failures:   0"), "\(printed.suffix(2000))")
        #expect(printed.contains("RESULT: PASS"), "\(printed.suffix(2000))")
    }
}

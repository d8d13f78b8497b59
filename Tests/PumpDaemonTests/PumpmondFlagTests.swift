import Foundation
import PumpTesting
import Testing

/// `pumpmond`'s flags and configuration file: a value it cannot use is a usage error (64) that says
/// what is wrong, never a crash or a misleading message, and nothing is started.
@Suite struct PumpmondFlagTests {
    let pumpmond = BuiltProducts.path(of: "pumpmond")

    func run(_ arguments: [String], config: String? = nil) throws -> (run: ProgramRun, directory: TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        var arguments = ["--state-dir", directory.path + "/state"] + arguments
        if let config {
            let path = directory.path + "/config.json"
            try Data(config.utf8).write(to: URL(fileURLWithPath: path))
            arguments += ["--config", path]
        }
        return (try ProgramRun.run(pumpmond, arguments), directory)
    }

    @Test(arguments: [
        (["--stall-grace", "10000000000000"], "--stall-grace takes a whole number of seconds from 1 to 31536000"),
        (
            ["--mri-stall-grace", "9300000000000"],
            "--mri-stall-grace takes a whole number of seconds from 1 to 31536000"
        ),
        (["--stall-grace", "-1"], "not '-1'"),
        (["--stall-grace", "0"], "not '0'"),
        (["--stall-grace", "2h"], "not '2h'"),
    ])
    func outOfRangeGraceIsAUsageErrorNamingTheRange(arguments: [String], message: String) throws {
        let (run, directory) = try run(arguments)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/state"))
    }

    @Test func fractionalGraceInTheConfigurationFileSaysWhatIsWrong() throws {
        let (run, _) = try run([], config: #"{"stall_grace": 7200.5}"#)
        #expect(run.status == 64)
        #expect(run.stderr.contains("'stall_grace' in"), "\(run.stderr)")
        #expect(run.stderr.contains("not '7200.5'"), "\(run.stderr)")
        #expect(!run.stderr.contains("not valid JSON"), "\(run.stderr)")
    }

    @Test func wrongTypeInTheConfigurationFileNamesTheKey() throws {
        let (run, _) = try run([], config: #"{"listen": 7410}"#)
        #expect(run.status == 64)
        #expect(run.stderr.contains("'listen' in the configuration file"), "\(run.stderr)")
    }

    @Test func oneSocketPathForIngestAndControlIsRefused() throws {
        let (run, directory) = try run([
            "--ingest-socket", "/tmp/pumpmond-same.sock", "--control-socket", "/tmp/pumpmond-same.sock",
        ])
        #expect(run.status == 64)
        #expect(run.stderr.contains("the ingest and control sockets are both /tmp/pumpmond-same.sock"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/state"))
    }

    @Test(arguments: ["0.0.0.0", "192.0.2.10", "[::]"])
    func aNonLoopbackListenWithoutTLSIsRefusedNamingTheFlagsToAdd(host: String) throws {
        let (run, directory) = try run(["--listen", "\(host):7410"])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("is not a loopback address"), "\(run.stderr)")
        #expect(run.stderr.contains("--tls-cert FILE, --tls-key FILE and --tls-client-ca FILE"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/state"))
    }

    @Test func plainTCPOnLoopbackMustBeAskedForExplicitly() throws {
        let (run, directory) = try run(["--listen", "127.0.0.1:7410"])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("add --listen-plaintext"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/state"))
        let (configured, _) = try self.run([], config: #"{"listen": "[::1]:7410"}"#)
        #expect(configured.status == 64, "\(configured.stderr)")
        #expect(configured.stderr.contains("listen_plaintext"), "\(configured.stderr)")
    }

    @Test func tlsNeedsItsThreeFilesAndSaysWhichAreMissing() throws {
        let (run, _) = try run(["--listen", "0.0.0.0:7410", "--tls-cert", "/nonexistent/server.pem"])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("add --tls-key, --tls-client-ca"), "\(run.stderr)")
    }

    @Test func unreadableTLSFilesAreAConfigurationErrorNamingTheFile() throws {
        let (run, _) = try run([
            "--listen", "127.0.0.1:\(try LineSocket.freeLoopbackPort())", "--tls-cert", "/nonexistent/server.pem",
            "--tls-key", "/nonexistent/server.key",
            "--tls-client-ca", "/nonexistent/ca.pem",
        ])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("/nonexistent/server.pem (--tls-cert)"), "\(run.stderr)")
    }

    @Test func aGatewaysFileItCannotUseIsAConfigurationError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/gateways.json"
        try Data(#"{"gateways": {"a": {"serials": ["SM2-*"]}}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let (run, _) = try run(["--gateways", path])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("names no certificate"), "\(run.stderr)")
    }
}

import Foundation
import PumpTesting
import Testing

/// `pumpalert`'s flags, help and exit codes, as a process.
@Suite struct PumpalertCommandLineTests {
    static var executable: String { BuiltProducts.path(of: "pumpalert") }

    @Test func helpExplainsTheSendsTheConfigurationAndTheExitCodes() throws {
        let run = try ProgramRun.run(Self.executable, ["--help"])
        #expect(run.status == 0)
        for text in [
            "--alertmanager", "--alert-resend", "--resolved-resend", "--control-socket", "--config", "/api/v2/alerts",
            "Exit 64", "exit 78", "alert_resend",
        ] {
            #expect(run.stdout.contains(text), "help lacks \(text)")
        }
    }

    @Test(arguments: [
        ["--no-such-flag"], [], ["--alertmanager", "ftp://x"],
        ["--alertmanager", "http://a:9093", "--alert-resend", "0"],
    ])
    func aBadCommandLineExits64(arguments: [String]) throws {
        let run = try ProgramRun.run(Self.executable, arguments)
        #expect(run.status == 64, "\(run.stderr)")
    }

    @Test func aBadConfigurationFileExits78WithWhatToFix() throws {
        let directory = try TemporaryDirectory(prefix: "pmcl")
        defer { directory.remove() }
        let path = directory.file("alert.json")
        try "{\"alertmanager\": [\"http://a:9093\"], \"resend\": 5}".write(
            toFile: path, atomically: true, encoding: .utf8)
        let run = try ProgramRun.run(Self.executable, ["--config", path])
        #expect(run.status == 78)
        #expect(run.stderr.contains("unknown key 'resend'"), "\(run.stderr)")
        let missing = try ProgramRun.run(Self.executable, ["--config", directory.file("none.json")])
        #expect(missing.status == 78)
        try "{\"control_socket\": \"/x.sock\"}".write(toFile: path, atomically: true, encoding: .utf8)
        let noAlertmanager = try ProgramRun.run(Self.executable, ["--config", path])
        #expect(noAlertmanager.status == 78)
        #expect(noAlertmanager.stderr.contains("no Alertmanager"), "\(noAlertmanager.stderr)")
    }
}

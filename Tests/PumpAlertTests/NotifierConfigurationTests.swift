import Foundation
import PumpAlertKit
import PumpTesting
import Testing

@Suite struct NotifierConfigurationTests {
    @Test func theFileSetsEveryKeyAndFlagsAreCheckedForMeaning() throws {
        let directory = try TemporaryDirectory(prefix: "pmac")
        defer { directory.remove() }
        let path = directory.file("alert.json")
        try """
        {"control_socket": "/run/x.sock", "alertmanager": ["http://10.0.0.5:9093/", "http://10.0.0.6:9093/am"],
         "alert_resend": 30, "resolved_resend": 600, "send_timeout": 3}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try NotifierConfigFile.load(path: path).applied(to: NotifierConfiguration()).validated()
        #expect(configuration.controlSocket == "/run/x.sock")
        #expect(
            configuration.alertsEndpoints == [
                "http://10.0.0.5:9093/api/v2/alerts", "http://10.0.0.6:9093/am/api/v2/alerts",
            ])
        #expect(configuration.alertResend == .seconds(30))
        #expect(configuration.resolvedResend == .seconds(600))
        #expect(configuration.sendTimeout == .seconds(3))
    }

    @Test(arguments: [
        ("{\"alertmanagers\": []}", "unknown key 'alertmanagers'"),
        ("{\"alertmanager\": \"http://a:9093\"}", "'alertmanager' in the configuration file"),
        ("{\"alert_resend\": 0}", "'alert_resend' in"),
        ("[1]", "is not a JSON object"),
    ])
    func aBadFileSaysWhichKeyToFix(text: String, message: String) throws {
        let directory = try TemporaryDirectory(prefix: "pmac")
        defer { directory.remove() }
        let path = directory.file("alert.json")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: NotifierConfigurationError.self) { try NotifierConfigFile.load(path: path) }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }

    @Test(arguments: [
        ([], "no Alertmanager"),
        (["ftp://a:9093"], "not an Alertmanager base URL"),
        (["http://a:9093?x=1"], "not an Alertmanager base URL"),
        (["http://a:9093", "http://a:9093"], "named twice"),
    ])
    func aConfigurationWithoutAUsableAlertmanagerIsRefused(urls: [String], message: String) {
        var configuration = NotifierConfiguration()
        configuration.alertmanagers = urls
        let error = #expect(throws: NotifierConfigurationError.self) { try configuration.validated() }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }
}

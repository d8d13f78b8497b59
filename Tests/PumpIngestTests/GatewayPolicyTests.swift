import Foundation
import PumpIngest
import Testing

/// The gateways file's matcher: who a sender is and which serials it may report for. Pure: no
/// sockets, no certificates.
@Suite struct GatewayPolicyTests {
    struct PatternRow: CustomTestStringConvertible, Sendable {
        let pattern: String
        let serial: String
        let matches: Bool
        var testDescription: String { "\(pattern) \(matches ? "matches" : "does not match") \(serial)" }
    }

    @Test(arguments: [
        PatternRow(pattern: "SM2-*", serial: "SM2-004211", matches: true),
        PatternRow(pattern: "SM2-*", serial: "SM2-", matches: true),
        PatternRow(pattern: "SM2-*", serial: "IT3-004211", matches: false),
        PatternRow(pattern: "SM2-*", serial: "sm2-004211", matches: false),
        PatternRow(pattern: "SM2-004211", serial: "SM2-004211", matches: true),
        PatternRow(pattern: "SM2-004211", serial: "SM2-0042110", matches: false),
        PatternRow(pattern: "*-0042*", serial: "SM2-004211", matches: true),
        PatternRow(pattern: "*-0042*", serial: "SM2-005211", matches: false),
        PatternRow(pattern: "*11", serial: "SM2-004211", matches: true),
        PatternRow(pattern: "S*2*1", serial: "SM2-004211", matches: true),
        PatternRow(pattern: "S*2*1", serial: "SM2-004212", matches: false),
        PatternRow(pattern: "*", serial: "ANY-1", matches: true),
        PatternRow(pattern: "AB*AB", serial: "AB", matches: false),
    ])
    func serialPatternsMatchWholeSerialsWithStarsForAnyRun(row: PatternRow) {
        #expect(SerialPattern(row.pattern).matches(row.serial) == row.matches)
    }

    static let fileText = """
        {"gateways": {
            "north": {"fingerprint": "\(String(repeating: "AB:", count: 31))AB", "serials": ["SM2-*"]},
            "south": {"subject": "gw-south", "serials": ["IT3-000*", "IT3-9"]},
            "east": {"san": "east.example", "subject": "gw-east", "serials": []}
         },
         "unix": {"1001": {"serials": ["SM2-0000*"]}},
         "revoked": ["\(String(repeating: "cd", count: 32))"]}
        """

    static func policy() throws -> GatewayPolicy {
        try GatewayPolicy.parse(Data(fileText.utf8), path: "gateways.json")
    }

    @Test func aGatewayIsRecognisedByFingerprintWhateverItsSpelling() throws {
        let north = CertificateIdentity(fingerprint: String(repeating: "ab", count: 32))
        let authorization = try Self.policy().authorize(.certificate(north))
        #expect(authorization.source == "gateway:north")
        #expect(authorization.allowance.allows("SM2-004211"))
        #expect(!authorization.allowance.allows("IT3-000001"))
        #expect(!authorization.revoked)
    }

    @Test func aGatewayIsRecognisedBySubjectOrSANAndEveryGivenFieldMustMatch() throws {
        let policy = try Self.policy()
        let south = CertificateIdentity(
            fingerprint: String(repeating: "01", count: 32), subjectCommonNames: ["gw-south"])
        #expect(policy.authorize(.certificate(south)).source == "gateway:south")
        #expect(policy.authorize(.certificate(south)).allowance.allows("IT3-000042"))
        #expect(policy.authorize(.certificate(south)).allowance.allows("IT3-9"))
        #expect(!policy.authorize(.certificate(south)).allowance.allows("IT3-90"))
        let eastWithoutSubject = CertificateIdentity(
            fingerprint: String(repeating: "02", count: 32), subjectCommonNames: ["other"], dnsNames: ["east.example"])
        #expect(policy.authorize(.certificate(eastWithoutSubject)).source != "gateway:east")
        let east = CertificateIdentity(
            fingerprint: String(repeating: "02", count: 32), subjectCommonNames: ["gw-east"], dnsNames: ["east.example"]
        )
        #expect(policy.authorize(.certificate(east)).source == "gateway:east")
        #expect(!policy.authorize(.certificate(east)).allowance.allows("SM2-004211"))
    }

    @Test func aCertificateTheFileDoesNotNameIsKnownByFingerprintAndMayReportForNothing() throws {
        let stranger = CertificateIdentity(fingerprint: String(repeating: "0f", count: 32))
        let authorization = try Self.policy().authorize(.certificate(stranger))
        #expect(authorization.source == "sha256:" + String(repeating: "0f", count: 32))
        #expect(!authorization.allowance.allows("SM2-004211"))
    }

    @Test func withoutAFileEveryCertificateMayReportForAnySerial() {
        let stranger = CertificateIdentity(fingerprint: String(repeating: "0f", count: 32))
        let authorization = GatewayPolicy.open.authorize(.certificate(stranger))
        #expect(authorization.source == "sha256:" + String(repeating: "0f", count: 32))
        #expect(authorization.allowance.allows("SM2-004211"))
    }

    @Test func aRevokedFingerprintIsRevokedEvenForANamedGateway() throws {
        var policy = try Self.policy()
        let revoked = CertificateIdentity(fingerprint: String(repeating: "cd", count: 32))
        #expect(policy.authorize(.certificate(revoked)).revoked)
        policy.revoked.insert(String(repeating: "ab", count: 32))
        #expect(
            policy.authorize(.certificate(CertificateIdentity(fingerprint: String(repeating: "ab", count: 32)))).revoked
        )
    }

    @Test func unixUsersAreLimitedOnlyWhenTheFileNamesThem() throws {
        let policy = try Self.policy()
        let named = policy.authorize(.unixUser(uid: 1001))
        #expect(named.source == "unix:1001")
        #expect(named.allowance.allows("SM2-000042"))
        #expect(!named.allowance.allows("SM2-004211"))
        let other = policy.authorize(.unixUser(uid: 1002))
        #expect(other.source == "unix:1002")
        #expect(other.allowance.allows("SM2-004211"))
        #expect(policy.authorize(.loopbackPlaintext(address: "127.0.0.1")).source == "tcp:127.0.0.1")
    }

    @Test(arguments: [
        (#"{"gateway": {}}"#, "unknown key 'gateway'"),
        (#"{"gateways": {"a": {"serials": ["X*"]}}}"#, "gateway 'a' in gateways.json names no certificate"),
        (#"{"gateways": {"a": {"fingerprint": "12:34", "serials": []}}}"#, "64 hex digits"),
        (#"{"gateways": {"a": {"subject": "a"}}}"#, "'serials' must be a list"),
        (#"{"unix": {"root": {"serials": []}}}"#, "the key must be a numeric uid"),
        (#"{"revoked": ["zz"]}"#, "not a SHA-256 fingerprint"),
        ("[1]", "is not a JSON object"),
    ])
    func aFileItCannotUseSaysWhatIsWrong(text: String, message: String) {
        #expect {
            try GatewayPolicy.parse(Data(text.utf8), path: "gateways.json")
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}

import Foundation

/// Certificates for mutual-TLS tests, made at test time with the `openssl` command: a CA, the
/// server (CN and SAN `localhost`, IP 127.0.0.1), gateways signed by the CA, an expired one, and
/// one from another CA. EC P-256 keys, so that making them takes milliseconds.
package struct TestPKI: Sendable {
    /// Where the files are: `NAME.pem` and `NAME.key` for each certificate, `ca.pem` the CA.
    package let directory: String

    /// Makes the CA, the server certificate, and `gateways` signed by the CA (subject CN and DNS
    /// SAN `NAME.example`), plus `expired` (validity in 2020) and `foreign` (from another CA).
    package init(in directory: String, gateways: [String] = ["gateway-a", "gateway-b"]) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try makeCA("ca", subject: "pumpmond test CA")
        try makeCA("other-ca", subject: "some other CA")
        try issue(
            "server", by: "ca", extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth")
        for name in gateways { try issueGateway(name) }
        try issueGateway("foreign", by: "other-ca")
        try issueExpired("expired")
    }

    /// The PEM certificate of `name`.
    package func certificate(_ name: String) -> String { "\(directory)/\(name).pem" }
    /// The PEM private key of `name`.
    package func key(_ name: String) -> String { "\(directory)/\(name).key" }
    /// The CA bundle gateways' certificates chain to.
    package var caBundle: String { certificate("ca") }

    /// A gateway certificate signed by `ca` (CN `name`, DNS SAN `name.example`, client auth).
    package func issueGateway(_ name: String, by ca: String = "ca") throws {
        try issue(name, by: ca, extensions: "subjectAltName=DNS:\(name).example\nextendedKeyUsage=clientAuth")
    }

    /// The SHA-256 fingerprint of `name`'s certificate as `openssl x509 -fingerprint` prints it
    /// (`AB:CD:…`).
    package func fingerprint(_ name: String) throws -> String {
        let run = try openssl(["x509", "-noout", "-fingerprint", "-sha256", "-in", certificate(name)])
        guard let value = run.split(separator: "=").last else { throw PKIError("no fingerprint in \(run)") }
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func makeCA(_ name: String, subject: String) throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key(name),
            "-out", certificate(name), "-subj", "/CN=\(subject)", "-days", "3",
        ])
    }

    private func request(_ name: String) throws {
        try openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key(name),
            "-out", "\(directory)/\(name).csr", "-subj", "/CN=\(name)",
        ])
    }

    private func issue(_ name: String, by ca: String, extensions: String) throws {
        try request(name)
        let extfile = "\(directory)/\(name).ext"
        try Data((extensions + "\nbasicConstraints=CA:FALSE\n").utf8).write(to: URL(fileURLWithPath: extfile))
        try openssl([
            "x509", "-req", "-in", "\(directory)/\(name).csr", "-CA", certificate(ca), "-CAkey", key(ca),
            "-CAcreateserial", "-out", certificate(name), "-days", "2", "-extfile", extfile, "-sha256",
        ])
    }

    /// A gateway certificate from the CA whose validity ended in 2020 (`openssl ca` takes explicit dates).
    private func issueExpired(_ name: String) throws {
        try request(name)
        let ca = "\(directory)/expired-ca"
        try FileManager.default.createDirectory(atPath: ca, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: "\(ca)/index.txt"))
        try Data("1000\n".utf8).write(to: URL(fileURLWithPath: "\(ca)/serial"))
        let config = """
            [ca]
            default_ca = test
            [test]
            database = \(ca)/index.txt
            new_certs_dir = \(ca)
            serial = \(ca)/serial
            default_md = sha256
            policy = anything
            x509_extensions = gateway
            [anything]
            commonName = supplied
            [gateway]
            basicConstraints = CA:FALSE
            extendedKeyUsage = clientAuth
            subjectAltName = DNS:\(name).example
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: "\(ca)/ca.cnf"))
        try openssl([
            "ca", "-batch", "-config", "\(ca)/ca.cnf", "-cert", certificate("ca"), "-keyfile", key("ca"), "-in",
            "\(directory)/\(name).csr", "-out", certificate(name), "-startdate", "20200101000000Z", "-enddate",
            "20200102000000Z", "-notext",
        ])
    }

    @discardableResult
    private func openssl(_ arguments: [String]) throws -> String {
        let run = try ProgramRun.run(Self.opensslPath, arguments)
        guard run.status == 0 else {
            throw PKIError("openssl \(arguments.joined(separator: " ")) failed (\(run.status)): \(run.stderr)")
        }
        return run.stdout
    }

    /// The `openssl` command.
    package static var opensslPath: String {
        ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? "/usr/bin/openssl"
    }
}

/// A certificate the test could not make.
package struct PKIError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

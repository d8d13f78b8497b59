import NIOSSL
import PumpIngest
import PumpStore

/// The files of the TCP listener's mutual TLS: the server's certificate chain and key, and the
/// bundle of CAs whose certificates gateways must present (PEM files).
package struct TLSFiles: Sendable, Hashable {
    /// The server's certificate, then any intermediates (PEM).
    package var certificateChain: String
    /// The server certificate's private key (PEM).
    package var privateKey: String
    /// The CA certificates a gateway's client certificate must chain to (PEM, one or more).
    package var clientCA: String

    package init(certificateChain: String, privateKey: String, clientCA: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.clientCA = clientCA
    }
}

/// Why the TLS settings cannot be used, naming the file and the flag that sets it.
package struct TLSSetupError: Error, CustomStringConvertible, Sendable {
    package var description: String
}

/// Builds the server side of mutual TLS with swift-nio-ssl: TLS 1.2 at least (1.3 preferred, as
/// BoringSSL negotiates it first), a client certificate required and verified against the
/// client-CA bundle (chain and validity dates; no host name, gateways have none to check).
enum TLSServerContext {
    static func make(_ files: TLSFiles) throws(TLSSetupError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        let roots: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateChain)
        } catch {
            throw TLSSetupError(
                description: "cannot read the server certificate \(files.certificateChain) (--tls-cert): \(error)")
        }
        do {
            key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
        } catch {
            throw TLSSetupError(description: "cannot read the server key \(files.privateKey) (--tls-key): \(error)")
        }
        do {
            roots = try NIOSSLCertificate.fromPEMFile(files.clientCA)
        } catch {
            throw TLSSetupError(
                description: "cannot read the client-CA bundle \(files.clientCA) (--tls-client-ca): \(error)")
        }
        guard !chain.isEmpty else {
            throw TLSSetupError(
                description: "the server certificate file \(files.certificateChain) holds no certificate")
        }
        guard !roots.isEmpty else {
            throw TLSSetupError(description: "the client-CA bundle \(files.clientCA) holds no certificate")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .noHostnameVerification
        configuration.trustRoots = .certificates(roots)
        configuration.sendCANameList = true
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError(
                description: "cannot use the server certificate \(files.certificateChain) with the key "
                    + "\(files.privateKey): \(error)")
        }
    }
}

extension CertificateIdentity {
    /// What a verified client certificate says: its SHA-256 fingerprint, subject common names and
    /// DNS alternative names.
    init(_ certificate: NIOSSLCertificate) throws {
        let hex = SHA256.hex(of: try certificate.toDERBytes())
        let names = certificate.subjectName.filter { $0.type == .commonName }.map(\.value)
        var dns: [String] = []
        for name in certificate._subjectAlternativeNames() where name.nameType == .dnsName {
            dns.append(name.contents.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) })
        }
        self.init(fingerprint: hex, subjectCommonNames: names, dnsNames: dns)
    }
}

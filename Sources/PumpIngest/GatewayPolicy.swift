import Foundation

/// Who sent an ingest connection's lines, as the transport proved it.
package enum Sender: Sendable, Hashable {
    /// A TLS peer whose client certificate chains to the client-CA bundle.
    case certificate(CertificateIdentity)
    /// A Unix-socket peer, by the uid the kernel reports (`SO_PEERCRED`).
    case unixUser(uid: UInt32)
    /// A plain-text TCP peer on loopback (`--listen-plaintext`): nothing proves who it is.
    case loopbackPlaintext(address: String)
    /// A peer the transport could not identify (a Unix socket without `SO_PEERCRED`).
    case unknown
}

/// What a gateway's client certificate says about it.
package struct CertificateIdentity: Sendable, Hashable {
    /// SHA-256 of the DER certificate, lowercase hex without separators.
    package var fingerprint: String
    /// The subject's common names.
    package var subjectCommonNames: [String]
    /// The DNS names of the subject alternative name extension.
    package var dnsNames: [String]

    package init(fingerprint: String, subjectCommonNames: [String] = [], dnsNames: [String] = []) {
        self.fingerprint = fingerprint
        self.subjectCommonNames = subjectCommonNames
        self.dnsNames = dnsNames
    }
}

/// A serial pattern of the gateways file: `*` stands for any run of characters (also none), every
/// other character for itself, case-sensitive like serials: `SM2-*`, `*-0042*`, `SM2-004211`.
package struct SerialPattern: Sendable, Hashable, CustomStringConvertible {
    private let pieces: [Substring]
    package let description: String

    package init(_ text: String) {
        description = text
        pieces = text.split(separator: "*", omittingEmptySubsequences: false)
    }

    /// Whether `serial` matches the whole pattern.
    package func matches(_ serial: String) -> Bool {
        guard pieces.count > 1 else { return serial == description }
        var rest = Substring(serial)
        guard let first = pieces.first, rest.hasPrefix(first) else { return false }
        rest = rest.dropFirst(first.count)
        guard let last = pieces.last, rest.count >= last.count else { return false }
        let tail = rest.suffix(last.count)
        guard tail == last else { return false }
        rest = rest.dropLast(last.count)
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = rest.firstRange(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }
}

/// The serials a sender may report for.
package enum Allowance: Sendable, Hashable {
    /// Any serial: no gateways file, a Unix user it does not name, or a loopback plain-text peer.
    case any
    /// Only serials matching one of the patterns (none: nothing).
    case serials([SerialPattern])

    package func allows(_ serial: String) -> Bool {
        switch self {
        case .any: true
        case .serials(let patterns): patterns.contains { $0.matches(serial) }
        }
    }
}

/// A sender as the gateways file sees it: the name stored with its messages and what it may send.
package struct Authorization: Sendable, Hashable {
    /// `gateway:NAME`, `sha256:FINGERPRINT` (a certificate the file does not name), `unix:UID`,
    /// `tcp:ADDRESS` (loopback plain text); stored with every message and quarantined line.
    package var source: String?
    /// The serials it may report for.
    package var allowance: Allowance
    /// The certificate's fingerprint is on the revocation list: the connection is refused.
    package var revoked: Bool
}

/// The gateways file (`--gateways FILE`): which gateway certificates and Unix users may report
/// for which serials, and which certificates are revoked. Without one, every sender that gets
/// through the transport may report for any pump (the behaviour before the file existed).
package struct GatewayPolicy: Sendable, Hashable {
    /// One named gateway: how its certificate is recognised, and its serials.
    package struct Gateway: Sendable, Hashable {
        package var name: String
        /// Lowercase hex SHA-256 of the DER certificate, when the file names it.
        package var fingerprint: String?
        /// A subject common name the certificate must carry.
        package var subject: String?
        /// A DNS subject alternative name the certificate must carry.
        package var san: String?
        package var serials: [SerialPattern]

        /// Whether `identity` is this gateway: every field the file gives must match.
        func recognises(_ identity: CertificateIdentity) -> Bool {
            if let fingerprint, fingerprint != identity.fingerprint { return false }
            if let subject, !identity.subjectCommonNames.contains(subject) { return false }
            if let san, !identity.dnsNames.contains(san) { return false }
            return true
        }
    }

    /// Gateways in the file's order of names (sorted), the first that recognises a certificate wins.
    package var gateways: [Gateway]
    /// Unix users given allowances; a uid not named may report for any serial (the socket's group decides).
    package var unixUsers: [UInt32: [SerialPattern]]
    /// Revoked certificate fingerprints (lowercase hex).
    package var revoked: Set<String>
    /// Whether a file was read: with one, a certificate it does not name may report for nothing.
    package var fromFile: Bool

    /// No gateways file: every sender may report for any serial.
    package static let open = GatewayPolicy(gateways: [], unixUsers: [:], revoked: [], fromFile: false)

    package init(gateways: [Gateway], unixUsers: [UInt32: [SerialPattern]], revoked: Set<String>, fromFile: Bool) {
        self.gateways = gateways
        self.unixUsers = unixUsers
        self.revoked = revoked
        self.fromFile = fromFile
    }

    /// What `sender` is called and may do under this policy.
    package func authorize(_ sender: Sender) -> Authorization {
        switch sender {
        case .certificate(let identity):
            let revoked = revoked.contains(identity.fingerprint)
            if let gateway = gateways.first(where: { $0.recognises(identity) }) {
                return Authorization(
                    source: "gateway:\(gateway.name)", allowance: .serials(gateway.serials), revoked: revoked)
            }
            return Authorization(
                source: "sha256:\(identity.fingerprint)", allowance: fromFile ? .serials([]) : .any, revoked: revoked)
        case .unixUser(let uid):
            return Authorization(
                source: "unix:\(uid)", allowance: unixUsers[uid].map(Allowance.serials) ?? .any, revoked: false)
        case .loopbackPlaintext(let address):
            return Authorization(source: "tcp:\(address)", allowance: .any, revoked: false)
        case .unknown:
            return Authorization(source: nil, allowance: .any, revoked: false)
        }
    }

    /// A fingerprint as operators copy it (`openssl x509 -fingerprint -sha256` prints
    /// `AB:CD:...`): colons and case do not matter; nil unless it is 64 hex digits.
    package static func normalizedFingerprint(_ text: String) -> String? {
        let hex = text.lowercased().filter { $0 != ":" }
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else { return nil }
        return hex
    }
}

import Foundation

/// Why a gateways file cannot be used, naming the file and what to change.
package struct GatewayFileError: Error, CustomStringConvertible, Sendable {
    package var description: String
    init(_ description: String) { self.description = description }
}

extension GatewayPolicy {
    /// Reads a gateways file (format in README.md, "Gateways and authorization"):
    ///
    /// ```json
    /// {"gateways": {"clinic-north": {"fingerprint": "AB:CD:…", "serials": ["SM2-*"]},
    ///               "clinic-south": {"subject": "gw-south.example", "serials": ["IT3-*"]}},
    ///  "unix": {"1001": {"serials": ["SM2-0000*"]}},
    ///  "revoked": ["12:34:…"]}
    /// ```
    ///
    /// Loaded strictly: an unknown key, a gateway with neither `fingerprint`, `subject` nor `san`,
    /// a malformed fingerprint or a uid that is not a number is an error.
    package static func load(path: String) throws(GatewayFileError) -> GatewayPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatewayFileError("cannot read the gateways file \(path)")
        }
        return try parse(data, path: path)
    }

    /// Parses a gateways file's bytes; `path` names it in errors.
    package static func parse(_ data: Data, path: String) throws(GatewayFileError) -> GatewayPolicy {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw GatewayFileError("the gateways file \(path) is not a JSON object")
        }
        try known(object, ["gateways", "unix", "revoked"], in: "the gateways file \(path)")
        var gateways: [Gateway] = []
        let named = try table(object["gateways"], "gateways", path)
        for name in named.keys.sorted() {
            let place = "gateway '\(name)' in \(path)"
            guard let entry = named[name] as? [String: Any] else { throw GatewayFileError("\(place) is not an object") }
            try known(entry, ["fingerprint", "subject", "san", "serials"], in: place)
            var gateway = Gateway(
                name: name, fingerprint: nil, subject: try string(entry["subject"], "subject", place),
                san: try string(entry["san"], "san", place), serials: try serials(entry["serials"], place))
            if let text = try string(entry["fingerprint"], "fingerprint", place) {
                guard let fingerprint = normalizedFingerprint(text) else {
                    throw GatewayFileError(
                        "\(place): 'fingerprint' must be the certificate's SHA-256, 64 hex digits (colons allowed), "
                            + "as `openssl x509 -noout -fingerprint -sha256 -in CERT` prints it")
                }
                gateway.fingerprint = fingerprint
            }
            guard gateway.fingerprint != nil || gateway.subject != nil || gateway.san != nil else {
                throw GatewayFileError("\(place) names no certificate: give 'fingerprint', 'subject' or 'san'")
            }
            gateways.append(gateway)
        }
        var unixUsers: [UInt32: [SerialPattern]] = [:]
        for (key, value) in try table(object["unix"], "unix", path) {
            let place = "unix user '\(key)' in \(path)"
            guard let uid = UInt32(key) else { throw GatewayFileError("\(place): the key must be a numeric uid") }
            guard let entry = value as? [String: Any] else { throw GatewayFileError("\(place) is not an object") }
            try known(entry, ["serials"], in: place)
            unixUsers[uid] = try serials(entry["serials"], place)
        }
        var revoked: Set<String> = []
        if let list = object["revoked"] {
            guard let texts = list as? [String] else {
                throw GatewayFileError("'revoked' in \(path) must be a list of certificate fingerprints")
            }
            for text in texts {
                guard let fingerprint = normalizedFingerprint(text) else {
                    throw GatewayFileError("'revoked' in \(path) holds '\(text)', which is not a SHA-256 fingerprint")
                }
                revoked.insert(fingerprint)
            }
        }
        return GatewayPolicy(gateways: gateways, unixUsers: unixUsers, revoked: revoked, fromFile: true)
    }

    private static func known(_ object: [String: Any], _ keys: Set<String>, in place: String) throws(GatewayFileError) {
        if let unknown = object.keys.sorted().first(where: { !keys.contains($0) }) {
            throw GatewayFileError(
                "unknown key '\(unknown)' in \(place); known keys: \(keys.sorted().joined(separator: ", "))")
        }
    }

    private static func table(_ value: Any?, _ key: String, _ path: String) throws(GatewayFileError) -> [String: Any] {
        guard let value else { return [:] }
        guard let table = value as? [String: Any] else {
            throw GatewayFileError("'\(key)' in the gateways file \(path) must be an object")
        }
        return table
    }

    private static func string(_ value: Any?, _ key: String, _ place: String) throws(GatewayFileError) -> String? {
        guard let value else { return nil }
        guard let text = value as? String, !text.isEmpty else {
            throw GatewayFileError("\(place): '\(key)' must be a non-empty string")
        }
        return text
    }

    private static func serials(_ value: Any?, _ place: String) throws(GatewayFileError) -> [SerialPattern] {
        guard let texts = value as? [String] else {
            throw GatewayFileError("\(place): 'serials' must be a list of serial patterns such as \"SM2-*\"")
        }
        return texts.map(SerialPattern.init)
    }
}

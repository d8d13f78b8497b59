import Foundation

/// What `pumpalert` needs to run, every field with a default but the Alertmanagers. Built from the
/// `--config` file (``NotifierConfigFile``) and the flags, then checked by ``validated()``.
package struct NotifierConfiguration: Sendable, Hashable {
    /// The daemon's control socket, where the watch stream comes from.
    package var controlSocket = "/run/pumpmond/control.sock"
    /// The base URL of every Alertmanager (`http://host:9093`, or with its route prefix); each one
    /// gets every send (an HA pair gets both). At least one.
    package var alertmanagers: [String] = []
    /// How often every firing alert is sent again; `endsAt` is four of these ahead.
    package var alertResend: Duration = .seconds(60)
    /// How long a resolved alert is sent again after it was resolved.
    package var resolvedResend: Duration = .seconds(15 * 60)
    /// How long one post to one Alertmanager may take before it counts as failed.
    package var sendTimeout: Duration = .seconds(10)
    /// The longest wait between two attempts to reach the daemon (the wait doubles from 100 ms up to this).
    package var reconnectMax: Duration = .seconds(10)

    package init() {}

    /// The API v2 alerts endpoint of each Alertmanager.
    package var alertsEndpoints: [String] {
        alertmanagers.map { base in
            var trimmed = Substring(base)
            while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
            return trimmed + "/api/v2/alerts"
        }
    }

    /// The configuration, or why it cannot run (in the terms of the keys and flags).
    package func validated() throws(NotifierConfigurationError) -> NotifierConfiguration {
        if controlSocket.isEmpty { throw .init("the control socket path is empty (control_socket, --control-socket)") }
        if alertmanagers.isEmpty {
            throw .init(
                "no Alertmanager to send to: pass --alertmanager URL (e.g. http://127.0.0.1:9093) or set "
                    + "'alertmanager' in the --config file")
        }
        for url in alertmanagers {
            guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty,
                parsed.query == nil, parsed.fragment == nil
            else {
                throw .init(
                    "'\(url)' is not an Alertmanager base URL: give http(s)://HOST:PORT, optionally with "
                        + "Alertmanager's route prefix (e.g. http://10.0.0.5:9093)")
            }
        }
        if Set(alertmanagers).count != alertmanagers.count {
            throw .init("an Alertmanager is named twice: \(alertmanagers.joined(separator: ", "))")
        }
        return self
    }
}

/// A configuration that cannot run: what is wrong, and which key or flag to fix.
package struct NotifierConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) { self.description = description }
}

/// The `--config` file: a JSON object with any of these keys (unknown keys are an error).
///
/// - `control_socket`: the daemon's control socket (default `/run/pumpmond/control.sock`);
/// - `alertmanager`: a list of Alertmanager base URLs, each gets every send;
/// - `alert_resend`: seconds between two sends of every firing alert (1 to 3600, default 60);
/// - `resolved_resend`: seconds a resolved alert is sent again (0 to 86400, default 900);
/// - `send_timeout`: seconds one post may take (1 to 300, default 10).
package struct NotifierConfigFile: Decodable, Sendable, Hashable {
    package var controlSocket: String?
    package var alertmanager: [String]?
    package var alertResend: Int?
    package var resolvedResend: Int?
    package var sendTimeout: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case controlSocket = "control_socket"
        case alertmanager
        case alertResend = "alert_resend"
        case resolvedResend = "resolved_resend"
        case sendTimeout = "send_timeout"
    }

    /// The ranges of the interval keys and flags, in seconds.
    package static let alertResendRange = 1...3600
    package static let resolvedResendRange = 0...86_400
    package static let sendTimeoutRange = 1...300

    package init() {}

    /// Reads the file strictly: a JSON object, known keys only, each of its type and range.
    package static func load(path: String) throws(NotifierConfigurationError) -> NotifierConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .init("cannot read the configuration file \(path) (does it exist, may this user read it?)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .init("the configuration file \(path) is not a JSON object")
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .init("unknown key '\(unknown)' in \(path); known keys: \(known.sorted().joined(separator: ", "))")
        }
        let file: NotifierConfigFile
        do {
            file = try JSONDecoder().decode(NotifierConfigFile.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .init("'\(key)' in the configuration file \(path) has a value of the wrong type")
        } catch {
            throw .init("the configuration file \(path) cannot be read: \(error)")
        }
        let ranges: [(String, Int?, ClosedRange<Int>)] = [
            ("alert_resend", file.alertResend, alertResendRange),
            ("resolved_resend", file.resolvedResend, resolvedResendRange),
            ("send_timeout", file.sendTimeout, sendTimeoutRange),
        ]
        for (key, value, range) in ranges {
            if let value, !range.contains(value) {
                throw .init(
                    "'\(key)' in \(path) takes whole seconds from \(range.lowerBound) to \(range.upperBound), not \(value)"
                )
            }
        }
        return file
    }

    /// The file's values over the defaults.
    package func applied(to base: NotifierConfiguration) -> NotifierConfiguration {
        var configuration = base
        if let controlSocket { configuration.controlSocket = controlSocket }
        if let alertmanager { configuration.alertmanagers = alertmanager }
        if let alertResend { configuration.alertResend = .seconds(alertResend) }
        if let resolvedResend { configuration.resolvedResend = .seconds(resolvedResend) }
        if let sendTimeout { configuration.sendTimeout = .seconds(sendTimeout) }
        return configuration
    }
}

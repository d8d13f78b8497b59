import Foundation
import PumpControlProtocol

/// The notifier's memory: which alerts fire, which were resolved lately, and what to send when.
/// Pure (no I/O, no clock of its own): every change takes the current time and returns the
/// alerts to post at once, so the rules are tested without sleeps or sockets.
///
/// The rules are Prometheus': a new firing or resolved alert is sent at once; every resend
/// interval ``due(now:)`` gives every firing alert with `endsAt` four intervals ahead (so that an
/// Alertmanager that stops hearing from the notifier resolves the alerts itself, but not between
/// two sends) and every alert resolved within ``Rules/resolvedResend`` with its resolve time.
/// A (re)connection starts a snapshot: alerts that fired before and are not in it are resolved when
/// it is ``WatchEventDocument/Kind/synced``; the snapshot is the truth.
package struct AlertBook: Sendable {
    /// The intervals that shape the sends.
    package struct Rules: Sendable, Hashable {
        /// How often every firing alert is sent again (`--alert-resend`).
        package var resend: Duration
        /// How long a resolved alert is sent again after it was resolved (`--resolved-resend`).
        package var resolvedResend: Duration

        package init(resend: Duration = .seconds(60), resolvedResend: Duration = .seconds(15 * 60)) {
            self.resend = resend
            self.resolvedResend = resolvedResend
        }
    }

    /// One alert per name and pump (``AlertDocument``'s promise).
    package struct Key: Hashable, Sendable {
        package var name: AlertName
        package var serial: String

        package init(_ alert: AlertDocument) {
            name = alert.alertname
            serial = alert.serial
        }
    }

    private struct Resolved: Sendable {
        var alert: AlertDocument
        /// The `endsAt` sent: when the daemon resolved it.
        var endsAt: String
        /// Sent again until then.
        var until: Date
    }

    package let rules: Rules
    /// The alerts firing now, by name and pump.
    package private(set) var firing: [Key: AlertDocument] = [:]
    /// Resolved alerts still being sent, by their label set (Alertmanager's identity).
    private var resolved: [[String: String]: Resolved] = [:]
    /// The alerts of the snapshot being read, from a (re)connection until `synced`.
    private var snapshot: [Key: AlertDocument]?

    package init(rules: Rules = Rules()) {
        self.rules = rules
    }

    /// Whether a snapshot is being read (a connection is not yet `synced`).
    package var isSyncing: Bool { snapshot != nil }

    /// How many resolved alerts are still being sent.
    package var resolvedCount: Int { resolved.count }

    /// A new connection to the daemon: the lines until `synced` are its snapshot.
    package mutating func beginSnapshot() {
        snapshot = [:]
    }

    /// Takes one line of the watch stream; returns what to post at once (nothing during a snapshot,
    /// everything at its end).
    package mutating func apply(_ event: WatchEventDocument, now: Date) -> [PostableAlert] {
        switch event.event {
        case .alert:
            guard let alert = event.alert else { return [] }
            if snapshot != nil {
                if alert.status == .firing { snapshot?[Key(alert)] = alert }
                return []
            }
            switch alert.status {
            case .firing: return fire(alert, now: now)
            case .resolved: return resolve(Key(alert), resolvedAs: alert, now: now)
            }
        case .synced:
            guard let fresh = snapshot else { return [] }
            snapshot = nil
            var sends: [PostableAlert] = []
            for key in firing.keys.sorted(by: Self.order) where fresh[key] == nil {
                sends += resolve(key, resolvedAs: nil, now: now)
            }
            // Everything firing goes out after a (re)connection, changed or not: a notifier that
            // restarted, or an Alertmanager that lost its state, has it again at once.
            for key in fresh.keys.sorted(by: Self.order) {
                if let alert = fresh[key] { sends += fire(alert, now: now) }
            }
            return sends
        case .pump, .record:
            return []
        }
    }

    /// The periodic resend: every firing alert, and every alert resolved within the resolved-resend
    /// interval (older ones are forgotten here).
    package mutating func due(now: Date) -> [PostableAlert] {
        resolved = resolved.filter { $0.value.until > now }
        let end = firingEnd(now)
        let firingSends = firing.keys.sorted(by: Self.order).compactMap { firing[$0] }.map {
            PostableAlert($0, endsAt: end)
        }
        let resolvedSends = resolved.values.sorted { ($0.alert.serial, $0.endsAt) < ($1.alert.serial, $1.endsAt) }
            .map { PostableAlert($0.alert, endsAt: $0.endsAt) }
        return firingSends + resolvedSends
    }

    private mutating func fire(_ alert: AlertDocument, now: Date) -> [PostableAlert] {
        let key = Key(alert)
        var sends: [PostableAlert] = []
        let labels = PostableAlert.labels(of: alert)
        // Same name and pump, other labels (a new reason, say): Alertmanager knows the old label set
        // as another alert, so it is resolved rather than left to expire.
        if let previous = firing[key], PostableAlert.labels(of: previous) != labels {
            sends += resolve(key, resolvedAs: nil, now: now)
        }
        resolved[labels] = nil
        firing[key] = alert
        sends.append(PostableAlert(alert, endsAt: firingEnd(now)))
        return sends
    }

    /// Resolves the alert firing under `key` (its labels as sent while firing), else `document`.
    private mutating func resolve(_ key: Key, resolvedAs document: AlertDocument?, now: Date) -> [PostableAlert] {
        guard let alert = firing.removeValue(forKey: key) ?? document else { return [] }
        let endsAt = document?.endsAt ?? Timestamp.rfc3339(now)
        resolved[PostableAlert.labels(of: alert)] = Resolved(
            alert: alert, endsAt: endsAt, until: now.addingTimeInterval(rules.resolvedResend.seconds))
        return [PostableAlert(alert, endsAt: endsAt)]
    }

    private func firingEnd(_ now: Date) -> String {
        Timestamp.rfc3339(now.addingTimeInterval(4 * rules.resend.seconds))
    }

    private static func order(_ a: Key, _ b: Key) -> Bool {
        (a.serial, a.name.rawValue) < (b.serial, b.name.rawValue)
    }
}

extension Duration {
    /// The duration in seconds, with its fraction.
    package var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// RFC 3339 times as Alertmanager reads them.
package enum Timestamp {
    /// `2026-11-30T10:00:00.000Z`.
    package static func rfc3339(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

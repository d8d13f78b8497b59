/// Which kind of telemetry message a signal came from (the envelope's `kind`).
package enum SignalKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A `status` message: the pump's periodic report.
    case status
    /// An `alert` message: an alarm or event the pump raised or cleared.
    case alert
}

/// What failure detection needs of one stored telemetry message.
///
/// The daemon builds one from each accepted message; detection never sees the rest of it.
/// Words are kept as the protocol spells them, so that a vendor code or a word this module does
/// not act on passes through unharmed.
package struct HealthSignal: Sendable, Hashable, Codable {
    /// The message's `id`, unique per pump.
    package var messageID: String
    /// The message's `kind`.
    package var kind: SignalKind
    /// For an alert, its `code` (`MOTOR_STALL`, ..., or a vendor code `X-<VENDOR>-<NAME>`);
    /// `nil` for a status.
    package var code: String?
    /// For an alert, whether its `state` is `cleared` (`false` for `raised` and for a status).
    package var cleared: Bool
    /// For a status, its battery `state` word (`BOS`, `MOS`, `ERI`, `EOS`); `nil` when the
    /// battery is `null` (a pump without a battery) and for an alert.
    package var battery: String?
    /// For a status, its `motor` word (`ok`, `stalled`, `none`); `nil` for an alert.
    package var motor: String?
    /// The pump's `at`, in microseconds since the Unix epoch: the order messages are applied in.
    package var at: Int64
    /// The pump's `at` exactly as the pump stamped it, for evidence.
    package var atText: String
    /// When the daemon received the message, on the daemon's clock, in microseconds since the
    /// Unix epoch: used to judge a stall whose pump fell silent.
    package var receivedAt: Int64
    /// The message's place in the order the daemon stored messages (its row id): which of two
    /// messages was received after the other, even when both came in one read and share
    /// `receivedAt`. Used to let a recovery stamped shortly before a stall, but received after it,
    /// end that stall. Signals that all keep the default 0 never count as received after another.
    package var arrival: Int64

    package init(
        messageID: String, kind: SignalKind, code: String? = nil, cleared: Bool = false,
        battery: String? = nil, motor: String? = nil, at: Int64, atText: String, receivedAt: Int64,
        arrival: Int64 = 0
    ) {
        self.messageID = messageID
        self.kind = kind
        self.code = code
        self.cleared = cleared
        self.battery = battery
        self.motor = motor
        self.at = at
        self.atText = atText
        self.receivedAt = receivedAt
        self.arrival = arrival
    }

    /// A status signal: `battery` is the battery state word (`nil` for `battery: null`), `motor`
    /// the motor word.
    package static func status(
        id: String, battery: String?, motor: String, at: Int64, atText: String, receivedAt: Int64,
        arrival: Int64 = 0
    ) -> HealthSignal {
        HealthSignal(
            messageID: id, kind: .status, battery: battery, motor: motor, at: at, atText: atText,
            receivedAt: receivedAt, arrival: arrival)
    }

    /// An alert signal with its code, raised unless `cleared`.
    package static func alert(
        id: String, code: String, cleared: Bool = false, at: Int64, atText: String, receivedAt: Int64,
        arrival: Int64 = 0
    ) -> HealthSignal {
        HealthSignal(
            messageID: id, kind: .alert, code: code, cleared: cleared, at: at, atText: atText,
            receivedAt: receivedAt, arrival: arrival)
    }

    /// The reference a record cites for this message.
    package var evidence: EvidenceRef {
        EvidenceRef(messageID: messageID, kind: kind, code: code, at: at, atText: atText)
    }
}

/// A stored message cited as evidence for a finding.
///
/// Immutable, and a class: a pump's ``PumpHealth`` has a dozen places for one, most of them empty.
/// As a reference each costs 8 bytes in it instead of 72, which keeps the ingest writer's 4,096
/// cached pumps near 1 MB instead of 4.5 (bench row 4b). Equal and hashed by value.
package final class EvidenceRef: Sendable, Hashable, Codable {
    /// The message's `id`.
    package let messageID: String
    /// The message's `kind`.
    package let kind: SignalKind
    /// For an alert, its `code`; `nil` for a status.
    package let code: String?
    /// The pump's `at`, in microseconds since the Unix epoch.
    package let at: Int64
    /// The pump's `at` exactly as the pump stamped it.
    package let atText: String

    package init(messageID: String, kind: SignalKind, code: String? = nil, at: Int64, atText: String) {
        self.messageID = messageID
        self.kind = kind
        self.code = code
        self.at = at
        self.atText = atText
    }

    package static func == (a: EvidenceRef, b: EvidenceRef) -> Bool {
        (a.messageID, a.kind, a.code, a.at, a.atText) == (b.messageID, b.kind, b.code, b.at, b.atText)
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(messageID)
        hasher.combine(kind)
        hasher.combine(code)
        hasher.combine(at)
        hasher.combine(atText)
    }
}

/// The protocol's words this module acts on, spelled as `telemetry-protocol.md` spells them.
enum Word {
    static let motorStall = "MOTOR_STALL"
    static let motorStallRecovered = "MOTOR_STALL_RECOVERED"
    static let criticalError = "CRITICAL_ERROR"
    static let batteryERI = "BATTERY_ERI"
    static let batteryEOS = "BATTERY_EOS"
    static let lowBatteryReset = "LOW_BATTERY_RESET"
    static let impendingFailure = "IMPENDING_FAILURE"
    static let mriExposure = "MRI_EXPOSURE"

    static let eri = "ERI"
    static let eos = "EOS"

    static let motorOK = "ok"
    static let motorStalled = "stalled"
}

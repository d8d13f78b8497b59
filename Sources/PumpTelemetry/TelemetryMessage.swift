import PumpJSON

/// One valid protocol v1 message, as the validator accepted it.
///
/// The typed fields are what the daemon reasons with; ``content`` is the whole object as sent
/// (unknown fields included), which is what "the same content" compares and what is stored.
package struct TelemetryMessage: Sendable, Equatable {
    /// The sender's message id: 1 to 128 printable ASCII characters, unique per pump.
    package var id: String
    /// The pump's serial, e.g. `SM2-004211` (case-sensitive).
    package var serial: String
    /// Status report or alert.
    package var kind: MessageKind
    /// When the pump observed what the message says.
    package var at: PumpTime
    /// The kind's own fields, typed.
    package var payload: Payload
    /// The whole JSON object as sent, unknown fields included.
    package var content: JSONValue

    /// Creates a message. The validator is the usual source; tests and the simulator build them
    /// directly.
    package init(id: String, serial: String, kind: MessageKind, at: PumpTime, payload: Payload, content: JSONValue) {
        self.id = id
        self.serial = serial
        self.kind = kind
        self.at = at
        self.payload = payload
        self.content = content
    }

    /// The status report when this is a status message.
    package var status: StatusReport? {
        if case .status(let report) = payload { return report }
        return nil
    }

    /// The alert when this is an alert message.
    package var alert: AlertReport? {
        if case .alert(let report) = payload { return report }
        return nil
    }
}

/// The two kinds of message (`kind`).
package enum MessageKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The pump's periodic report.
    case status
    /// An alarm or event the pump raised.
    case alert
}

/// A message's kind-specific fields.
package enum Payload: Sendable, Hashable {
    /// A status report's fields.
    case status(StatusReport)
    /// An alert's fields.
    case alert(AlertReport)

    /// The kind these fields belong to.
    package var kind: MessageKind {
        switch self {
        case .status: .status
        case .alert: .alert
        }
    }
}

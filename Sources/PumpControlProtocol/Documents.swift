import PumpJSON

// The JSON documents of `cli.md`, shared by the daemon (which builds them from the store) and
// `pumpctl` (which prints them, as tables or as they are with `--json`). Optional fields are
// always written, as `null` when absent, because the spec shows them.

/// The policy a record was decided under.
public struct PolicyIdentityDocument: Codable, Sendable, Hashable {
    /// Policy id, `CG-SURG-79`.
    public var id: String
    /// Effective date, `2023-09-27`.
    public var effective: String

    /// Creates a policy identity.
    public init(id: String, effective: String) {
        self.id = id
        self.effective = effective
    }
}

/// One message a record relies on.
public struct EvidenceDocument: Codable, Sendable, Hashable {
    /// The message's `id`.
    public var messageID: String
    /// `status` or `alert`.
    public var kind: String
    /// The alert code; null for a status.
    public var code: String?
    /// The message's `at`, as the pump stamped it.
    public var at: String

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case kind, code, at
    }

    /// Creates an evidence item.
    public init(messageID: String, kind: String, code: String?, at: String) {
        self.messageID = messageID
        self.kind = kind
        self.code = code
        self.at = at
    }

}

/// The indication finding inside a record: `{status, clause}`.
public struct IndicationDocument: Codable, Sendable, Hashable {
    /// `covered`, `not_covered` or `unknown`.
    public var status: String
    /// The indication's clause; null when the pump was never enrolled.
    public var clause: String?

    /// Creates an indication finding.
    public init(status: String, clause: String?) {
        self.status = status
        self.clause = clause
    }

}

/// An eligibility record, implant or replacement, exactly as `cli.md` shapes it.
public struct EligibilityRecordDocument: Codable, Sendable, Hashable {
    /// `R-000017`.
    public var id: String
    /// The pump's serial.
    public var serial: String
    /// `replacement` or `implant`.
    public var type: String
    /// `telemetry` or `request`.
    public var trigger: String
    /// `convenience`, `upgrade`, `malfunction`, or null.
    public var requestReason: String?
    /// `medically_necessary`, `not_medically_necessary` or `needs_review`.
    public var determination: String
    /// The clause that decides it.
    public var clause: String
    /// `non_function`, `impending_failure`, `none`, or null for an implant record.
    public var replacementCriterion: String?
    /// The indication finding.
    public var indication: IndicationDocument
    /// Facts not on file that a reviewer must supply.
    public var missing: [String]
    /// Whether the supplies for the pump are covered (`MN.supplies`).
    public var suppliesCovered: Bool
    /// The messages behind the criterion, by `at`.
    public var evidence: [EvidenceDocument]
    /// The policy.
    public var policy: PolicyIdentityDocument
    /// The daemon's commit time, UTC with milliseconds.
    public var createdAt: String
    /// A request's note, or null.
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case id, serial, type, trigger
        case requestReason = "request_reason"
        case determination, clause
        case replacementCriterion = "replacement_criterion"
        case indication, missing
        case suppliesCovered = "supplies_covered"
        case evidence, policy
        case createdAt = "created_at"
        case note
    }

    /// Creates a record document.
    public init(
        id: String, serial: String, type: String, trigger: String, requestReason: String?, determination: String,
        clause: String, replacementCriterion: String?, indication: IndicationDocument, missing: [String],
        suppliesCovered: Bool, evidence: [EvidenceDocument], policy: PolicyIdentityDocument, createdAt: String,
        note: String?
    ) {
        self.id = id
        self.serial = serial
        self.type = type
        self.trigger = trigger
        self.requestReason = requestReason
        self.determination = determination
        self.clause = clause
        self.replacementCriterion = replacementCriterion
        self.indication = indication
        self.missing = missing
        self.suppliesCovered = suppliesCovered
        self.evidence = evidence
        self.policy = policy
        self.createdAt = createdAt
        self.note = note
    }

}

/// `eligibility --json`: `{"records": [...]}`, newest first.
public struct RecordListDocument: Codable, Sendable, Hashable {
    /// The records, newest first by `created_at`, then `id`.
    public var records: [EligibilityRecordDocument]
    /// Creates the list.
    public init(records: [EligibilityRecordDocument]) { self.records = records }
}

/// One pump in `devices --json`.
public struct DeviceSummaryDocument: Codable, Sendable, Hashable {
    /// Serial.
    public var serial: String
    /// Model from the latest status, or null.
    public var model: String?
    /// `functional`, `impending_failure`, `non_functional`, `stalled` or `unknown`.
    public var state: String
    /// The battery state word (`BOS`...`EOS`) or null.
    public var battery: String?
    /// The latest `received_at`, null for a pump that never reported.
    public var lastSeen: String?

    enum CodingKeys: String, CodingKey {
        case serial, model, state, battery
        case lastSeen = "last_seen"
    }

    /// Creates a summary.
    public init(serial: String, model: String?, state: String, battery: String?, lastSeen: String?) {
        self.serial = serial
        self.model = model
        self.state = state
        self.battery = battery
        self.lastSeen = lastSeen
    }

}

/// `devices --json`: `{"devices": [...]}`.
public struct DeviceListDocument: Codable, Sendable, Hashable {
    /// The pumps, by serial.
    public var devices: [DeviceSummaryDocument]
    /// Creates the list.
    public init(devices: [DeviceSummaryDocument]) { self.devices = devices }
}

/// An enrolled therapy as `device --json` shows it.
public struct TherapyDocument: Codable, Sendable, Hashable {
    /// The patient reference.
    public var patient: String
    /// Indication word.
    public var indication: String
    /// Drug word.
    public var drug: String
    /// Route word.
    public var route: String
    /// The criteria, unknown ones null.
    public var criteria: CriteriaDocument
    /// When it was enrolled, UTC with milliseconds.
    public var enrolledAt: String

    enum CodingKeys: String, CodingKey {
        case patient, indication, drug, route, criteria
        case enrolledAt = "enrolled_at"
    }

    /// Creates a therapy document.
    public init(
        patient: String, indication: String, drug: String, route: String, criteria: CriteriaDocument,
        enrolledAt: String
    ) {
        self.patient = patient
        self.indication = indication
        self.drug = drug
        self.route = route
        self.criteria = criteria
        self.enrolledAt = enrolledAt
    }
}

/// An alert raised and not cleared, in `device --json`.
public struct OpenAlertDocument: Codable, Sendable, Hashable {
    /// The alert message's id.
    public var messageID: String
    /// The alert code.
    public var code: String
    /// `info`, `warning` or `critical`.
    public var severity: String
    /// The alert's `at`.
    public var at: String
    /// The alert's detail text, or null.
    public var detail: String?

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case code, severity, at, detail
    }

    /// Creates an open alert.
    public init(messageID: String, code: String, severity: String, at: String, detail: String?) {
        self.messageID = messageID
        self.code = code
        self.severity = severity
        self.at = at
        self.detail = detail
    }

}

/// `device SERIAL --json`: the summary fields plus therapy, open alerts and the latest status.
public struct DeviceDetailDocument: Codable, Sendable, Hashable {
    /// Serial.
    public var serial: String
    /// Model, or null.
    public var model: String?
    /// Pump state word.
    public var state: String
    /// Battery state word, or null.
    public var battery: String?
    /// Latest `received_at`, or null.
    public var lastSeen: String?
    /// The enrolled therapy, or null.
    public var therapy: TherapyDocument?
    /// Alerts raised and not cleared, by `at`.
    public var openAlerts: [OpenAlertDocument]
    /// The latest status message as stored (with `received_at`), or null.
    package var latestStatus: JSONValue?

    enum CodingKeys: String, CodingKey {
        case serial, model, state, battery
        case lastSeen = "last_seen"
        case therapy
        case openAlerts = "open_alerts"
        case latestStatus = "latest_status"
    }

    /// Creates a device document.
    package init(
        serial: String, model: String?, state: String, battery: String?, lastSeen: String?,
        therapy: TherapyDocument?, openAlerts: [OpenAlertDocument], latestStatus: JSONValue?
    ) {
        self.serial = serial
        self.model = model
        self.state = state
        self.battery = battery
        self.lastSeen = lastSeen
        self.therapy = therapy
        self.openAlerts = openAlerts
        self.latestStatus = latestStatus
    }

}

/// `events --json`: `{"events": [...]}`, each the message as stored plus its `received_at`,
/// newest first by the pump's `at`.
public struct EventListDocument: Codable, Sendable, Hashable {
    /// The messages.
    package var events: [JSONValue]
    /// Creates the list.
    package init(events: [JSONValue]) { self.events = events }
}

/// One quarantined message in `rejected --json`.
public struct RejectedDocument: Codable, Sendable, Hashable {
    /// When it arrived, UTC with milliseconds.
    public var receivedAt: String
    /// The rejection reason word.
    public var reason: String
    /// Human-readable detail, or null.
    public var detail: String?
    /// The bytes as text, invalid UTF-8 replaced.
    public var raw: String
    /// The exact bytes, base64.
    public var rawBase64: String

    enum CodingKeys: String, CodingKey {
        case receivedAt = "received_at"
        case reason, detail, raw
        case rawBase64 = "raw_base64"
    }

    /// Creates a quarantine item.
    public init(receivedAt: String, reason: String, detail: String?, raw: String, rawBase64: String) {
        self.receivedAt = receivedAt
        self.reason = reason
        self.detail = detail
        self.raw = raw
        self.rawBase64 = rawBase64
    }

}

/// `rejected --json`: `{"rejected": [...]}`, newest first.
public struct RejectedListDocument: Codable, Sendable, Hashable {
    /// The quarantined messages.
    public var rejected: [RejectedDocument]
    /// Creates the list.
    public init(rejected: [RejectedDocument]) { self.rejected = rejected }
}

/// `status --json`: the daemon at a glance.
public struct DaemonStatusDocument: Codable, Sendable, Hashable {
    /// The daemon's version.
    public var version: String
    /// Seconds since start.
    public var uptimeS: Int
    /// The store's file path.
    public var store: String
    /// Pumps known.
    public var pumps: Int
    /// Messages stored.
    public var messages: Int
    /// Eligibility records.
    public var records: Int
    /// Quarantined messages.
    public var rejected: Int

    enum CodingKeys: String, CodingKey {
        case version
        case uptimeS = "uptime_s"
        case store, pumps, messages, records, rejected
    }

    /// Creates the status.
    public init(version: String, uptimeS: Int, store: String, pumps: Int, messages: Int, records: Int, rejected: Int) {
        self.version = version
        self.uptimeS = uptimeS
        self.store = store
        self.pumps = pumps
        self.messages = messages
        self.records = records
        self.rejected = rejected
    }
}

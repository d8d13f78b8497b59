import PumpJSON

// The JSON documents of `cli.md`, shared by the daemon (which builds them from the store) and
// `pumpctl` (which prints them, as tables or as they are with `--json`). Optional fields are
// always written, as `null` when absent, because the spec shows them.

/// The policy a record was decided under.
package struct PolicyIdentityDocument: Codable, Sendable, Hashable {
    /// Policy id, `CG-SURG-79`.
    package var id: String
    /// Effective date, `2023-09-27`.
    package var effective: String

    package init(id: String, effective: String) {
        self.id = id
        self.effective = effective
    }
}

/// One message a record relies on.
package struct EvidenceDocument: Codable, Sendable, Hashable {
    /// The message's `id`.
    package var messageID: String
    /// `status` or `alert`.
    package var kind: String
    /// The alert code; null for a status.
    package var code: String?
    /// The message's `at`, as the pump stamped it.
    package var at: String

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case kind, code, at
    }

    package init(messageID: String, kind: String, code: String?, at: String) {
        self.messageID = messageID
        self.kind = kind
        self.code = code
        self.at = at
    }

}

/// The indication finding inside a record: `{status, clause}`.
package struct IndicationDocument: Codable, Sendable, Hashable {
    /// `covered`, `not_covered` or `unknown`.
    package var status: String
    /// The indication's clause; null when the pump was never enrolled.
    package var clause: String?

    package init(status: String, clause: String?) {
        self.status = status
        self.clause = clause
    }

}

/// An eligibility record, implant or replacement, exactly as `cli.md` shapes it.
package struct EligibilityRecordDocument: Codable, Sendable, Equatable {
    /// `R-000017`.
    package var id: String
    /// The pump's serial.
    package var serial: String
    /// `replacement` or `implant`.
    package var type: String
    /// `telemetry` or `request`.
    package var trigger: String
    /// `convenience`, `upgrade`, `malfunction`, or null.
    package var requestReason: String?
    /// `medically_necessary`, `not_medically_necessary` or `needs_review`.
    package var determination: String
    /// The clause that decides it.
    package var clause: String
    /// `non_function`, `impending_failure`, `none`, or null for an implant record.
    package var replacementCriterion: String?
    /// The indication finding.
    package var indication: IndicationDocument
    /// Facts not on file that a reviewer must supply.
    package var missing: [String]
    /// Whether the supplies for the pump are covered (`MN.supplies`).
    package var suppliesCovered: Bool
    /// The messages behind the criterion, by `at`.
    package var evidence: [EvidenceDocument]
    /// The policy.
    package var policy: PolicyIdentityDocument
    /// The daemon's commit time, UTC with milliseconds.
    package var createdAt: String
    /// A request's note, or null.
    package var note: String?
    /// Details, only in a `record` reply and in an `eligibility` reply asked `details` (absent
    /// otherwise, so a list keeps its `cli.md` shape): the patient reference of the therapy the
    /// record was assessed under (`.some(nil)`, written null, when there was none).
    @OmittedWhenNil package var patient: String??
    /// Details: the pump as `devices` lists it now.
    @OmittedWhenNil package var device: DeviceSummaryDocument??
    /// Details: the evidence messages as `events` shows them, in the order of `evidence`.
    @OmittedWhenNil package var evidenceMessages: [JSONValue]?

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
        case patient, device
        case evidenceMessages = "evidence_messages"
    }

    package init(
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
package struct RecordListDocument: Codable, Sendable, Equatable {
    /// The records, newest first by `created_at`, then `id`.
    package var records: [EligibilityRecordDocument]
    package init(records: [EligibilityRecordDocument]) { self.records = records }
}

/// One pump in `devices --json`.
package struct DeviceSummaryDocument: Codable, Sendable, Hashable {
    package var serial: String
    /// Model from the latest status, or null.
    package var model: String?
    /// `functional`, `impending_failure`, `non_functional`, `stalled`, `unknown` or `retired`.
    package var state: String
    /// The battery state word (`BOS`...`EOS`) or null.
    package var battery: String?
    /// The latest `received_at`, null for a pump that never reported.
    package var lastSeen: String?
    /// Why the pump is in its state: `end_of_service`, `low_battery_reset`, `critical_error`,
    /// `motor_stall`, `battery_eri`, `impending_failure`, `stall`, the retirement reason of a retired
    /// pump; null for a functional or unknown one.
    package var reason: String?

    enum CodingKeys: String, CodingKey {
        case serial, model, state, battery
        case lastSeen = "last_seen"
        case reason
    }

    package init(
        serial: String, model: String?, state: String, battery: String?, lastSeen: String?, reason: String? = nil
    ) {
        self.serial = serial
        self.model = model
        self.state = state
        self.battery = battery
        self.lastSeen = lastSeen
        self.reason = reason
    }

}

/// `devices --json`: `{"devices": [...]}`.
package struct DeviceListDocument: Codable, Sendable, Hashable {
    /// The pumps, by serial.
    package var devices: [DeviceSummaryDocument]
    package init(devices: [DeviceSummaryDocument]) { self.devices = devices }
}

/// An enrolled therapy as `device --json` shows it.
package struct TherapyDocument: Codable, Sendable, Hashable {
    /// The patient reference.
    package var patient: String
    /// Indication word.
    package var indication: String
    /// Drug word.
    package var drug: String
    /// Route word.
    package var route: String
    /// The criteria, unknown ones null.
    package var criteria: CriteriaDocument
    /// When it was enrolled, UTC with milliseconds.
    package var enrolledAt: String

    enum CodingKeys: String, CodingKey {
        case patient, indication, drug, route, criteria
        case enrolledAt = "enrolled_at"
    }

    package init(
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
package struct OpenAlertDocument: Codable, Sendable, Hashable {
    /// The alert message's id.
    package var messageID: String
    /// The alert code.
    package var code: String
    /// `info`, `warning` or `critical`.
    package var severity: String
    /// The alert's `at`.
    package var at: String
    /// The alert's detail text, or null.
    package var detail: String?

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case code, severity, at, detail
    }

    package init(messageID: String, code: String, severity: String, at: String, detail: String?) {
        self.messageID = messageID
        self.code = code
        self.severity = severity
        self.at = at
        self.detail = detail
    }

}

/// `device SERIAL --json`: the summary fields plus therapy, open alerts and the latest status.
package struct DeviceDetailDocument: Codable, Sendable, Equatable {
    package var serial: String
    /// Model, or null.
    package var model: String?
    /// Pump state word.
    package var state: String
    /// Battery state word, or null.
    package var battery: String?
    /// Latest `received_at`, or null.
    package var lastSeen: String?
    /// The enrolled therapy, or null.
    package var therapy: TherapyDocument?
    /// Alerts raised and not cleared, by `at`.
    package var openAlerts: [OpenAlertDocument]
    /// The latest status message as stored (with `received_at`), or null.
    package var latestStatus: JSONValue?
    /// Why the pump is in its state (as in ``DeviceSummaryDocument/reason``), or null.
    package var reason: String?

    enum CodingKeys: String, CodingKey {
        case serial, model, state, battery
        case lastSeen = "last_seen"
        case therapy
        case openAlerts = "open_alerts"
        case latestStatus = "latest_status"
        case reason
    }

    package init(
        serial: String, model: String?, state: String, battery: String?, lastSeen: String?,
        therapy: TherapyDocument?, openAlerts: [OpenAlertDocument], latestStatus: JSONValue?, reason: String? = nil
    ) {
        self.reason = reason
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
package struct EventListDocument: Codable, Sendable, Equatable {
    /// The messages.
    package var events: [JSONValue]
    package init(events: [JSONValue]) { self.events = events }
}

/// One quarantined message in `rejected --json`.
package struct RejectedDocument: Codable, Sendable, Hashable {
    /// When it arrived, UTC with milliseconds.
    package var receivedAt: String
    /// The rejection reason word.
    package var reason: String
    /// Human-readable detail, or null.
    package var detail: String?
    /// The bytes as text, invalid UTF-8 replaced.
    package var raw: String
    /// The exact bytes, base64.
    package var rawBase64: String
    /// Who sent it: `gateway:NAME`, `sha256:FINGERPRINT`, `unix:UID` or `tcp:ADDRESS`; null when
    /// unknown (lines quarantined before the daemon recorded senders).
    package var source: String?

    enum CodingKeys: String, CodingKey {
        case receivedAt = "received_at"
        case reason, detail, raw
        case rawBase64 = "raw_base64"
        case source
    }

    package init(
        receivedAt: String, reason: String, detail: String?, raw: String, rawBase64: String, source: String? = nil
    ) {
        self.receivedAt = receivedAt
        self.reason = reason
        self.detail = detail
        self.raw = raw
        self.rawBase64 = rawBase64
        self.source = source
    }

}

/// `rejected --json`: `{"rejected": [...]}`, newest first.
package struct RejectedListDocument: Codable, Sendable, Hashable {
    /// The quarantined messages.
    package var rejected: [RejectedDocument]
    package init(rejected: [RejectedDocument]) { self.rejected = rejected }
}

/// `status --json`: the daemon at a glance.
package struct DaemonStatusDocument: Codable, Sendable, Hashable {
    /// The daemon's version.
    package var version: String
    /// Seconds since start.
    package var uptimeS: Int
    /// The store's file path.
    package var store: String
    /// Pumps known.
    package var pumps: Int
    /// Messages stored.
    package var messages: Int
    /// Eligibility records.
    package var records: Int
    /// Quarantined messages.
    package var rejected: Int
    /// Where `GET /metrics` is served: `http://HOST:PORT/metrics` or `unix:PATH` (issue 17); null
    /// with `--no-metrics`, absent from daemons before it.
    package var metrics: String?
    /// With `--hl7-alert-manager` (issue 15): alert reports in the HL7 outbox not yet acknowledged
    /// nor refused by the Alert Manager; absent without it.
    @OmittedWhenNil package var hl7OutboxUnsent: Int?

    enum CodingKeys: String, CodingKey {
        case version
        case uptimeS = "uptime_s"
        case store, pumps, messages, records, rejected, metrics
        case hl7OutboxUnsent = "hl7_outbox_unsent"
    }

    package init(
        version: String, uptimeS: Int, store: String, pumps: Int, messages: Int, records: Int, rejected: Int,
        metrics: String? = nil, hl7OutboxUnsent: Int? = nil
    ) {
        self.metrics = metrics
        self.hl7OutboxUnsent = hl7OutboxUnsent
        self.version = version
        self.uptimeS = uptimeS
        self.store = store
        self.pumps = pumps
        self.messages = messages
        self.records = records
        self.rejected = rejected
    }
}

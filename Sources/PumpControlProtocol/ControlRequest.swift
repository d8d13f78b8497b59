import PumpJSON

/// One request on the control socket: a single JSON line from `pumpctl` to the daemon, answered by
/// one `ControlReply` line. Fields that an operation does not use are absent (``OmittedWhenNil``).
///
/// Wire example: `{"op":"events","serial":"SM2-004211","limit":50}`.
package struct ControlRequest: Codable, Sendable, Hashable {
    /// The operation; one word per `pumpctl` command.
    package enum Operation: String, Codable, Sendable, CaseIterable {
        /// `pumpctl status`.
        case status
        /// `pumpctl devices`.
        case devices
        /// `pumpctl device SERIAL`.
        case device
        /// `pumpctl events SERIAL`.
        case events
        /// `pumpctl eligibility`.
        case eligibility
        /// `pumpctl enroll SERIAL ...`.
        case enroll
        /// `pumpctl request-replacement SERIAL ...`.
        case requestReplacement = "request-replacement"
        /// `pumpctl rejected`.
        case rejected
        /// `pumpctl verify`: walks the hash chains of records and audit rows.
        case verify
        /// `pumpctl retire SERIAL --reason ...`: takes a pump out of service for good.
        case retire
        /// `pumpctl watch`: the snapshot of pumps and firing alerts, then every change
        /// (``WatchEventDocument`` lines) until either side closes.
        case watch
        /// `pumpctl record ID`: one eligibility record with its details (``EligibilityRecordDocument``
        /// with `patient`, `device` and `evidence_messages`).
        case record
        /// `pumpctl backup`: an online, checked copy of the store in the backup directory.
        case backup
    }

    /// The operation asked for.
    package var op: Operation
    /// The pump serial (device, events, enroll, request-replacement; a filter for eligibility).
    @OmittedWhenNil package var serial: String?
    /// The most rows to return (events, rejected); the daemon uses 50 when absent.
    @OmittedWhenNil package var limit: Int?
    /// A pump-state filter (devices): `functional`, `impending_failure`, ...
    @OmittedWhenNil package var state: String?
    /// A determination filter (eligibility).
    @OmittedWhenNil package var determination: String?
    /// The therapy to enroll (enroll).
    @OmittedWhenNil package var therapy: EnrollmentDocument?
    /// The reason of a replacement request (`convenience`, `upgrade`, `malfunction`) or of a
    /// retirement (`explanted`, `replaced`, `patient_deceased`, `other`).
    @OmittedWhenNil package var reason: String?
    /// A free-text note kept with a replacement request or a retirement.
    @OmittedWhenNil package var note: String?
    /// The serial of the pump that replaced a retired one (retire).
    @OmittedWhenNil package var replacedBy: String?
    /// The record id, `R-000017` (record).
    @OmittedWhenNil package var id: String?
    /// Whether each record carries its details (`patient`, `device`, `evidence_messages`), as the
    /// `record` reply does (eligibility; `pumpctl eligibility --fhir` asks for them).
    @OmittedWhenNil package var details: Bool?

    enum CodingKeys: String, CodingKey {
        case op, serial, limit, state, determination, therapy, reason, note
        case replacedBy = "replaced_by"
        case id, details
    }

    /// Creates a request; only the fields the operation uses need values.
    package init(
        op: Operation, serial: String? = nil, limit: Int? = nil, state: String? = nil,
        determination: String? = nil, therapy: EnrollmentDocument? = nil, reason: String? = nil,
        note: String? = nil, replacedBy: String? = nil, id: String? = nil, details: Bool? = nil
    ) {
        self.id = id
        self.details = details
        self.replacedBy = replacedBy
        self.op = op
        self.serial = serial
        self.limit = limit
        self.state = state
        self.determination = determination
        self.therapy = therapy
        self.reason = reason
        self.note = note
    }
}

/// The therapy a clinician enrolls for a pump, as words of the policy vocabulary (`policy.md`).
/// Criteria that are absent (nil) are unknown, which is not the same as false.
package struct EnrollmentDocument: Codable, Sendable, Hashable {
    /// The patient reference (protected health information; kept, shown to permitted callers only).
    package var patient: String
    /// Indication word, e.g. `spasticity`.
    package var indication: String
    /// Drug word, e.g. `baclofen`.
    package var drug: String
    /// Route word, e.g. `intrathecal`.
    package var route: String
    /// The indication's criteria.
    package var criteria: CriteriaDocument

    package init(patient: String, indication: String, drug: String, route: String, criteria: CriteriaDocument) {
        self.patient = patient
        self.indication = indication
        self.drug = drug
        self.route = route
        self.criteria = criteria
    }
}

/// The criteria of an enrolled therapy, each true, false or null (unknown).
package struct CriteriaDocument: Codable, Sendable, Hashable {
    /// Spasticity: severe, refractory, of cerebral or spinal cord origin.
    package var severeRefractory: Bool?
    /// Spasticity: unresponsive to or cannot tolerate oral baclofen.
    package var oralBaclofenFailed: Bool?
    /// Colorectal cancer: metastases limited to the liver.
    package var metastasesLimitedToLiver: Bool?
    /// PAH: previously receiving treprostinil via an external pump.
    package var priorExternalTreprostinil: Bool?
    /// Pain: severe, chronic, intractable.
    package var severeChronicIntractable: Bool?
    /// Pain: the trial's pain reduction, percent (0 to 100).
    package var trialReductionPercent: Double?
    /// Pain: the trial's route word.
    package var trialRoute: String?

    enum CodingKeys: String, CodingKey {
        case severeRefractory = "severe_refractory"
        case oralBaclofenFailed = "oral_baclofen_failed"
        case metastasesLimitedToLiver = "metastases_limited_to_liver"
        case priorExternalTreprostinil = "prior_external_treprostinil"
        case severeChronicIntractable = "severe_chronic_intractable"
        case trialReductionPercent = "trial_reduction_percent"
        case trialRoute = "trial_route"
    }

    /// Creates criteria; each absent one is unknown.
    package init(
        severeRefractory: Bool? = nil, oralBaclofenFailed: Bool? = nil, metastasesLimitedToLiver: Bool? = nil,
        priorExternalTreprostinil: Bool? = nil, severeChronicIntractable: Bool? = nil,
        trialReductionPercent: Double? = nil, trialRoute: String? = nil
    ) {
        self.severeRefractory = severeRefractory
        self.oralBaclofenFailed = oralBaclofenFailed
        self.metastasesLimitedToLiver = metastasesLimitedToLiver
        self.priorExternalTreprostinil = priorExternalTreprostinil
        self.severeChronicIntractable = severeChronicIntractable
        self.trialReductionPercent = trialReductionPercent
        self.trialRoute = trialRoute
    }

}

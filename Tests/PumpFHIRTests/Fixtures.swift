import PumpControlProtocol
import PumpJSON

/// Records as the daemon's `record` reply gives them (details included): one per determination
/// and trigger, implant and replacement, with and without missing facts, a retired pump and a
/// pump never enrolled.
enum Fixtures {
    static let policy = PolicyIdentityDocument(id: "CG-SURG-79", effective: "2023-09-27")

    static func message(_ text: String) -> JSONValue {
        // Fixtures are literals: a parse failure is a typo in this file.
        (try? JSONParser.parse(Array(text.utf8))) ?? .null
    }

    static let eriAlert = message(
        #"{"at":"2026-01-05T09:00:00Z","code":"BATTERY_ERI","detail":"Battery at elective replacement indicator","id":"a2","kind":"alert","received_at":"2026-01-05T09:00:01.250Z","serial":"SM2-004211","severity":"warning","v":1,"source":"unix:0"}"#
    )
    static let eriStatus = message(
        #"{"at":"2026-01-05T09:05:00Z","battery":{"months_remaining":3,"state":"ERI","volts":2.61},"firmware":"4.2.1","id":"a3","infusing":true,"kind":"status","model":"SynchroMed II","motor":"ok","received_at":"2026-01-05T09:05:00.500Z","reservoir_ml":12.5,"serial":"SM2-004211","v":1,"source":"unix:0"}"#
    )
    static let eosAlert = message(
        #"{"at":"2026-01-05T10:20:00z","code":"BATTERY_EOS","detail":"Battery depleted, pump stopped","id":"b2","kind":"alert","received_at":"2026-01-05T10:20:00.900Z","serial":"SM2-007700","severity":"critical","v":1,"source":"unix:0"}"#
    )
    static let gasStatus = message(
        #"{"at":"2026-01-05T08:30:00+01:00","battery":null,"id":"c1","kind":"status","model":"Codman 3000","motor":"none","received_at":"2026-01-05T07:30:02Z","reservoir_ml":30,"serial":"C3000-0107","v":1,"source":null}"#
    )

    static func device(_ serial: String, model: String?, state: String, reason: String? = nil)
        -> DeviceSummaryDocument
    {
        DeviceSummaryDocument(
            serial: serial, model: model, state: state, battery: nil, lastSeen: "2026-01-05T09:05:00.500Z",
            reason: reason)
    }

    static func record(
        id: String, serial: String, type: String = "replacement", trigger: String, requestReason: String? = nil,
        determination: String, clause: String, criterion: String?, indication: IndicationDocument,
        missing: [String] = [], supplies: Bool = false, evidence: [JSONValue] = [], patient: String?,
        device: DeviceSummaryDocument, note: String? = nil
    ) -> EligibilityRecordDocument {
        var document = EligibilityRecordDocument(
            id: id, serial: serial, type: type, trigger: trigger, requestReason: requestReason,
            determination: determination, clause: clause, replacementCriterion: criterion, indication: indication,
            missing: missing, suppliesCovered: supplies,
            evidence: evidence.map { m in
                EvidenceDocument(
                    messageID: m["id"]?.stringValue ?? "", kind: m["kind"]?.stringValue ?? "",
                    code: m["code"]?.stringValue, at: m["at"]?.stringValue ?? "")
            }, policy: policy, createdAt: "2026-01-05T09:00:01.412Z", note: note)
        document.patient = patient
        document.device = device
        document.evidenceMessages = evidence
        return document
    }

    /// Name → record, one golden export each.
    static let cases: [(name: String, record: EligibilityRecordDocument)] = [
        (
            "implant-medically-necessary",
            record(
                id: "R-000001", serial: "SM2-004211", type: "implant", trigger: "request",
                determination: "medically_necessary", clause: "MN.indication.3", criterion: nil,
                indication: IndicationDocument(status: "covered", clause: "MN.indication.3"), supplies: true,
                patient: "MRN-55512", device: device("SM2-004211", model: nil, state: "unknown"))
        ),
        (
            "implant-needs-review",
            record(
                id: "R-000002", serial: "SM2-010001", type: "implant", trigger: "request",
                determination: "needs_review", clause: "MN.indication.5", criterion: nil,
                indication: IndicationDocument(status: "unknown", clause: "MN.indication.5"),
                missing: ["trial_reduction_percent", "trial_route"], patient: "MRN-70021",
                device: device("SM2-010001", model: nil, state: "unknown"))
        ),
        (
            "implant-not-medically-necessary",
            record(
                id: "R-000003", serial: "SM2-020002", type: "implant", trigger: "request",
                determination: "not_medically_necessary", clause: "NMN.use.other", criterion: nil,
                indication: IndicationDocument(status: "not_covered", clause: "NMN.use.other"),
                patient: "MRN-80001", device: device("SM2-020002", model: nil, state: "unknown"))
        ),
        (
            "telemetry-impending-failure",
            record(
                id: "R-000004", serial: "SM2-004211", trigger: "telemetry", determination: "medically_necessary",
                clause: "MN.replacement.impending_failure", criterion: "impending_failure",
                indication: IndicationDocument(status: "covered", clause: "MN.indication.3"), supplies: true,
                evidence: [eriAlert, eriStatus], patient: "MRN-55512",
                device: device("SM2-004211", model: "SynchroMed II", state: "impending_failure", reason: "battery_eri"))
        ),
        (
            "telemetry-non-function-never-enrolled",
            record(
                id: "R-000005", serial: "SM2-007700", trigger: "telemetry", determination: "needs_review",
                clause: "MN.replacement.non_function", criterion: "non_function",
                indication: IndicationDocument(status: "unknown", clause: nil), missing: ["indication"],
                evidence: [eosAlert], patient: nil,
                device: device("SM2-007700", model: "SynchroMed II", state: "non_functional", reason: "end_of_service"))
        ),
        (
            "request-convenience",
            record(
                id: "R-000006", serial: "C3000-0107", trigger: "request", requestReason: "convenience",
                determination: "not_medically_necessary", clause: "NMN.replacement.convenience", criterion: "none",
                indication: IndicationDocument(status: "covered", clause: "MN.indication.4"), evidence: [gasStatus],
                patient: "MRN-31337", device: device("C3000-0107", model: "Codman 3000", state: "functional"),
                note: "patient moving abroad")
        ),
        (
            "request-malfunction-needs-review",
            record(
                id: "R-000007", serial: "C3000-0107", trigger: "request", requestReason: "malfunction",
                determination: "needs_review", clause: "MN.replacement.non_function", criterion: "none",
                indication: IndicationDocument(status: "unknown", clause: "MN.indication.4"),
                missing: ["malfunction_evidence", "prior_external_treprostinil"], evidence: [gasStatus],
                patient: "MRN-31337", device: device("C3000-0107", model: "Codman 3000", state: "functional"))
        ),
        (
            "retired-pump",
            record(
                id: "R-000008", serial: "SM2-007700", trigger: "request", requestReason: "upgrade",
                determination: "medically_necessary", clause: "MN.replacement.non_function",
                criterion: "non_function", indication: IndicationDocument(status: "covered", clause: "MN.indication.1"),
                supplies: true, evidence: [eosAlert], patient: "MRN-90009",
                device: device("SM2-007700", model: "SynchroMed II", state: "retired", reason: "replaced"))
        ),
    ]
}

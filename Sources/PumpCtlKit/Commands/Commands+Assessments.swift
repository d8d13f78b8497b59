import ArgumentParser
import PumpControlProtocol
import PumpPolicy

/// `pumpctl enroll SERIAL --patient REF --indication I --drug D --route R [criteria]`.
struct EnrollCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Records the pump's therapy and prints its implant assessment.",
        discussion: """
            Creates the pump if it has not reported yet (the implant comes before its telemetry). Each \
            criterion flag takes true or false; an absent one is unknown, which is not false: the assessment \
            then says needs_review and lists it as missing. Criteria by indication: spasticity: \
            --severe-refractory, --oral-baclofen-failed; colorectal_liver_metastases: \
            --metastases-limited-to-liver; pulmonary_arterial_hypertension: --prior-external-treprostinil; \
            chronic_intractable_pain: --severe-chronic-intractable, --trial-reduction-percent (0 to 100, \
            more than 50 qualifies), --trial-route. Determinations: \(wordsHelp(Determination.self)).
            """)

    @Argument(help: ArgumentHelp("The pump's serial, e.g. SM2-004211.", valueName: "serial"))
    var serial: String

    @Option(help: ArgumentHelp("The patient reference (kept with the therapy).", valueName: "ref"))
    var patient: String

    @Option(help: ArgumentHelp("The indication: \(wordsHelp(Indication.self)).", valueName: "word"))
    var indication: String

    @Option(help: ArgumentHelp("The drug: \(wordsHelp(Drug.self)).", valueName: "word"))
    var drug: String

    @Option(help: ArgumentHelp("The route: \(wordsHelp(Route.self)).", valueName: "word"))
    var route: String

    @Option(
        help: ArgumentHelp("Spasticity is severe, refractory, of cerebral or spinal cord origin.", valueName: "bool"))
    var severeRefractory: String?

    @Option(help: ArgumentHelp("Unresponsive to, or cannot tolerate, oral baclofen.", valueName: "bool"))
    var oralBaclofenFailed: String?

    @Option(help: ArgumentHelp("Colorectal cancer metastases are limited to the liver.", valueName: "bool"))
    var metastasesLimitedToLiver: String?

    @Option(help: ArgumentHelp("Previously received treprostinil via an external pump.", valueName: "bool"))
    var priorExternalTreprostinil: String?

    @Option(help: ArgumentHelp("Pain is severe, chronic and intractable.", valueName: "bool"))
    var severeChronicIntractable: String?

    @Option(help: ArgumentHelp("Pain reduction of the analgesic trial, percent from 0 to 100.", valueName: "n"))
    var trialReductionPercent: String?

    @Option(help: ArgumentHelp("Route of the analgesic trial: \(wordsHelp(Route.self)).", valueName: "route"))
    var trialRoute: String?

    @OptionGroup var global: GlobalOptions

    func request() throws(PumpCtlError) -> ControlRequest {
        let serial = try Validation.serial(serial)
        let patient = try Validation.reference(patient, flag: "--patient")
        let indication = try Validation.word(indication, as: Indication.self, flag: "--indication")
        let drug = try Validation.word(drug, as: Drug.self, flag: "--drug")
        let route = try Validation.word(route, as: Route.self, flag: "--route")
        func bool(_ text: String?, _ flag: String) throws(PumpCtlError) -> Bool? {
            guard let text else { return nil }
            return try Validation.bool(text, flag: flag)
        }
        var criteria = CriteriaDocument()
        criteria.severeRefractory = try bool(severeRefractory, "--severe-refractory")
        criteria.oralBaclofenFailed = try bool(oralBaclofenFailed, "--oral-baclofen-failed")
        criteria.metastasesLimitedToLiver = try bool(metastasesLimitedToLiver, "--metastases-limited-to-liver")
        criteria.priorExternalTreprostinil = try bool(priorExternalTreprostinil, "--prior-external-treprostinil")
        criteria.severeChronicIntractable = try bool(severeChronicIntractable, "--severe-chronic-intractable")
        if let trialReductionPercent {
            criteria.trialReductionPercent = try Validation.percent(
                trialReductionPercent, flag: "--trial-reduction-percent")
        }
        if let trialRoute {
            criteria.trialRoute = try Validation.word(trialRoute, as: Route.self, flag: "--trial-route").rawValue
        }
        let therapy = EnrollmentDocument(
            patient: patient, indication: indication.rawValue, drug: drug.rawValue, route: route.rawValue,
            criteria: criteria)
        return ControlRequest(op: .enroll, serial: serial, therapy: therapy)
    }
    static func render(_ document: EligibilityRecordDocument, _ style: TextStyle) -> String {
        Render.record(document, style)
    }
}

/// `pumpctl request-replacement SERIAL --reason convenience|upgrade|malfunction [--note TEXT]`.
struct RequestReplacementCommand: ControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "request-replacement",
        abstract: "Assesses a replacement request and prints the record.",
        discussion: """
            Reasons: convenience and upgrade are not medically necessary while the pump works, but a pump at \
            ERI or not functioning qualifies whatever the motive; malfunction (claimed, not shown by \
            telemetry) needs review. Determinations: \(wordsHelp(Determination.self)). Exits 66 for a serial \
            never seen nor enrolled.
            """)

    @Argument(help: ArgumentHelp("The pump's serial, e.g. SM2-004211.", valueName: "serial"))
    var serial: String

    @Option(help: ArgumentHelp("Why: \(wordsHelp(RequestReason.self)).", valueName: "word"))
    var reason: String

    @Option(help: ArgumentHelp("A note kept with the request.", valueName: "text"))
    var note: String?

    @OptionGroup var global: GlobalOptions

    func request() throws(PumpCtlError) -> ControlRequest {
        let serial = try Validation.serial(serial)
        let reason = try Validation.word(reason, as: RequestReason.self, flag: "--reason")
        return ControlRequest(op: .requestReplacement, serial: serial, reason: reason.rawValue, note: note)
    }
    static func render(_ document: EligibilityRecordDocument, _ style: TextStyle) -> String {
        Render.record(document, style)
    }
}

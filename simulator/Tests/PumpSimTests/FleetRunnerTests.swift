import PumpControlProtocol
import PumpPolicy
import PumpSimKit
import Synchronization
import Testing

/// A stand-in for the daemon's control side: it enrolls into memory and derives records and
/// states from what the fake ingest server stored, with the simulator's reference reading.
final class FakeDaemonControl: DaemonControl {
    let server: FakeIngestServer
    let messagesByID: [String: PumpMessage]
    let order: [String]
    let therapies = Mutex([String: EnrollmentDocument]())
    /// Records to leave out (by serial and criterion), to prove the comparison catches it.
    let withhold: Set<String>

    init(server: FakeIngestServer, fleet: Fleet, withhold: Set<String> = []) {
        self.server = server
        var byID: [String: PumpMessage] = [:]
        var order: [String] = []
        for m in fleet.messages() {
            byID[m.id] = m
            order.append(m.id)
        }
        self.messagesByID = byID
        self.order = order
        self.withhold = withhold
    }

    static func document(_ r: ExpectedRecord, serial: String, n: Int) -> EligibilityRecordDocument {
        EligibilityRecordDocument(
            id: "R-\(n)", serial: serial, type: r.type, trigger: r.trigger, requestReason: r.reason,
            determination: r.determination, clause: r.clause, replacementCriterion: r.criterion,
            indication: IndicationDocument(status: "covered", clause: nil), missing: r.missing ?? [],
            suppliesCovered: r.determination == "medically_necessary", evidence: [],
            policy: PolicyIdentityDocument(id: "CG-SURG-79", effective: "2023-09-27"), createdAt: "", note: nil)
    }

    private func monitors() -> [String: ReferenceMonitor] {
        let stored = server.state.withLock { Set($0.stored.keys) }
        var monitors: [String: ReferenceMonitor] = [:]
        for (serial, therapy) in therapies.withLock({ $0 }) {
            try? monitors[serial, default: ReferenceMonitor()].enroll(therapy)
        }
        for id in order where stored.contains(id) {
            guard let m = messagesByID[id] else { continue }
            try? monitors[m.serial, default: ReferenceMonitor()].receive(m)
        }
        return monitors
    }

    func enroll(serial: String, therapy: EnrollmentDocument) throws(ControlError) -> EligibilityRecordDocument {
        therapies.withLock { $0[serial] = therapy }
        guard let a = try? PolicyOracle.implant(therapy) else {
            throw ControlError(operation: "enroll", message: "bad data")
        }
        return Self.document(
            ExpectedRecord(
                type: "implant", trigger: "request", criterion: nil, determination: a.determination.rawValue,
                clause: a.clause),
            serial: serial, n: 0)
    }

    func requestReplacement(serial: String, reason: RequestReason, note: String?) throws(ControlError)
        -> EligibilityRecordDocument
    {
        throw ControlError(operation: "request-replacement", message: "not used in fleet runs")
    }

    func eligibility(serial: String?) throws(ControlError) -> RecordListDocument {
        var out: [EligibilityRecordDocument] = []
        for (s, monitor) in monitors().sorted(by: { $0.key < $1.key }) where serial == nil || serial == s {
            for r in monitor.records where !withhold.contains("\(s)/\(r.criterion ?? "")") {
                out.append(Self.document(r, serial: s, n: out.count))
            }
        }
        return RecordListDocument(records: out)
    }

    func devices() throws(ControlError) -> DeviceListDocument {
        DeviceListDocument(
            devices: monitors().map {
                DeviceSummaryDocument(
                    serial: $0.key, model: nil, state: $0.value.judgement.state.rawValue, battery: nil, lastSeen: nil)
            })
    }

    func events(serial: String, limit: Int) throws(ControlError) -> EventListDocument {
        let stored = server.state.withLock { $0.stored }
        let ids = order.filter { messagesByID[$0]?.serial == serial && stored[$0] != nil }
        return EventListDocument(events: ids.suffix(limit).map { .object(["id": .string($0)]) })
    }
}

@Suite struct FleetRunnerTests {
    static let configuration = FleetConfiguration(
        pumps: 24, span: 6 * SimTime.year, seed: 8, statusInterval: 7 * SimTime.day, faultScale: 25, therapyMix: .mixed)

    static func sender(_ path: String) -> IngestSender {
        IngestSender(
            configuration: SenderConfiguration(
                address: .unix(path: path), connections: 3, window: 32, initialBackoff: .milliseconds(1),
                maxBackoff: .milliseconds(5)))
    }

    @Test func aCorrectDaemonPassesAndEveryAcknowledgedMessageIsVerified() throws {
        let server = try FakeIngestServer(unavailableFirst: { $0.hasSuffix("7") }, dropAtLine: 500)
        defer { server.stop() }
        let fleet = Fleet(Self.configuration)
        let control = FakeDaemonControl(server: server, fleet: fleet)
        let result = try FleetRunner(fleet: fleet, sender: Self.sender(server.path), control: control, verify: true)
            .run()
        #expect(result.discrepancies.details == [])
        #expect(result.passed)
        #expect(result.lost?.isEmpty == true)
        #expect(result.tally.failed.values.reduce(0, +) > 5)
        #expect(result.telemetryRecords > 5)
        #expect(result.send.counts.resent > 0)
        #expect(result.summary.last == "RESULT: PASS")
    }

    @Test func aMissedFailureFailsTheRun() throws {
        let server = try FakeIngestServer()
        defer { server.stop() }
        let fleet = Fleet(Self.configuration)
        let failed = try #require(fleet.pumps.first { $0.truth.failure != nil })
        let control = FakeDaemonControl(server: server, fleet: fleet, withhold: ["\(failed.serial)/non_function"])
        let result = try FleetRunner(fleet: fleet, sender: Self.sender(server.path), control: control, verify: false)
            .run()
        #expect(result.discrepancies.missedFailures == 1)
        #expect(!result.passed)
        #expect(result.summary.last == "RESULT: FAIL")
    }

    @Test func aNonFunctionRecordForABriefStallIsAFalseMedicallyNecessaryRecord() throws {
        let fleet = Fleet(
            FleetConfiguration(
                pumps: 60, span: 3 * SimTime.year, seed: 2, kindWeights: [(.synchromed, 1)], faultScale: 20))
        let brief = try #require(fleet.pumps.first { $0.truth.onlyStalledBriefly && $0.truth.reachedERIAt == nil })
        let record = FakeDaemonControl.document(
            ExpectedRecord(
                type: "replacement", trigger: "telemetry", criterion: "non_function",
                determination: "medically_necessary",
                clause: "MN.replacement.non_function"), serial: brief.serial, n: 1)
        let d = FleetComparison.compare(
            pumps: [brief], records: [record],
            devices: [
                DeviceSummaryDocument(
                    serial: brief.serial, model: nil, state: "functional", battery: nil, lastSeen: nil)
            ],
            resentSerials: [])
        #expect(d.falseMedicallyNecessary == 1)
        #expect(d.wrongReason == 1)  // and the implant record is missing
        #expect(d.missedFailures == 0)
    }
}

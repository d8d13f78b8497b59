import Foundation
import GRDB
import PumpControlProtocol
import PumpHealth
import PumpStore
import PumpTelemetry
import PumpTesting
import Testing

/// A store written by earlier versions (rows inserted with their SQL and their value forms: JSON
/// text as their `JSONEncoder` wrote it, `health` as JSON or binary) opens and answers the same
/// through the row types.
@Suite struct EarlierStoreTests {
    static let t0: Int64 = 1_790_000_000_000_000  // 2026-09-21T14:13:20Z
    static let status =
        #"{"v":1,"id":"s1","serial":"SM2-000001","kind":"status","at":"2026-09-21T14:13:20Z","model":"SynchroMed II","battery":{"state":"ERI"},"motor":"ok"}"#
    static let alert =
        #"{"v":1,"id":"a1","serial":"SM2-000001","kind":"alert","at":"2026-09-21T14:14:20Z","code":"BATTERY_ERI","severity":"warning","state":"raised","detail":"tab\there / é"}"#

    /// Creates the schema through the store, then writes rows the way earlier versions did.
    static func earlierStore(in directory: TemporaryDirectory) throws -> String {
        try PumpStore(directory: directory.path).close()
        let path = (directory.path as NSString).appendingPathComponent(PumpStore.fileName)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            for (id, (line, kind, code, state, at)) in [
                (Self.status, "status", nil, nil, t0), (Self.alert, "alert", "BATTERY_ERI", "raised", t0 + 60_000_000),
            ].enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO message (serial, message_id, kind, code, alert_state, at, at_text, received_at,
                                             content_hash, raw)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        "SM2-000001", ["s1", "a1"][id], kind, code, state, at, Timestamp.format(micros: at), at + 7,
                        42, Data(line.utf8),
                    ])
            }
            var health = PumpHealth()
            health.apply(
                .status(
                    id: "s1", battery: "ERI", motor: "ok", at: t0, atText: "2026-09-21T14:13:20Z",
                    receivedAt: t0 + 7))
            try db.execute(
                sql: """
                    INSERT INTO pump (serial, model, battery, state, first_seen, last_seen, latest_status_id,
                                      latest_status_at, health, stall_deadline, raised_non_function,
                                      raised_impending_failure)
                    VALUES ('SM2-000001', 'SynchroMed II', 'ERI', 'impending_failure', ?, ?, 1, ?, ?, NULL, 0, 1)
                    """,
                arguments: [t0, t0 + 60_000_007, t0, try JSONEncoder().encode(health)])
            try db.execute(
                sql: "INSERT INTO pump (serial, first_seen) VALUES ('C3K-000002', ?)", arguments: [t0])
            try db.execute(
                sql: """
                    INSERT INTO therapy (serial, patient, indication, drug, route, criteria, enrolled_at, current)
                    VALUES ('C3K-000002', 'P-1', 'spasticity', 'baclofen', 'intrathecal', ?, ?, 1)
                    """,
                arguments: [#"{"oral_baclofen_failed":true,"severe_refractory":true}"#, t0])
            try db.execute(
                sql: """
                    INSERT INTO record (serial, type, trigger, request_reason, determination, clause,
                        replacement_criterion, indication_status, indication_clause, missing, supplies_covered,
                        evidence, note, therapy_id, created_at)
                    VALUES ('SM2-000001', 'replacement', 'telemetry', NULL, 'needs_review', 'MN.replacement.impending_failure',
                        'impending_failure', 'unknown', NULL, '["indication"]', 0,
                        '[{"kind":"alert","message_id":"a1","at":"2026-09-21T14:14:20Z","code":"BATTERY_ERI"},{"message_id":"s1","kind":"status","code":null,"at":"2026-09-21T14:13:20Z"}]',
                        'a "note" / é', NULL, ?)
                    """,
                arguments: [t0 + 60_000_007])
            try db.execute(
                sql: "INSERT INTO quarantine (received_at, reason, detail, message_id, raw) VALUES (?, ?, ?, NULL, ?)",
                arguments: [t0 + 1, "malformed_json", "not JSON", Data("{nope".utf8)])
        }
        try queue.close()
        return path
    }

    @Test func everyQueryAnswersFromAnEarlierStore() async throws {
        let t0 = Self.t0
        let directory = try TemporaryDirectory(prefix: "pme")
        defer { directory.remove() }
        let path = try Self.earlierStore(in: directory)
        let store = try PumpStore(path: path)
        defer { try? store.close() }

        let counts = try await store.counts()
        #expect(counts.pumps == 2 && counts.messages == 2 && counts.records == 1 && counts.rejected == 1)
        #expect(try await store.pumpExists("C3K-000002"))
        #expect(try await !store.pumpExists("C3K-000009"))

        #expect(
            try await store.devices(state: nil).devices == [
                DeviceSummaryDocument(serial: "C3K-000002", model: nil, state: "unknown", battery: nil, lastSeen: nil),
                // The reason of a pump stored before `pump.reason` existed is read from its
                // failure-detection state when the store is opened.
                DeviceSummaryDocument(
                    serial: "SM2-000001", model: "SynchroMed II", state: "impending_failure", battery: "ERI",
                    lastSeen: Timestamp.format(micros: t0 + 60_000_007), reason: "battery_eri"),
            ])
        #expect(try await store.devices(state: "impending_failure").devices.map(\.serial) == ["SM2-000001"])

        let pump = try #require(try await store.device("SM2-000001"))
        #expect(pump.therapy == nil)
        #expect(
            pump.openAlerts == [
                OpenAlertDocument(
                    messageID: "a1", code: "BATTERY_ERI", severity: "warning", at: "2026-09-21T14:14:20Z",
                    detail: "tab\there / é")
            ])
        #expect(pump.latestStatus?.objectValue?["id"] == .string("s1"))
        #expect(pump.latestStatus?.objectValue?["received_at"] == .string(Timestamp.format(micros: t0 + 7)))
        let enrolled = try #require(try await store.device("C3K-000002"))
        #expect(
            enrolled.therapy
                == TherapyDocument(
                    patient: "P-1", indication: "spasticity", drug: "baclofen", route: "intrathecal",
                    criteria: CriteriaDocument(severeRefractory: true, oralBaclofenFailed: true),
                    enrolledAt: Timestamp.format(micros: t0)))

        let events = try await store.events(serial: "SM2-000001", limit: 50).events
        #expect(events.map { $0.objectValue?["id"] } == [.string("a1"), .string("s1")])
        #expect(events.first?.objectValue?["detail"] == .string("tab\there / é"))
        #expect(try await store.events(serial: "SM2-000001", limit: 1).events.count == 1)

        let records = try await store.records(serial: nil, determination: nil).records
        #expect(
            records == [
                EligibilityRecordDocument(
                    id: "R-000001", serial: "SM2-000001", type: "replacement", trigger: "telemetry",
                    requestReason: nil, determination: "needs_review", clause: "MN.replacement.impending_failure",
                    replacementCriterion: "impending_failure",
                    indication: IndicationDocument(status: "unknown", clause: nil), missing: ["indication"],
                    suppliesCovered: false,
                    evidence: [
                        EvidenceDocument(
                            messageID: "a1", kind: "alert", code: "BATTERY_ERI", at: "2026-09-21T14:14:20Z"),
                        EvidenceDocument(messageID: "s1", kind: "status", code: nil, at: "2026-09-21T14:13:20Z"),
                    ],
                    policy: PolicyIdentityDocument(id: "CG-SURG-79", effective: "2023-09-27"),
                    createdAt: Timestamp.format(micros: t0 + 60_000_007), note: #"a "note" / é"#)
            ])
        #expect(try await store.records(serial: "C3K-000002", determination: nil).records.isEmpty)
        #expect(try await store.records(serial: nil, determination: "medically_necessary").records.isEmpty)

        #expect(
            try await store.rejected(limit: 5).rejected == [
                RejectedDocument(
                    receivedAt: Timestamp.format(micros: t0 + 1), reason: "malformed_json", detail: "not JSON",
                    raw: "{nope", rawBase64: "e25vcGU=")
            ])
        #expect(try await store.nextStallDeadline() == nil)
    }
}

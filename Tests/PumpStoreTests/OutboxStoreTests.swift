import PumpStore
import PumpTesting
import Testing

/// The HL7 outbox (`v5-hl7-outbox`): rows in order, each control id unique, the last queued status
/// per alert, and the rows still to send.
@Suite struct OutboxStoreTests {
    @Test func queuedRowsKeepTheirOrderAndTheLastStatusPerAlertAndLeaveTheUnsentOnesToSend() async throws {
        let directory = try TemporaryDirectory(prefix: "outbox")
        defer { directory.remove() }
        let store = try PumpStore(directory: directory.path)
        defer { try? store.close() }
        func queue(_ name: String, _ serial: String, _ status: String) async throws -> OutboxRow {
            try await store.write { tx in
                try tx.queueOutbox(
                    alertname: name, serial: serial, status: status, createdAt: 1, controlPrefix: "P-"
                ) { Array("MSH|\($0)".utf8) }
            }
        }
        let a = try await queue("PumpNonFunctional", "A", "firing")
        let b = try await queue("PumpReservoirEmpty", "B", "firing")
        let c = try await queue("PumpReservoirEmpty", "B", "resolved")
        #expect([a.controlID, b.controlID, c.controlID] == ["P-1", "P-2", "P-3"])
        #expect(Array(c.message) == Array("MSH|P-3".utf8))
        #expect(
            try await store.outboxLastQueued() == [
                OutboxAlertKey(alertname: "PumpNonFunctional", serial: "A"): "firing",
                OutboxAlertKey(alertname: "PumpReservoirEmpty", serial: "B"): "resolved",
            ])

        try await store.write { tx in
            try tx.markOutboxAcknowledged(id: a.id, at: 10)
            try tx.noteOutboxAttempt(id: b.id, error: "cannot connect")
            try tx.markOutboxRefused(id: c.id, at: 11, error: "AE: no")
        }
        #expect(try await store.outboxUnsent(limit: 10).map(\.controlID) == ["P-2"])
        #expect(try await store.outboxUnsentCount() == 1)
        let rows = try await store.outboxRows()
        #expect(rows.map(\.attempts) == [1, 1, 1])
        #expect(rows.map(\.acknowledgedAt) == [10, nil, nil])
        #expect(rows.map(\.refusedAt) == [nil, nil, 11])
        #expect(rows.map(\.lastError) == [nil, "cannot connect", "AE: no"])

        // Ids are never reused: a row queued after the latest one gets the next id and control id.
        let d = try await queue("PumpNonFunctional", "A", "resolved")
        #expect(d.controlID == "P-4")
    }
}

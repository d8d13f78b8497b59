import Foundation
import PumpAlertKit
import PumpControlProtocol
import Testing

/// The send rules, without sockets or sleeps: every change takes the time it happens at.
@Suite struct AlertBookTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func alert(
        _ name: AlertName = .pumpNonFunctional, serial: String = "SM2-000001", status: AlertDocument.Status = .firing,
        reason: String = "end_of_service", endsAt: String? = nil
    ) -> AlertDocument {
        AlertDocument(
            alertname: name, status: status, serial: serial, model: "SynchroMed II", reason: reason,
            clause: "non_function", summary: "Pump \(serial) does not work", recordID: "rec-1",
            evidence: ["m-1", "m-2"], command: "pumpctl device \(serial)", startsAt: "2026-11-30T10:00:00.000Z",
            endsAt: endsAt)
    }

    static func event(_ alert: AlertDocument) -> WatchEventDocument {
        WatchEventDocument(event: .alert, at: "2026-11-30T10:00:01.000Z", alert: alert)
    }

    static let synced = WatchEventDocument(event: .synced, at: "2026-11-30T10:00:01.000Z")

    /// A book past its first snapshot, with `firing` in it.
    static func following(_ firing: [AlertDocument] = [], rules: AlertBook.Rules = AlertBook.Rules()) -> AlertBook {
        var book = AlertBook(rules: rules)
        book.beginSnapshot()
        for alert in firing { _ = book.apply(event(alert), now: t0) }
        _ = book.apply(synced, now: t0)
        return book
    }

    @Test func theLabelsAndAnnotationsAreTheOnesTheContractNames() {
        let posted = PostableAlert(Self.alert(), endsAt: "2026-11-30T10:04:00.000Z")
        #expect(
            posted.labels == [
                "alertname": "PumpNonFunctional", "severity": "critical", "serial": "SM2-000001",
                "model": "SynchroMed II", "reason": "end_of_service", "clause": "non_function",
            ])
        #expect(
            posted.annotations == [
                "summary": "Pump SM2-000001 does not work", "record_id": "rec-1", "evidence": "m-1,m-2",
                "command": "pumpctl device SM2-000001",
            ])
        #expect(posted.startsAt == "2026-11-30T10:00:00.000Z")
        var bare = Self.alert(.pumpSilent, reason: "silent")
        bare.model = nil
        bare.clause = nil
        bare.recordID = nil
        let silent = PostableAlert(bare, endsAt: "x")
        #expect(silent.labels.keys.sorted() == ["alertname", "reason", "serial", "severity"])
        #expect(silent.labels["severity"] == "warning")
        #expect(silent.annotations["record_id"] == nil)
    }

    @Test func theBodyIsAJSONArrayOfPostableAlerts() throws {
        let body = try PostableAlert.body([PostableAlert(Self.alert(), endsAt: "2026-11-30T10:04:00.000Z")])
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.hasPrefix("[{\"annotations\":{"))
        #expect(text.contains("\"endsAt\":\"2026-11-30T10:04:00.000Z\""))
        #expect(text.contains("\"startsAt\":\"2026-11-30T10:00:00.000Z\""))
        let decoded = try JSONDecoder().decode([PostableAlert].self, from: Data(body))
        #expect(decoded == [PostableAlert(Self.alert(), endsAt: "2026-11-30T10:04:00.000Z")])
    }

    @Test func aNewFiringAlertIsSentAtOnceEndingFourResendIntervalsAhead() {
        var book = Self.following(rules: AlertBook.Rules(resend: .seconds(60)))
        let sends = book.apply(Self.event(Self.alert()), now: Self.t0)
        #expect(sends == [PostableAlert(Self.alert(), endsAt: Timestamp.rfc3339(Self.t0 + 240))])
        #expect(book.firing.count == 1)
    }

    @Test func nothingIsSentDuringTheSnapshotAndEverythingFiringAtItsEnd() {
        var book = AlertBook()
        book.beginSnapshot()
        #expect(book.apply(Self.event(Self.alert(serial: "SM2-000002")), now: Self.t0) == [])
        #expect(book.apply(Self.event(Self.alert(serial: "SM2-000001")), now: Self.t0) == [])
        #expect(book.isSyncing)
        let sends = book.apply(Self.synced, now: Self.t0)
        #expect(sends.map { $0.labels["serial"] } == ["SM2-000001", "SM2-000002"])
        #expect(sends.allSatisfy { $0.endsAt == Timestamp.rfc3339(Self.t0 + 240) })
        #expect(!book.isSyncing)
    }

    @Test func aResolvedAlertIsSentAtOnceWithItsResolveTime() {
        var book = Self.following([Self.alert()])
        let resolved = Self.alert(status: .resolved, endsAt: "2026-11-30T11:00:00.000Z")
        let sends = book.apply(Self.event(resolved), now: Self.t0 + 5)
        #expect(sends == [PostableAlert(Self.alert(), endsAt: "2026-11-30T11:00:00.000Z")])
        #expect(book.firing.isEmpty)
    }

    @Test func aResolvedAlertWithoutItsTimeEndsNow() {
        var book = Self.following([Self.alert()])
        let sends = book.apply(Self.event(Self.alert(status: .resolved)), now: Self.t0 + 5)
        #expect(sends.map(\.endsAt) == [Timestamp.rfc3339(Self.t0 + 5)])
    }

    @Test func everyResendCarriesEveryFiringAlertAndTheRecentlyResolvedOnes() {
        let rules = AlertBook.Rules(resend: .seconds(60), resolvedResend: .seconds(900))
        var book = Self.following(
            [Self.alert(serial: "SM2-000001"), Self.alert(serial: "SM2-000002")], rules: rules)
        _ = book.apply(
            Self.event(Self.alert(serial: "SM2-000002", status: .resolved, endsAt: "2026-11-30T10:01:00.000Z")),
            now: Self.t0)
        let first = book.due(now: Self.t0 + 60)
        #expect(first.count == 2)
        #expect(first[0].labels["serial"] == "SM2-000001" && first[0].endsAt == Timestamp.rfc3339(Self.t0 + 300))
        #expect(first[1].labels["serial"] == "SM2-000002" && first[1].endsAt == "2026-11-30T10:01:00.000Z")
        // Still within the 15 minutes: sent again; after them: forgotten.
        #expect(book.due(now: Self.t0 + 899).count == 2)
        let later = book.due(now: Self.t0 + 901)
        #expect(later.map { $0.labels["serial"] } == ["SM2-000001"])
        #expect(book.resolvedCount == 0)
    }

    @Test func aReconnectionsSnapshotIsTheTruth() {
        var book = Self.following([Self.alert(serial: "SM2-000001"), Self.alert(serial: "SM2-000002")])
        book.beginSnapshot()
        _ = book.apply(Self.event(Self.alert(serial: "SM2-000002")), now: Self.t0 + 10)
        _ = book.apply(
            Self.event(Self.alert(.pumpReservoirEmpty, serial: "SM2-000003", reason: "EMPTY_RESERVOIR")),
            now: Self.t0 + 10)
        // Firing during the snapshot changes nothing yet: the old state still stands.
        #expect(book.firing.count == 2)
        let sends = book.apply(Self.synced, now: Self.t0 + 10)
        // SM2-000001 is gone from the store's truth: resolved, now. The others are sent firing.
        #expect(sends.count == 3)
        #expect(sends[0].labels["serial"] == "SM2-000001" && sends[0].endsAt == Timestamp.rfc3339(Self.t0 + 10))
        #expect(Set(sends[1...].map { $0.labels["serial"] }) == ["SM2-000002", "SM2-000003"])
        #expect(sends[1...].allSatisfy { $0.endsAt == Timestamp.rfc3339(Self.t0 + 250) })
        #expect(Set(book.firing.keys.map(\.serial)) == ["SM2-000002", "SM2-000003"])
    }

    @Test func anAlertWhoseLabelsChangeResolvesItsOldLabelSet() {
        var book = Self.following([Self.alert(reason: "motor_stall")])
        let sends = book.apply(Self.event(Self.alert(reason: "end_of_service")), now: Self.t0)
        #expect(sends.count == 2)
        #expect(sends[0].labels["reason"] == "motor_stall" && sends[0].endsAt == Timestamp.rfc3339(Self.t0))
        #expect(sends[1].labels["reason"] == "end_of_service" && sends[1].endsAt == Timestamp.rfc3339(Self.t0 + 240))
    }

    @Test func aResolvedAlertThatFiresAgainIsNoLongerSentResolved() {
        var book = Self.following([Self.alert()])
        _ = book.apply(Self.event(Self.alert(status: .resolved)), now: Self.t0)
        _ = book.apply(Self.event(Self.alert()), now: Self.t0 + 1)
        let due = book.due(now: Self.t0 + 60)
        #expect(due == [PostableAlert(Self.alert(), endsAt: Timestamp.rfc3339(Self.t0 + 300))])
    }

    @Test func pumpAndRecordEventsSendNothing() {
        var book = Self.following()
        #expect(book.apply(WatchEventDocument(event: .pump, at: "x"), now: Self.t0) == [])
        #expect(book.apply(WatchEventDocument(event: .record, at: "x"), now: Self.t0) == [])
    }

    @Test func theQueueSendsEachLabelSetOnceInItsLatestState() async {
        let dispatch = AlertDispatch(rules: AlertBook.Rules())
        await dispatch.beginSnapshot()
        await dispatch.apply(Self.synced, now: Self.t0)
        await dispatch.apply(Self.event(Self.alert(serial: "SM2-000001")), now: Self.t0)
        await dispatch.apply(Self.event(Self.alert(serial: "SM2-000002")), now: Self.t0)
        await dispatch.apply(Self.event(Self.alert(serial: "SM2-000001", status: .resolved)), now: Self.t0 + 1)
        let batch = await dispatch.takePending()
        #expect(batch.map { $0.labels["serial"] } == ["SM2-000002", "SM2-000001"])
        #expect(batch[1].endsAt == Timestamp.rfc3339(Self.t0 + 1))
        #expect(await dispatch.takePending() == [])
    }
}

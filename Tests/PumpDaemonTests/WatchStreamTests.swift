import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// A `watch` connection read line by line, each line a `WatchEventDocument` reply.
final class WatchClient {
    let socket: LineSocket

    init(controlSocket: String, timeout: Int = 20) throws {
        socket = try LineSocket(unixPath: controlSocket)
        socket.setReceiveTimeout(seconds: timeout)
        try socket.send(#"{"op":"watch"}"# + "\n")
    }

    /// The next event; throws at the end of the stream or after the timeout.
    func next() throws -> WatchEventDocument {
        guard let line = try socket.readLine() else { throw HarnessError.noReply }
        let reply = try JSONDecoder().decode(ControlReply<WatchEventDocument>.self, from: Data(line.utf8))
        guard let event = reply.result else { throw HarnessError.unexpectedReply(line) }
        return event
    }

    /// The snapshot: every event before `synced`.
    func snapshot() throws -> [WatchEventDocument] {
        var events: [WatchEventDocument] = []
        while true {
            let event = try next()
            if event.event == .synced { return events }
            events.append(event)
        }
    }
}

@Suite("The watch stream")
struct WatchStreamTests {
    @Test func snapshotThenSyncedThenEveryChangeInCommitOrder() throws {
        let h = try DaemonHarness()
        let replies = try h.send([
            Lines.status("SM2-000001", id: "a1", at: Lines.time(-600)),
            Lines.alert("SM2-000002", id: "b1", code: "EMPTY_RESERVOIR", at: Lines.time(-600), severity: "critical"),
        ])
        #expect(replies.map(\.result) == ["accepted", "accepted"])

        let watch = try WatchClient(controlSocket: h.daemon.controlSocket)
        let snapshot = try watch.snapshot()
        #expect(snapshot.map(\.event) == [.pump, .pump, .alert])
        #expect(snapshot.compactMap(\.pump?.serial) == ["SM2-000001", "SM2-000002"])
        #expect(snapshot[0].pump?.state == "functional")
        let empty = try #require(snapshot[2].alert)
        #expect(empty.alertname == .pumpReservoirEmpty)
        #expect(empty.status == .firing)
        #expect(empty.serial == "SM2-000002")
        #expect(empty.evidence == ["b1"])

        // An EOS frame: the record, the pump's new state, the alert, in that order.
        #expect(
            try h.send([Lines.status("SM2-000001", id: "a2", at: Lines.time(-60), battery: #"{"state":"EOS"}"#)])
                .map(\.result) == ["accepted"])
        let record = try #require(try watch.next().record)
        #expect(record.serial == "SM2-000001")
        #expect(record.replacementCriterion == "non_function")
        let pump = try #require(try watch.next().pump)
        #expect(pump.serial == "SM2-000001")
        #expect(pump.state == "non_functional")
        #expect(pump.reason == "end_of_service")
        let firing = try #require(try watch.next().alert)
        #expect(firing.alertname == .pumpNonFunctional)
        #expect(firing.status == .firing)
        #expect(firing.severity == "critical")
        #expect(firing.reason == "end_of_service")
        #expect(firing.recordID == record.id)
        #expect(firing.clause == record.clause)
        #expect(firing.evidence == record.evidence.map(\.messageID))
        #expect(firing.command == "pumpctl device SM2-000001")
        #expect(firing.endsAt == nil)

        // A refill clears the empty reservoir.
        _ = try h.send([
            Lines.alert(
                "SM2-000002", id: "b2", code: "EMPTY_RESERVOIR", at: Lines.time(-30), state: "cleared",
                severity: "info")
        ])
        let resolved = try #require(try watch.next().alert)
        #expect(resolved.alertname == .pumpReservoirEmpty)
        #expect(resolved.status == .resolved)
        #expect(resolved.endsAt != nil)

        // Retiring resolves the pump's alerts.
        let retired = try h.control(
            ControlRequest(op: .retire, serial: "SM2-000001", reason: "explanted"), as: RetirementDocument.self)
        #expect(retired.result?.state == "retired")
        let retiredPump = try #require(try watch.next().pump)
        #expect(retiredPump.state == "retired")
        #expect(retiredPump.reason == "explanted")
        let ended = try #require(try watch.next().alert)
        #expect(ended.alertname == .pumpNonFunctional)
        #expect(ended.status == .resolved)

        // A fresh watcher sees the firing state of now: the retired pump is left out.
        let later = try WatchClient(controlSocket: h.daemon.controlSocket).snapshot()
        #expect(later.compactMap(\.pump?.serial) == ["SM2-000002"])
        #expect(later.compactMap(\.alert).isEmpty)
    }

    @Test func aStatusReportingDrugAfterAnEmptyReservoirResolvesItAlsoAfterARestart() throws {
        let h = try DaemonHarness()
        let empty = Lines.alert(
            "SM2-000003", id: "e1", code: "EMPTY_RESERVOIR", at: Lines.time(-600), severity: "critical")
        // A status before the alert, with drug, is no refill of it.
        let before = Self.reservoir(id: "s0", at: -900, ml: 12)
        #expect(try h.send([before, empty]).map(\.result) == ["accepted", "accepted"])
        let watch = try WatchClient(controlSocket: h.daemon.controlSocket)
        #expect(try watch.snapshot().compactMap(\.alert).map(\.alertname) == [.pumpReservoirEmpty])

        // Still empty: no refill.
        let dry = Self.reservoir(id: "s1", at: -300, ml: 0)
        let refill = Self.reservoir(id: "s2", at: -60, ml: 20)
        #expect(try h.send([dry]).map(\.result) == ["accepted"])
        #expect(try h.send([refill]).map(\.result) == ["accepted"])
        var resolved: AlertDocument?
        while resolved == nil {
            let event = try watch.next()
            #expect(event.alert?.messageIDsAreNot(["s1"]) ?? true)
            resolved = event.alert
        }
        #expect(resolved?.alertname == .pumpReservoirEmpty)
        #expect(resolved?.status == .resolved)

        // A restarted daemon rebuilds its alerts from the store: the refill still holds.
        _ = h.daemon.stop()
        try h.daemon.start()
        let again = try WatchClient(controlSocket: h.daemon.controlSocket).snapshot()
        #expect(again.compactMap(\.pump?.serial) == ["SM2-000003"])
        #expect(again.compactMap(\.alert).isEmpty)
    }

    @Test func aRestartedDaemonFiresTheReservoirAlertsItFiredBeforeForEveryPump() throws {
        let h = try DaemonHarness()
        func alert(_ serial: String, _ id: String, _ code: String, _ seconds: TimeInterval, cleared: Bool = false)
            -> String
        {
            Lines.alert(serial, id: id, code: code, at: Lines.time(seconds), state: cleared ? "cleared" : "raised")
        }
        let lines = [
            // Cleared, and a raise from before the clear arriving after it: closed.
            alert("SM2-000010", "a1", "LOW_RESERVOIR", -900),
            alert("SM2-000010", "a2", "LOW_RESERVOIR", -600, cleared: true),
            alert("SM2-000010", "a0", "LOW_RESERVOIR", -1200),
            // Both codes open.
            alert("SM2-000011", "b1", "LOW_RESERVOIR", -900),
            alert("SM2-000011", "b2", "EMPTY_RESERVOIR", -600),
            // Open, then retired (below): not held, and its alerts are passed over at start.
            alert("SM2-000012", "c1", "EMPTY_RESERVOIR", -600),
            Lines.status("SM2-000013", id: "d1", at: Lines.time(-600)),
            // Raised twice: the later one is the evidence.
            alert("SM2-000014", "e1", "LOW_RESERVOIR", -300),
            alert("SM2-000014", "e2", "LOW_RESERVOIR", -200),
        ]
        #expect(try h.send(lines).map(\.result) == Array(repeating: "accepted", count: lines.count))
        _ = try h.control(
            ControlRequest(op: .retire, serial: "SM2-000012", reason: "explanted"), as: RetirementDocument.self)
        func firing() throws -> [String] {
            try WatchClient(controlSocket: h.daemon.controlSocket).snapshot().compactMap(\.alert).map {
                "\($0.serial) \($0.alertname.rawValue) \($0.evidence)"
            }
        }
        let before = try firing()
        #expect(before.contains("SM2-000011 PumpReservoirEmpty [\"b2\"]"))
        #expect(before.contains("SM2-000014 PumpReservoirLow [\"e2\"]"))
        #expect(!before.contains { $0.hasPrefix("SM2-000010") || $0.hasPrefix("SM2-000012") })

        _ = h.daemon.stop()
        try h.daemon.start()
        #expect(try firing() == before)
    }

    @Test func aPumpEventIsSentOnlyWhenItsStateReasonOrModelChanges() throws {
        let h = try DaemonHarness()
        let watch = try WatchClient(controlSocket: h.daemon.controlSocket)
        #expect(try watch.snapshot().isEmpty)
        _ = try h.send([Lines.status("SM2-000001", id: "a1", at: Lines.time(-600))])
        let first = try #require(try watch.next().pump)
        #expect(first.state == "functional")
        _ = try h.send([Lines.status("SM2-000001", id: "a2", at: Lines.time(-500))])  // the same state
        _ = try h.send([Lines.status("SM2-000001", id: "a3", at: Lines.time(-400), battery: #"{"state":"ERI"}"#)])
        #expect(try watch.next().event == .record)
        let eri = try #require(try watch.next().pump)
        #expect(eri.state == "impending_failure")
        #expect(eri.reason == "battery_eri")
        #expect(try watch.next().alert?.alertname == .pumpImpendingFailure)
        // Enrolling a pump never seen shows it as unknown, then its implant record.
        let enrollment = EnrollmentDocument(
            patient: "P-1", indication: "spasticity", drug: "baclofen", route: "intrathecal",
            criteria: CriteriaDocument(severeRefractory: true, oralBaclofenFailed: true))
        _ = try h.control(
            ControlRequest(op: .enroll, serial: "SM2-000002", therapy: enrollment), as: EligibilityRecordDocument.self)
        let enrolled = try #require(try watch.next().pump)
        #expect(enrolled.serial == "SM2-000002")
        #expect(enrolled.state == "unknown")
        #expect(try watch.next().record?.type == "implant")
    }

    @Test func theBoardIsRebuiltFromTheStoreAfterARestart() throws {
        let h = try DaemonHarness()
        _ = try h.send([
            Lines.status("SM2-000001", id: "a1", at: Lines.time(-60), battery: #"{"state":"ERI"}"#),
            Lines.alert("SM2-000002", id: "b1", code: "LOW_RESERVOIR", at: Lines.time(-600)),
            Lines.alert("SM2-000003", id: "c1", code: "LOW_RESERVOIR", at: Lines.time(-600)),
            Lines.alert("SM2-000003", id: "c2", code: "LOW_RESERVOIR", at: Lines.time(-500), state: "cleared"),
        ])
        let before = try WatchClient(controlSocket: h.daemon.controlSocket).snapshot().compactMap(\.alert)
        #expect(h.daemon.stop() == 0)
        try h.daemon.start()
        let after = try WatchClient(controlSocket: h.daemon.controlSocket).snapshot().compactMap(\.alert)
        #expect(after.map(\.alertname) == [.pumpImpendingFailure, .pumpReservoirLow])
        #expect(after.map(\.serial) == ["SM2-000001", "SM2-000002"])
        #expect(after.map(\.recordID) == before.map(\.recordID))
        #expect(after.map(\.evidence) == before.map(\.evidence))
        #expect(after[0].reason == "battery_eri")
    }

    @Test func aWatcherThatNeverReadsIsDroppedWithoutHurtingIngest() throws {
        let h = try DaemonHarness(extraArguments: ["--max-watch-queue", "50"])
        let stuck = try WatchClient(controlSocket: h.daemon.controlSocket)
        _ = try stuck.snapshot()  // subscribed; from here on it reads nothing
        let lines = (0..<3000).map { i in
            Lines.alert(String(format: "SM2-%06d", i), id: "low", code: "LOW_RESERVOIR", at: Lines.time(-600))
        }
        let started = Date()
        let replies = try h.send(lines)
        let elapsed = Date().timeIntervalSince(started)
        #expect(replies.count == 3000)
        #expect(replies.allSatisfy { $0.result == "accepted" })
        #expect(elapsed < 20, "ingest took \(elapsed) s")
        // The daemon closed the stuck watcher: what it had buffered, then the end of the stream.
        var ended = false
        for _ in 0..<10_000 {
            guard (try? stuck.socket.readLine()) != nil else {
                ended = true
                break
            }
        }
        #expect(ended)
        #expect(h.daemon.log(tail: 400).contains("Watch connection closed: it fell behind"))
        // A new watcher gets a whole, fresh snapshot.
        let fresh = try WatchClient(controlSocket: h.daemon.controlSocket).snapshot()
        #expect(fresh.filter { $0.event == .pump }.count == 3000)
        #expect(fresh.filter { $0.alert?.alertname == .pumpReservoirLow }.count == 3000)
    }

    @Test func aWatchConnectionIsNeverClosedAsIdle() throws {
        let h = try DaemonHarness(extraArguments: ["--idle-timeout", "1"])
        let watch = try WatchClient(controlSocket: h.daemon.controlSocket)
        #expect(try watch.snapshot().isEmpty)
        Thread.sleep(forTimeInterval: 2.5)
        _ = try h.send([Lines.status("SM2-000001", id: "a1")])
        let pump = try #require(try watch.next().pump)
        #expect(pump.serial == "SM2-000001")
    }

    @Test func watchConnectionsCountAgainstTheControlConnectionCap() throws {
        let h = try DaemonHarness(extraArguments: ["--max-control-connections", "2"])
        // The harness's readiness probe may hold a slot for a moment after the start.
        func watcher() throws -> WatchClient {
            for _ in 0..<50 {
                if let watch = try? WatchClient(controlSocket: h.daemon.controlSocket), (try? watch.snapshot()) != nil {
                    return watch
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            throw HarnessError.noReply
        }
        let first = try watcher()
        let second = try watcher()
        let third = try LineSocket(unixPath: h.daemon.controlSocket)
        third.setReceiveTimeout(seconds: 10)
        try? third.send(#"{"op":"status"}"# + "\n")
        #expect((try? third.readLine()) == nil)
        withExtendedLifetime((first, second)) {}
    }

    @Test func silentPumpsFireAndAMessageResolvesIt() throws {
        let h = try DaemonHarness(extraArguments: ["--silence-alert", "2"])
        _ = try h.send([Lines.status("SM2-000001", id: "a1")])
        let watch = try WatchClient(controlSocket: h.daemon.controlSocket)
        // Fires 2 s after the message: in the snapshot when the watch came later than that.
        let early = try watch.snapshot().compactMap(\.alert).first { $0.alertname == .pumpSilent }
        let silent = try #require(try early ?? watch.next().alert)
        #expect(silent.alertname == .pumpSilent)
        #expect(silent.status == .firing)
        #expect(silent.reason == "silent")
        #expect(silent.evidence == ["a1"])
        _ = try h.send([Lines.status("SM2-000001", id: "a2")])
        let resolved = try #require(try watch.next().alert)
        #expect(resolved.alertname == .pumpSilent)
        #expect(resolved.status == .resolved)
    }
}

extension WatchStreamTests {
    /// A status of SM2-000003 `seconds` from now reporting `ml` of drug.
    fileprivate static func reservoir(id: String, at seconds: TimeInterval, ml: Int) -> String {
        String(Lines.status("SM2-000003", id: id, at: Lines.time(seconds)).dropLast()) + #","reservoir_ml":\#(ml)}"#
    }
}

extension AlertDocument {
    /// Whether none of `ids` is among the alert's evidence.
    fileprivate func messageIDsAreNot(_ ids: [String]) -> Bool { Set(evidence).isDisjoint(with: ids) }
}

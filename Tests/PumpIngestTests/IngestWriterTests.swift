import Foundation
import PumpHealth
import PumpIngest
import PumpStore
import PumpTelemetry
import PumpTesting
import Testing

/// The ingest writer against a real store file, with the daemon's clock in the test's hands.
@Suite struct IngestWriterTests {
    static let hour: Int64 = 3_600_000_000
    static let t0: Int64 = 1_790_000_000_000_000  // 2026-09-21, a fixed pump clock

    final class Fixture {
        let directory: TemporaryDirectory
        let store: PumpStore
        let writer: IngestWriter

        init() throws {
            directory = try TemporaryDirectory(prefix: "pms")
            store = try PumpStore(directory: directory.path)
            writer = IngestWriter(store: store, rules: StallRules())
        }

        deinit { directory.remove() }

        /// Commits lines, received at `now` (the daemon's clock).
        func commit(_ lines: [String], now: Int64) async -> [Reply] {
            let validator = FrameValidator()
            let items: [IngestItem] = lines.map { line in
                let raw = Array(line.utf8)
                switch validator.validate(raw, nowMicros: now) {
                case .valid(let m): return .message(m, raw: raw, receivedAt: now)
                case .rejected(let r): return .rejected(r, raw: raw, receivedAt: now)
                }
            }
            return await writer.commit(items, now: now).replies
        }
    }

    static func at(_ micros: Int64) -> String { Timestamp.format(micros: micros) }

    static func status(_ serial: String, _ id: String, at: Int64, motor: String = "ok", battery: String = "MOS")
        -> String
    {
        #"{"v":1,"id":"\#(id)","serial":"\#(serial)","kind":"status","at":"\#(Self.at(at))","model":"SynchroMed II","battery":{"state":"\#(battery)"},"motor":"\#(motor)"}"#
    }

    static func alert(_ serial: String, _ id: String, _ code: String, at: Int64, state: String = "raised") -> String {
        #"{"v":1,"id":"\#(id)","serial":"\#(serial)","kind":"alert","at":"\#(Self.at(at))","code":"\#(code)","severity":"warning","state":"\#(state)"}"#
    }

    @Test func aSilentStallBecomesNonFunctionOnTheDaemonClockOnlyAfterItsGrace() async throws {
        let f = try Fixture()
        let received = Self.t0 + Self.hour
        let replies = await f.commit([Self.alert("ST-1", "s", "MOTOR_STALL", at: Self.t0)], now: received)
        #expect(replies.map(\.result) == [.accepted])
        #expect(try await f.store.devices(state: nil).devices.first?.state == "stalled")
        // Exactly at the deadline: still within grace.
        #expect(try await f.writer.sweepSilentStalls(now: received + 2 * Self.hour).isEmpty)
        let raised = try await f.writer.sweepSilentStalls(now: received + 2 * Self.hour + 1)
        #expect(raised.map(\.criterion) == ["non_function"])
        #expect(try await f.store.devices(state: nil).devices.first?.state == "non_functional")
        let record = try #require(try await f.store.records(serial: "ST-1", determination: nil).records.first)
        #expect(record.evidence.map(\.messageID) == ["s"])
        // Sweeping again raises nothing more.
        #expect(try await f.writer.sweepSilentStalls(now: received + 10 * Self.hour).isEmpty)
    }

    @Test func anMRIStallRecoveringAfterTenHoursIsNotAFailure() async throws {
        let f = try Fixture()
        let lines = [
            Self.alert("MRI-1", "m", "MRI_EXPOSURE", at: Self.t0),
            Self.alert("MRI-1", "s", "MOTOR_STALL", at: Self.t0 + Self.hour / 2),
            Self.status("MRI-1", "st", at: Self.t0 + 5 * Self.hour, motor: "stalled"),
            Self.alert("MRI-1", "r", "MOTOR_STALL_RECOVERED", at: Self.t0 + 10 * Self.hour),
        ]
        _ = await f.commit(lines, now: Self.t0 + 11 * Self.hour)
        #expect(try await f.store.records(serial: "MRI-1", determination: nil).records.isEmpty)
        #expect(try await f.store.devices(state: nil).devices.first?.state == "functional")
    }

    @Test func aPlainStallPastThreeHoursIsNonFunctionOnThePumpClock() async throws {
        let f = try Fixture()
        let lines = [
            Self.alert("ST-2", "s", "MOTOR_STALL", at: Self.t0),
            Self.status("ST-2", "late", at: Self.t0 + 3 * Self.hour, motor: "stalled"),
        ]
        _ = await f.commit(lines, now: Self.t0 + 3 * Self.hour + 1000)
        let record = try #require(try await f.store.records(serial: "ST-2", determination: nil).records.first)
        #expect(record.replacementCriterion == "non_function")
        #expect(record.evidence.map(\.messageID) == ["s", "late"])
    }

    @Test func messagesArrivingOutOfOrderAreJudgedInTheirPumpOrder() async throws {
        let f = try Fixture()
        // The recovery arrives first; the stall that it ends arrives later (a gateway backlog).
        _ = await f.commit([Self.status("OOO-1", "ok-late", at: Self.t0 + Self.hour)], now: Self.t0 + 2 * Self.hour)
        _ = await f.commit([Self.alert("OOO-1", "stall", "MOTOR_STALL", at: Self.t0)], now: Self.t0 + 2 * Self.hour)
        #expect(try await f.store.records(serial: "OOO-1", determination: nil).records.isEmpty)
        #expect(try await f.store.devices(state: nil).devices.first?.state == "functional")
        // A stall whose only later message is past its deadline fails, whatever the arrival order.
        _ = await f.commit(
            [Self.status("OOO-2", "late", at: Self.t0 + 5 * Self.hour, motor: "stalled")], now: Self.t0 + 6 * Self.hour)
        _ = await f.commit([Self.alert("OOO-2", "stall", "MOTOR_STALL", at: Self.t0)], now: Self.t0 + 6 * Self.hour)
        let record = try #require(try await f.store.records(serial: "OOO-2", determination: nil).records.first)
        #expect(record.replacementCriterion == "non_function")
    }

    @Test func aFailedBatchKeepsNothingAndAnswersUnavailable() async throws {
        let f = try Fixture()
        try f.store.close()
        let replies = await f.commit([Self.status("CL-1", "x", at: Self.t0)], now: Self.t0)
        #expect(replies.map(\.result) == [.unavailable])
    }

    @Test func aRestartedWriterKnowsWhatWasRaisedBefore() async throws {
        let directory = try TemporaryDirectory(prefix: "pmr")
        defer { directory.remove() }
        do {
            let store = try PumpStore(directory: directory.path)
            let writer = IngestWriter(store: store, rules: StallRules())
            let items = [Self.alert("RS-1", "eri", "BATTERY_ERI", at: Self.t0)].map { line -> IngestItem in
                guard case .valid(let m) = FrameValidator().validate(Array(line.utf8), nowMicros: Self.t0) else {
                    fatalError("test line invalid")
                }
                return .message(m, raw: Array(line.utf8), receivedAt: Self.t0)
            }
            _ = await writer.commit(items, now: Self.t0)
            try store.close()
        }
        let store = try PumpStore(directory: directory.path)
        let writer = IngestWriter(store: store, rules: StallRules())
        let line = Self.alert("RS-1", "eri2", "BATTERY_ERI", at: Self.t0 + 1)
        guard case .valid(let m) = FrameValidator().validate(Array(line.utf8), nowMicros: Self.t0 + 1) else {
            Issue.record("test line invalid")
            return
        }
        _ = await writer.commit([.message(m, raw: Array(line.utf8), receivedAt: Self.t0 + 1)], now: Self.t0 + 1)
        #expect(try await store.records(serial: "RS-1", determination: nil).records.count == 1)
    }
}

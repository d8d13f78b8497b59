import PumpAlerts
import PumpIngest
import PumpStore
import Testing

@testable import PumpDaemon

/// The alert board's per-pump detail, kept narrow (records boxed, reservoir marks in a small array):
/// the latest mark per code wins whatever the arrival order, and a detail's copies stay independent.
@Suite struct PumpDetailTests {
    static func mark(_ code: String, raised: Bool, at: Int64, arrival: Int64) -> ReservoirMark {
        ReservoirMark(
            code: code, raised: raised, at: at, arrival: arrival, messageID: "m-\(code)-\(arrival)",
            receivedAt: 1_000 + arrival)
    }

    @Test func theLatestMarkOfEachCodeHoldsWhateverTheArrivalOrder() {
        var detail = PumpDetail(stateSince: 0)
        #expect(!detail.hasReservoirMark(code: "EMPTY_RESERVOIR"))
        detail.note(Self.mark("LOW_RESERVOIR", raised: true, at: 10, arrival: 1))
        detail.note(Self.mark("EMPTY_RESERVOIR", raised: false, at: 30, arrival: 2))
        detail.note(Self.mark("EMPTY_RESERVOIR", raised: true, at: 20, arrival: 3))  // older: ignored
        detail.note(Self.mark("LOW_RESERVOIR", raised: true, at: 10, arrival: 4))  // same at, later arrival
        #expect(detail.hasReservoirMark(code: "EMPTY_RESERVOIR"))
        #expect(
            detail.openAlerts == ["LOW_RESERVOIR": OpenAlertMark(messageID: "m-LOW_RESERVOIR-4", receivedAt: 1_004)])
        detail.note(Self.mark("EMPTY_RESERVOIR", raised: true, at: 40, arrival: 5))
        detail.note(Self.mark("LOW_RESERVOIR", raised: false, at: 50, arrival: 6))
        #expect(
            detail.openAlerts == ["EMPTY_RESERVOIR": OpenAlertMark(messageID: "m-EMPTY_RESERVOIR-5", receivedAt: 1_005)]
        )
        #expect(!detail.isEmpty)
    }

    @Test func theRecordsAreSetAndClearedApartAndCopiesStayIndependent() {
        var detail = PumpDetail(stateSince: 0)
        #expect(detail.isEmpty)
        let nonFunction = RecordMark(id: "R-000001", clause: "a", evidence: ["m1"])
        let impending = RecordMark(id: "R-000002", clause: "b", evidence: ["m2", "m3"])
        detail.nonFunctionRecord = nonFunction
        let copy = detail
        detail.impendingRecord = impending
        #expect(detail.nonFunctionRecord == nonFunction && detail.impendingRecord == impending)
        #expect(copy.nonFunctionRecord == nonFunction && copy.impendingRecord == nil)
        detail.nonFunctionRecord = nil
        #expect(detail.nonFunctionRecord == nil && detail.impendingRecord == impending)
        detail.impendingRecord = nil
        #expect(detail.isEmpty)
        #expect(copy.nonFunctionRecord == nonFunction)
    }
}

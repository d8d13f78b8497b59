import PumpSimKit
import Testing

@Suite struct SimTimeTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (Int64(951_782_400), "2000-02-29T00:00:00Z"),
        (Int64(1_451_865_600), "2016-01-04T00:00:00Z"),
        (Int64(1_796_034_900), "2026-11-30T10:35:00Z"),
    ])
    func formatsAndParsesRFC3339InUTC(seconds: Int64, text: String) {
        #expect(SimTime(seconds: seconds).rfc3339 == text)
        #expect(SimTime(rfc3339: text)?.seconds == seconds)
    }

    @Test func parsesOffsetsAndFractions() {
        #expect(SimTime(rfc3339: "2016-01-04T02:00:00.250+02:00")?.seconds == 1_451_865_600)
        #expect(SimTime(rfc3339: "2016-01-04t00:00:00z")?.seconds == 1_451_865_600)
        #expect(SimTime(rfc3339: "2016-01-04 00:00:00Z") == nil)
    }

    @Test(arguments: [("10h", Int64(36_000)), ("+2h30m", Int64(9_000)), ("1d1s", Int64(86_401)), ("0s", Int64(0))])
    func parsesDurations(text: String, seconds: Int64) {
        #expect(SimDuration(parsing: text)?.seconds == seconds)
    }

    @Test func rejectsMalformedDurations() {
        #expect(SimDuration(parsing: "10") == nil)
        #expect(SimDuration(parsing: "h") == nil)
        #expect(SimDuration(parsing: "3w") == nil)
    }
}

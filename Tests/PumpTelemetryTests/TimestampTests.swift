import Testing

@testable import PumpTelemetry

@Suite("RFC 3339 times")
struct TimestampTests {
    @Test(
        "valid date-times and the instant they name",
        arguments: [
            ("1970-01-01T00:00:00Z", 0),
            ("1970-01-01T00:00:00.000001Z", 1),
            ("1970-01-01t00:00:01z", 1_000_000),
            ("2026-11-28T10:15:00Z", 1_795_860_900_000_000),
            ("2026-11-28T10:15:00.412Z", 1_795_860_900_412_000),
            ("2026-11-28T15:45:00+05:30", 1_795_860_900_000_000),
            ("2026-11-28T05:15:00-05:00", 1_795_860_900_000_000),
            ("2026-11-28T10:15:00-00:00", 1_795_860_900_000_000),
            ("2026-11-28T10:15:00+00:00", 1_795_860_900_000_000),
            ("2026-11-29T10:14:00+23:59", 1_795_860_900_000_000),
            ("2026-11-28T10:15:00.4129999999Z", 1_795_860_900_412_999),
            ("2024-02-29T12:00:00Z", 1_709_208_000_000_000),
            ("2000-02-29T00:00:00Z", 951_782_400_000_000),
            ("1969-12-31T23:59:59.5Z", -500_000),
            ("0000-01-01T00:00:00Z", -62_167_219_200_000_000),
            ("9999-12-31T23:59:59.999999Z", 253_402_300_799_999_999),
            ("2016-12-31T23:59:60Z", 1_483_228_800_000_000),
            ("2017-01-01T05:29:60+05:30", 1_483_228_800_000_000),
            ("2015-06-30T23:59:60.5Z", 1_435_708_800_500_000),
        ] as [(String, Int64)])
    func parsesValid(text: String, micros: Int64) {
        #expect(Timestamp.parseRFC3339(text) == micros)
        #expect(PumpTime(text: text)?.micros == micros)
    }

    @Test(
        "invalid date-times are refused",
        arguments: [
            "", "2026-11-28", "2026-11-28T10:15:00", "2026-11-28 10:15:00Z", "2026-11-28T10:15Z",
            "2026-11-28T10:15:00.Z", "2026-11-28T10:15:00,5Z", "2026-11-28T10:15:00+0530", "2026-11-28T10:15:00+05",
            "2026-11-28T10:15:00+24:00", "2026-11-28T10:15:00+05:60", "2026-11-28T10:15:00UTC", "2026-11-28T10:15:00ZZ",
            "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-31T00:00:00Z",
            "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
            "2026-11-28T24:00:00Z", "2026-11-28T23:60:00Z", "2026-11-28T23:59:61Z",
            "2026-11-28T23:59:60Z", "2016-12-31T22:59:60Z", "2016-12-31T23:59:60+01:00",
            "+2026-11-28T10:15:00Z", "26-11-28T10:15:00Z", "2026-1-28T10:15:00Z", " 2026-11-28T10:15:00Z",
            "2026-11-28T10:15:00Z ", "２０２６-11-28T10:15:00Z",
        ])
    func refusesInvalid(text: String) {
        #expect(Timestamp.parseRFC3339(text) == nil)
        #expect(PumpTime(text: text) == nil)
    }

    @Test("every day of a leap and a common year parses; the day after the last does not")
    func calendarRanges() {
        for (year, february) in [(2024, 29), (2023, 28), (2000, 29), (2100, 28)] {
            let lengths = [31, february, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            for (index, length) in lengths.enumerated() {
                let month = index + 1
                let mm = month < 10 ? "0\(month)" : "\(month)"
                #expect(Timestamp.parseRFC3339("\(year)-\(mm)-\(length)T00:00:00Z") != nil)
                #expect(Timestamp.parseRFC3339("\(year)-\(mm)-\(length + 1)T00:00:00Z") == nil)
            }
        }
    }

    @Test("daemon times are UTC with milliseconds")
    func formats() {
        #expect(Timestamp.format(micros: 1_795_860_900_412_000) == "2026-11-28T10:15:00.412Z")
        #expect(Timestamp.format(micros: 1_795_860_900_412_999) == "2026-11-28T10:15:00.412Z")
        #expect(Timestamp.format(micros: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(micros: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.format(micros: 951_782_400_000_000) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.format(micros: 253_402_300_799_999_999) == "9999-12-31T23:59:59.999Z")
    }

    @Test("formatting and parsing agree over a range of instants")
    func roundTrip() {
        var micros: Int64 = -62_167_219_200_000_000
        while micros < 253_402_300_799_000_000 {
            let text = Timestamp.format(micros: micros)
            #expect(Timestamp.parseRFC3339(text) == micros, "\(text)")
            micros += 7_777_777_777_777_000  // about 246 years, on a millisecond
        }
    }

    @Test("pump times compare by instant, whatever the spelling")
    func pumpTimeOrder() throws {
        let utc = try #require(PumpTime(text: "2026-11-28T10:15:00Z"))
        let india = try #require(PumpTime(text: "2026-11-28T15:45:00+05:30"))
        let later = try #require(PumpTime(text: "2026-11-28T10:15:00.000001Z"))
        #expect(utc == india)
        #expect(utc.hashValue == india.hashValue)
        #expect(utc.text != india.text)
        #expect(utc < later)
        #expect(PumpTime(micros: 1_795_860_900_412_000).text == "2026-11-28T10:15:00.412Z")
    }
}

import Foundation
import PumpCtlKit
import Testing

/// `events` shows every pump time normalised, whatever valid RFC 3339 spelling the pump used,
/// while `--json` prints the message as stored (issue 12, item 13).
@Suite("Event times")
struct EventTimeTests {
    static let longFraction = "2026-07-01T00:00:00." + String(repeating: "9", count: 5000) + "Z"

    /// One event per odd spelling, newest first as the daemon sends them.
    static let reply: String = {
        let times = [
            "2026-07-01T00:00:00+23:59", longFraction, "2016-12-31T23:59:60Z", "0000-01-01T00:00:00Z",
        ]
        let events = times.enumerated().map { i, at in
            #"{"at":"\#(at)","code":"MOTOR_STALL","id":"a-\#(i)","kind":"alert","received_at":"2026-11-28T10:15:02.113Z","serial":"SM2-004211","severity":"critical","v":1}"#
        }
        return #"{"ok":true,"result":{"events":["# + events.joined(separator: ",") + "]}}"
    }()

    @Test func textShowsEachTimeNormalisedInTheZone() throws {
        let (outcome, _) = try runAgainstFake(["events", "SM2-004211"], reply: Self.reply)
        #expect(outcome.exitCode == 0)
        let rows = outcome.stdout.split(separator: "\n").dropFirst().map(String.init)
        try #require(rows.count == 4)
        #expect(rows[0].hasPrefix("2026-06-30 00:01:00 UTC "))
        #expect(rows[1].hasPrefix("2026-07-01 00:00:00 UTC "))
        #expect(rows[2].hasPrefix("2016-12-31 23:59:60 UTC "))
        #expect(rows[3].hasPrefix("0000-01-01 00:00:00 UTC "))
        #expect(rows.allSatisfy { $0.count < 120 })
    }

    @Test func aLeapSecondKeepsItsOwnMinuteInAnotherZone() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        #expect(TextStyle(timeZone: berlin).time("2016-12-31T23:59:60Z") == "2017-01-01 00:59:60 UTC+1")
        #expect(TextStyle(timeZone: .gmt).time("2017-01-01T00:59:60+01:00") == "2016-12-31 23:59:60 UTC")
    }

    @Test func textThatIsNotATimeIsShownCut() {
        let shown = TextStyle(timeZone: .gmt).time(String(repeating: "x", count: 500))
        #expect(shown.count == 40)
        #expect(shown.hasSuffix("…"))
    }

    @Test func jsonKeepsEachTimeAsStored() throws {
        let (outcome, _) = try runAgainstFake(["events", "SM2-004211", "--json"], reply: Self.reply)
        #expect(outcome.exitCode == 0)
        #expect(outcome.stdout.contains(#""at": "0000-01-01T00:00:00Z""#))
        #expect(outcome.stdout.contains(#""at": "2016-12-31T23:59:60Z""#))
        #expect(outcome.stdout.contains(Self.longFraction))
        #expect(outcome.stdout.contains(#""at": "2026-07-01T00:00:00+23:59""#))
    }
}

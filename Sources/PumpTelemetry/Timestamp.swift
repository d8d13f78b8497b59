/// Reading and writing the protocol's times: microseconds since the Unix epoch (UTC) on one side,
/// RFC 3339 text on the other.
package enum Timestamp {
    /// The daemon's own times (`received_at`, `created_at`): UTC with `Z` and milliseconds,
    /// e.g. `2026-11-28T10:15:00.412Z`. Sub-millisecond digits are cut (rounded toward the past).
    package static func format(micros: Int64) -> String {
        let fixed = String(unsafeUninitializedCapacity: 24) { writeFixed(micros: micros, into: $0) ? 24 : 0 }
        if !fixed.isEmpty { return fixed }
        var out: [UInt8] = []
        append(micros: micros, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the text of ``format(micros:)`` to `out` as UTF-8, without making a `String`.
    package static func append(micros: Int64, to out: inout [UInt8]) {
        let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { b in
            guard writeFixed(micros: micros, into: b) else { return false }
            out.append(contentsOf: UnsafeBufferPointer(b))
            return true
        }
        guard !written else { return }
        let (seconds, microsOfSecond) = floorDivide(micros, 1_000_000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        if date.year < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(Int64(date.year).magnitude, width: 4, to: &out)
        for (separator, value, width) in [
            ("-", date.month, 2), ("-", date.day, 2), ("T", secondOfDay / 3600, 2), (":", secondOfDay / 60 % 60, 2),
            (":", secondOfDay % 60, 2), (".", microsOfSecond / 1000, 3),
        ] as [(Character, Int64, Int)] {
            out.append(separator.asciiValue ?? 0)
            appendDigits(UInt64(value), width: width, to: &out)
        }
        out.append(UInt8(ascii: "Z"))
    }

    /// Writes the 24 bytes of a time in the years 0000-9999 (every field a fixed width, no
    /// allocation: a list of 100,000 pumps writes one time per pump); false for any other year.
    private static func writeFixed(micros: Int64, into b: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let (seconds, microsOfSecond) = floorDivide(micros, 1_000_000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        guard (0...9999).contains(date.year), b.count >= 24 else { return false }
        func put(_ value: Int64, _ width: Int, endingAt end: Int, then separator: UInt8) {
            var v = value
            for i in stride(from: end - 1, through: end - width, by: -1) {
                b[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                v /= 10
            }
            b[end] = separator
        }
        put(date.year, 4, endingAt: 4, then: UInt8(ascii: "-"))
        put(date.month, 2, endingAt: 7, then: UInt8(ascii: "-"))
        put(date.day, 2, endingAt: 10, then: UInt8(ascii: "T"))
        put(secondOfDay / 3600, 2, endingAt: 13, then: UInt8(ascii: ":"))
        put(secondOfDay / 60 % 60, 2, endingAt: 16, then: UInt8(ascii: ":"))
        put(secondOfDay % 60, 2, endingAt: 19, then: UInt8(ascii: "."))
        put(microsOfSecond / 1000, 3, endingAt: 23, then: UInt8(ascii: "Z"))
        return true
    }

    /// Microseconds since the Unix epoch of an RFC 3339 date-time with a zone offset
    /// (`2026-11-28T10:15:00Z`, `2026-11-28t15:45:00.5+05:30`), or nil when the text is not one.
    /// See ``PumpTime`` for the exact rules.
    package static func parseRFC3339(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { RFC3339.parse(UnsafeRawBufferPointer($0))?.micros }
    }

    /// The wall-clock reading of `micros` shifted by `offsetSeconds`: proleptic Gregorian year
    /// (0 is 1 BC), month, day, hour, minute, second. For showing times in a zone.
    package static func wallClock(
        micros: Int64, offsetSeconds: Int64
    ) -> (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) {
        let (seconds, _) = floorDivide(micros, 1_000_000)
        let (days, secondOfDay) = floorDivide(seconds + offsetSeconds, 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        return (date.year, date.month, date.day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }

    static func appendDigits(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        var divisor: UInt64 = 1
        var digits = 1
        while digits < width || value / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// Division rounding toward negative infinity, with a non-negative remainder.
    static func floorDivide(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        let q = a / b
        let r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}

/// A proleptic Gregorian calendar date (Howard Hinnant's `days_from_civil` algorithms).
struct CivilDate: Equatable {
    var year: Int64
    var month: Int64
    var day: Int64

    init(year: Int64, month: Int64, day: Int64) {
        self.year = year
        self.month = month
        self.day = day
    }

    init(daysSinceEpoch z0: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    var daysSinceEpoch: Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func isLeapYear(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// The RFC 3339 `date-time` grammar (§5.6) with the calendar checks of §5.7.
enum RFC3339 {
    /// A parsed time: microseconds (rounded toward the past) and whether digits beyond the
    /// microsecond were non-zero (so the true instant is a little later than `micros`).
    struct Parsed {
        var micros: Int64
        var belowMicrosecond: Bool
    }

    static func parse(_ b: UnsafeRawBufferPointer) -> Parsed? {
        let n = b.count
        // YYYY-MM-DDTHH:MM:SS is 19 bytes; then an optional fraction and the offset.
        guard n >= 20 else { return nil }
        func digits(_ at: Int, _ count: Int) -> Int64? {
            var v: Int64 = 0
            for i in at..<(at + count) {
                let d = b[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                v = v * 10 + Int64(d)
            }
            return v
        }
        guard let year = digits(0, 4), b[4] == UInt8(ascii: "-"), let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), b[10] | 0x20 == UInt8(ascii: "t"),
            let hour = digits(11, 2), b[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
            b[16] == UInt8(ascii: ":"), let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }

        var i = 19
        var fractionMicros: Int64 = 0
        var belowMicrosecond = false
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            while i < n, b[i] &- UInt8(ascii: "0") < 10 {
                let d = Int64(b[i] &- UInt8(ascii: "0"))
                let place = i - fracStart
                if place < 6 {
                    fractionMicros = fractionMicros * 10 + d
                } else if d != 0 {
                    belowMicrosecond = true
                }
                i += 1
            }
            guard i > fracStart else { return nil }
            for _ in min(i - fracStart, 6)..<6 { fractionMicros *= 10 }
        }

        guard i < n else { return nil }
        var offsetSeconds: Int64 = 0
        if b[i] | 0x20 == UInt8(ascii: "z") {
            i += 1
        } else {
            guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == n,
                let oh = digits(i + 1, 2), b[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2),
                oh <= 23, om <= 59
            else { return nil }
            offsetSeconds = (oh * 60 + om) * 60 * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        }
        guard i == n else { return nil }

        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let localSeconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59)
        let utcSeconds = localSeconds - offsetSeconds
        if second == 60 {
            // A leap second exists only as 23:59:60 UTC at the end of June or December; it is
            // counted as the first instant of the next day (POSIX time has no room for it).
            let (utcDay, utcSecondOfDay) = Timestamp.floorDivide(utcSeconds, 86_400)
            let date = CivilDate(daysSinceEpoch: utcDay)
            guard utcSecondOfDay == 86_399, (date.month == 6 && date.day == 30) || (date.month == 12 && date.day == 31)
            else { return nil }
            return Parsed(micros: (utcSeconds + 1) * 1_000_000 + fractionMicros, belowMicrosecond: belowMicrosecond)
        }
        return Parsed(micros: utcSeconds * 1_000_000 + fractionMicros, belowMicrosecond: belowMicrosecond)
    }
}

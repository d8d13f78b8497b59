/// A moment of simulated time: whole seconds since 1970-01-01T00:00:00Z. The simulator never reads
/// the wall clock for what it sends, so a seed fixes every `at` it writes.
package struct SimTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since the Unix epoch, UTC.
    package var seconds: Int64

    package init(seconds: Int64) {
        self.seconds = seconds
    }

    /// One minute, in seconds.
    package static let minute: Int64 = 60
    /// One hour, in seconds.
    package static let hour: Int64 = 3_600
    /// One day, in seconds.
    package static let day: Int64 = 86_400
    /// One mean Gregorian year (365.2425 days), in seconds.
    package static let year: Int64 = 31_556_952

    /// 2000-01-01T00:00:00Z: the daemon rejects an earlier `at` as `timestamp_implausible` (a pump
    /// clock that was reset).
    package static let plausibleSince = SimTime(seconds: 946_684_800)

    /// Orders two times.
    package static func < (lhs: SimTime, rhs: SimTime) -> Bool { lhs.seconds < rhs.seconds }

    /// This time moved by `delta` seconds.
    package func adding(_ delta: Int64) -> SimTime { SimTime(seconds: seconds + delta) }

    /// RFC 3339 in UTC with a `Z`, to the second: `2026-11-28T10:15:00Z`.
    package var rfc3339: String {
        let days = seconds >= 0 ? seconds / Self.day : (seconds - Self.day + 1) / Self.day
        let secondOfDay = seconds - days * Self.day
        let (y, m, d) = Self.civil(fromDays: days)
        var out = ""
        out.reserveCapacity(20)
        out += Self.pad(y, 4) + "-" + Self.pad(m, 2) + "-" + Self.pad(d, 2) + "T"
        out += Self.pad(secondOfDay / 3600, 2) + ":" + Self.pad(secondOfDay / 60 % 60, 2) + ":"
        out += Self.pad(secondOfDay % 60, 2) + "Z"
        return out
    }

    /// The RFC 3339 spelling.
    package var description: String { rfc3339 }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`; nil when it is not that shape.
    package init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func num(_ from: Int, _ count: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + count) {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
            b[10] == 84 || b[10] == 116, let h = num(11, 2), b[13] == 58, let mi = num(14, 2), b[16] == 58,
            let s = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        if i < b.count, b[i] == 46 {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == 90 || b[i] == 122 {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == 43 || b[i] == 45, i + 6 == b.count, b[i + 3] == 58, let oh = num(i + 1, 2),
            let om = num(i + 4, 2)
        {
            offset = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
        } else {
            return nil
        }
        let days = Self.days(fromCivil: y, mo, d)
        self.seconds = days * Self.day + h * 3600 + mi * 60 + s - offset
    }

    /// Days since the epoch of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since the epoch (`civil_from_days`).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

extension SimTime: Codable {
    /// Decodes an RFC 3339 string.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let t = SimTime(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(text)' is not an RFC 3339 time")
        }
        self = t
    }

    /// Encodes as RFC 3339 in UTC.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rfc3339)
    }
}

/// A span of simulated time written the way people write it: `90d`, `2h30m`, `10h`, `45s`,
/// `1y` (365 days); units `y`, `d`, `h`, `m`, `s`, combined largest first.
package struct SimDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The span in seconds.
    package var seconds: Int64

    package init(seconds: Int64) {
        self.seconds = seconds
    }

    /// Parses `2h30m`, `+10d`, `0s`; nil when it is not that shape.
    package init?(parsing text: String) {
        var rest = Substring(text)
        if rest.first == "+" { rest = rest.dropFirst() }
        guard !rest.isEmpty else { return nil }
        var total: Int64 = 0
        var value: Int64? = nil
        for ch in rest {
            if let digit = ch.wholeNumberValue, ch.isASCII {
                value = (value ?? 0) * 10 + Int64(digit)
                continue
            }
            guard let v = value else { return nil }
            switch ch {
            case "y": total += v * 365 * SimTime.day
            case "d": total += v * SimTime.day
            case "h": total += v * SimTime.hour
            case "m": total += v * SimTime.minute
            case "s": total += v
            default: return nil
            }
            value = nil
        }
        guard value == nil else { return nil }
        self.seconds = total
    }

    /// The shortest spelling: `1d2h`, `0s`.
    package var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var out = rest < 0 ? "-" : ""
        rest = abs(rest)
        for (unit, size) in [("d", SimTime.day), ("h", SimTime.hour), ("m", SimTime.minute), ("s", Int64(1))]
        where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }

    /// Decodes from the text spelling (`"10h"`) or a number of seconds.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(Int64.self) {
            self.seconds = s
            return
        }
        let text = try c.decode(String.self)
        guard let parsed = SimDuration(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "'\(text)' is not a duration: write it like 90d, 2h30m or 45s")
        }
        self = parsed
    }

    /// Encodes the text spelling.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A time a pump stamped on a message (`at`): the text as sent and the instant it names.
///
/// The text is RFC 3339 `date-time` with a zone offset: `YYYY-MM-DDTHH:MM:SS`, an optional
/// fraction of any length, then `Z` or `±HH:MM`; `T` and `Z` in either case. The calendar is
/// checked: month 01–12, day within its month (29 February only in leap years: divisible by 4,
/// and by 400 for centuries), hour 00–23, minute 00–59, second 00–59, offsets up to ±23:59
/// (`-00:00`, "offset unknown", names the same instant as `Z`). Second 60 (a leap second) is
/// accepted only where one can exist, 23:59:60 UTC on 30 June or 31 December, and counts as the
/// first instant of the next day.
///
/// Two `PumpTime`s are equal and ordered by their instant at microsecond resolution: the
/// spellings `10:15:00Z` and `11:15:00+01:00` are equal. Fraction digits below the microsecond
/// are dropped (toward the past).
package struct PumpTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The time exactly as the pump wrote it.
    package let text: String
    /// Microseconds since 1970-01-01T00:00:00Z.
    package let micros: Int64

    /// Parses RFC 3339 text; nil when it is not a valid date-time with a zone offset.
    package init?(text: String) {
        guard let micros = Timestamp.parseRFC3339(text) else { return nil }
        self.text = text
        self.micros = micros
    }

    /// A time at `micros`, spelled in UTC with milliseconds (see ``Timestamp/format(micros:)``).
    package init(micros: Int64) {
        self.text = Timestamp.format(micros: micros)
        self.micros = micros
    }

    /// The validator's initializer: text and instant already agree.
    init(text: String, micros: Int64) {
        self.text = text
        self.micros = micros
    }

    /// The text as sent.
    package var description: String { text }

    /// Same instant (at microsecond resolution), whatever the spelling.
    package static func == (lhs: PumpTime, rhs: PumpTime) -> Bool { lhs.micros == rhs.micros }

    /// Hashes the instant.
    package func hash(into hasher: inout Hasher) { hasher.combine(micros) }

    /// Earlier instant first.
    package static func < (lhs: PumpTime, rhs: PumpTime) -> Bool { lhs.micros < rhs.micros }
}

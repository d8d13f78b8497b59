import Foundation
import PumpTelemetry

/// How text output looks: colour or not, and the time zone times are shown in.
package struct TextStyle: Sendable {
    /// Whether to colour words with ANSI escapes (only when stdout is a terminal and `NO_COLOR` is unset).
    package var color: Bool
    /// The zone times are converted to (the local one by default).
    package var timeZone: TimeZone

    package init(color: Bool = false, timeZone: TimeZone = .current) {
        self.color = color
        self.timeZone = timeZone
    }

    /// A tone a word is painted in.
    package enum Tone: Sendable {
        /// Good news: medically necessary, functional, covered.
        case good
        /// Needs attention: needs review, impending failure, stalled.
        case warning
        /// Bad news: not medically necessary, non-functional, critical.
        case bad
        /// Secondary text: unknown, none.
        case dim
        /// Headings.
        case bold

        var code: String {
            switch self {
            case .good: "32"
            case .warning: "33"
            case .bad: "31"
            case .dim: "2"
            case .bold: "1"
            }
        }
    }

    /// `text` in `tone`, or unchanged without colour.
    package func paint(_ text: String, _ tone: Tone?) -> String {
        guard color, let tone, !text.isEmpty else { return text }
        return "\u{1B}[\(tone.code)m\(text)\u{1B}[0m"
    }

    /// An RFC 3339 time in the style's zone, `2026-11-28 11:15:00 UTC+1`, whatever its spelling:
    /// the year always four digits (`0000`), a leap second kept as `:60` of its own minute, the
    /// fraction cut, any offset converted. Text that is not such a time is shown made visible and
    /// cut, so one odd value cannot widen a whole table.
    package func time(_ text: String) -> String {
        guard let at = PumpTime(text: text) else { return TextSanitizer.visible(text, limit: 40) }
        // PumpTime counts 23:59:60 as the next day's first instant: show the second before it,
        // then call its second 60 again.
        let leap = Self.isLeapSecond(text)
        let micros = leap ? at.micros - 1_000_000 : at.micros
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(micros / 1_000_000)))
        let c = Timestamp.wallClock(micros: micros, offsetSeconds: Int64(offset))
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let magnitude = String(c.year.magnitude)
        let year = (c.year < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - magnitude.count)) + magnitude
        let clock = "\(two(c.hour)):\(two(c.minute)):\(leap ? "60" : two(c.second))"
        return "\(year)-\(two(c.month))-\(two(c.day)) \(clock) \(Self.zoneLabel(offset))"
    }

    /// An optional time, or `fallback` when null.
    package func time(_ text: String?, else fallback: String) -> String {
        text.map { time($0) } ?? fallback
    }

    /// Whether an RFC 3339 time names second 60 (`…T23:59:60Z`, `…T00:59:60+01:00`).
    static func isLeapSecond(_ text: String) -> Bool {
        let u = Array(text.utf8)
        return u.count > 18 && u[17] == UInt8(ascii: "6") && u[18] == UInt8(ascii: "0")
    }

    /// `UTC`, `UTC+1`, `UTC-4`, `UTC+5:30`.
    static func zoneLabel(_ secondsFromGMT: Int) -> String {
        guard secondsFromGMT != 0 else { return "UTC" }
        let sign = secondsFromGMT < 0 ? "-" : "+"
        let minutes = abs(secondsFromGMT) / 60
        let tail = minutes % 60 == 0 ? "" : ":" + (minutes % 60 < 10 ? "0" : "") + String(minutes % 60)
        return "UTC\(sign)\(minutes / 60)\(tail)"
    }
}

/// Makes text from the daemon safe to print on a terminal: control characters (escape sequences,
/// newlines) are shown as escapes instead of acting on the terminal.
package enum TextSanitizer {
    /// `text` with every control character written as `\n`, `\t`, `\r` or `\u{1B}`.
    package static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where isControl(scalar): out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` made visible and cut to `limit` characters with an ellipsis.
    package static func visible(_ text: String, limit: Int) -> String {
        let shown = visible(text)
        guard shown.count > limit, limit > 1 else { return shown }
        return String(shown.prefix(limit - 1)) + "…"
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}

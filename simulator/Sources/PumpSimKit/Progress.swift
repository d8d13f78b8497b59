#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows how a send is going: a bar redrawn in place on a terminal, a plain line every few
/// seconds otherwise (logs, CI).
package struct ProgressReporter: Sendable {
    /// Whether standard error is a terminal.
    package let isTerminal: Bool
    /// Messages expected in all, when known (for the bar's fill).
    package var expected: Int?
    /// Where lines go; standard error by default.
    private let sink: @Sendable (String) -> Void

    /// A reporter on standard error, a bar when it is a terminal.
    package init(expected: Int? = nil) {
        self.isTerminal = isatty(STDERR_FILENO) == 1
        self.expected = expected
        self.sink = { text in writeStandardError(text) }
    }

    /// A reporter writing to `write` (tests).
    package init(isTerminal: Bool, expected: Int?, write: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        self.expected = expected
        self.sink = write
    }

    /// Reports the counts so far.
    package func report(_ c: SendCounts) {
        let done = c.answered
        if isTerminal {
            var bar = ""
            if let expected, expected > 0 {
                let width = 30
                let filled = min(width, done * width / expected)
                bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            }
            sink(
                "\r\(bar)\(done)\(expected.map { "/\($0)" } ?? "") answered, \(c.resent) resent, \(c.rejected) rejected   "
            )
        } else {
            sink(
                "progress: \(done)\(expected.map { "/\($0)" } ?? "") answered (accepted \(c.accepted), duplicate "
                    + "\(c.duplicate), rejected \(c.rejected), unavailable \(c.unavailable), resent \(c.resent))\n")
        }
    }

    /// Ends the bar's line on a terminal.
    package func finish() {
        if isTerminal { sink("\n") }
    }
}

/// The summary printed at the end of a run.
package enum Summary {
    /// The lines about sending.
    package static func sending(_ c: SendCounts, elapsed: Duration? = nil) -> [String] {
        var lines = [
            "messages sent:     \(c.messages) (\(c.written) lines written)",
            "accepted:          \(c.accepted)",
            "duplicate:         \(c.duplicate)",
            "rejected:          \(c.rejected)",
            "unavailable:       \(c.unavailable)",
            "resent:            \(c.resent) (dropped connections: \(c.droppedConnections))",
        ]
        if c.badReplies > 0 { lines.append("bad replies:       \(c.badReplies)") }
        if c.abandoned > 0 { lines.append("abandoned:         \(c.abandoned)") }
        if let elapsed {
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = s > 0 ? Double(c.answered) / s : 0
            lines.append("elapsed:           \(String(format2: s)) s (\(Int(rate)) messages/s)")
        }
        return lines
    }
}

extension String {
    /// A number with two decimals, without Foundation's formatter.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let frac = abs(hundredths % 100)
        self = "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}

/// Writes text to standard error (file descriptor 2), unbuffered.
package func writeStandardError(_ text: String) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return write(STDERR_FILENO, base + offset, raw.count - offset)
        }
        if n <= 0 { return }
        offset += n
    }
}

/// One state change a service reports to systemd through `sd_notify(3)`.
///
/// Each case encodes to exactly one `KEY=value` line of the notification protocol; a notification
/// carrying several states sends them in one datagram, each line ended by `\n`.
package enum NotifyState: Sendable, Hashable {
    /// `READY=1`: start-up is finished; for a `Type=notify` unit systemd now considers it started.
    case ready
    /// `STATUS=…`: a one-line, human-readable status shown by `systemctl status`.
    ///
    /// The protocol is line-based, so line breaks (`\n`, `\r`) and NUL characters in the text are sent as spaces.
    case status(String)
    /// `WATCHDOG=1`: the keep-alive ping; send it more often than ``SystemdNotifier/watchdogInterval()``.
    case watchdog
    /// `STOPPING=1`: the service is shutting down; systemd stops expecting watchdog pings.
    case stopping

    /// The protocol line for this state, without the trailing newline (for example `STATUS=Listening`).
    package var line: String {
        switch self {
        case .ready: "READY=1"
        case .status(let text): "STATUS=" + Self.singleLine(text)
        case .watchdog: "WATCHDOG=1"
        case .stopping: "STOPPING=1"
        }
    }

    /// The whole notification datagram for `states`: each state's ``line`` followed by `\n`.
    ///
    /// - Parameter states: The states to report, in order.
    /// - Returns: The text passed to `sd_notify(3)`, for example `"READY=1\nSTATUS=Listening\n"`.
    package static func message(for states: [NotifyState]) -> String {
        states.map { $0.line + "\n" }.joined()
    }

    private static func singleLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == "\0" ? " " : $0 })
    }
}

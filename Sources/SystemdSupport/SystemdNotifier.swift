import CSystemd
import Glibc

/// Sends service state to systemd (`sd_notify(3)`) and reads the watchdog deadline it set.
///
/// Outside systemd (no `NOTIFY_SOCKET` in the environment) every notification is a harmless no-op,
/// so the daemon can always notify without checking first. The notifier keeps no state: it reads the
/// environment on each call, and it never removes `NOTIFY_SOCKET`, so it can notify many times.
package struct SystemdNotifier: Sendable {
    package init() {}

    /// Whether a service manager is listening: the environment names a `NOTIFY_SOCKET`.
    package var isAvailable: Bool {
        guard let socket = getenv("NOTIFY_SOCKET") else { return false }
        return socket.pointee != 0
    }

    /// Sends `states` to the service manager in one datagram.
    ///
    /// - Parameter states: The states to report, for example `.ready, .status("Listening")`.
    /// - Returns: Whether the notification was sent, skipped because no service manager listens,
    ///   or failed; callers that do not care may ignore it.
    @discardableResult
    package func notify(_ states: NotifyState...) -> NotifyOutcome {
        notify(states)
    }

    /// Sends `states` to the service manager in one datagram.
    ///
    /// - Parameter states: The states to report; an empty array sends nothing.
    /// - Returns: Whether the notification was sent, skipped because no service manager listens,
    ///   or failed.
    @discardableResult
    package func notify(_ states: [NotifyState]) -> NotifyOutcome {
        guard !states.isEmpty else { return .notUnderSystemd }
        let result = sd_notify(0, NotifyState.message(for: states))
        if result > 0 { return .sent }
        if result == 0 { return .notUnderSystemd }
        return .failed(NotifyError(errno: -result))
    }

    /// The watchdog timeout systemd set for this process (`WatchdogSec=`), or `nil` when it set none.
    ///
    /// Reads `WATCHDOG_USEC` and `WATCHDOG_PID` through `sd_watchdog_enabled(3)`: the interval applies
    /// only when `WATCHDOG_PID` is absent or names this process. A malformed value also gives `nil`.
    /// Send ``NotifyState/watchdog`` at least every half of this interval, as systemd recommends.
    package func watchdogInterval() -> Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0,
            microseconds <= UInt64(Int64.max)
        else { return nil }
        return .microseconds(Int64(microseconds))
    }
}

/// What became of one ``SystemdNotifier/notify(_:)`` call.
package enum NotifyOutcome: Sendable, Equatable {
    /// The service manager's socket accepted the datagram.
    case sent
    /// Nothing was sent: no service manager listens (`NOTIFY_SOCKET` is unset) or there was nothing to send.
    case notUnderSystemd
    /// Sending failed; the error says why.
    case failed(NotifyError)
}

/// A notification to systemd could not be sent.
package struct NotifyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `errno` value `sd_notify(3)` reported.
    package let errno: Int32

    /// Wraps the `errno` value `sd_notify(3)` reported.
    ///
    /// - Parameter errno: A positive `errno` value.
    package init(errno: Int32) {
        self.errno = errno
    }

    /// What happened and what the operator can check.
    package var description: String {
        "Could not notify systemd of the service state (\(String(cString: strerror(errno)))). "
            + "Check that NOTIFY_SOCKET names the service manager's socket and that the unit is Type=notify; "
            + "systemd may treat the service as failed to start or as hung."
    }
}

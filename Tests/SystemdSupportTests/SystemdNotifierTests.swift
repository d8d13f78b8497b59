import Glibc
import SystemdSupport
import Testing

/// These tests set NOTIFY_SOCKET and WATCHDOG_* the way systemd does. Each runs in its own child
/// process (an exit test), so the environment they change is never seen by tests running in parallel.
@Suite struct SystemdNotifierTests {
    @Test func notificationsArriveAsTheExactProtocolBytes() async {
        await #expect(processExitsWith: .success) {
            let manager = try BoundDatagramSocket()
            setenv("NOTIFY_SOCKET", manager.path, 1)
            let notifier = SystemdNotifier()
            #expect(notifier.isAvailable)

            #expect(notifier.notify(.ready) == .sent)
            #expect(try manager.receiveText() == "READY=1\n")
            notifier.notify(.status("Watching 3 pumps"))
            #expect(try manager.receiveText() == "STATUS=Watching 3 pumps\n")
            notifier.notify(.watchdog)
            #expect(try manager.receiveText() == "WATCHDOG=1\n")
            notifier.notify(.stopping)
            #expect(try manager.receiveText() == "STOPPING=1\n")
            notifier.notify(.ready, .status("Ready"))
            #expect(try manager.receiveText() == "READY=1\nSTATUS=Ready\n")
            // The variable stays, so the daemon can keep notifying.
            #expect(getenv("NOTIFY_SOCKET") != nil)
        }
    }

    @Test func notifyingOutsideSystemdIsAHarmlessNoOp() async {
        await #expect(processExitsWith: .success) {
            unsetenv("NOTIFY_SOCKET")
            let notifier = SystemdNotifier()
            #expect(!notifier.isAvailable)
            #expect(notifier.notify(.ready, .status("Ready")) == .notUnderSystemd)
        }
    }

    @Test func aNotifySocketNobodyListensOnReportsAFailureWithAnExplanation() async {
        await #expect(processExitsWith: .success) {
            let directory = try TemporaryDirectory()
            setenv("NOTIFY_SOCKET", directory.file("gone"), 1)
            let outcome = SystemdNotifier().notify(.ready)
            guard case .failed(let error) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                return
            }
            #expect(error.errno == ENOENT)
            #expect(error.description.contains("NOTIFY_SOCKET"))
        }
    }

    @Test func watchdogIntervalComesFromWatchdogUsec() async {
        await #expect(processExitsWith: .success) {
            unsetenv("WATCHDOG_PID")
            setenv("WATCHDOG_USEC", "30000000", 1)
            #expect(SystemdNotifier().watchdogInterval() == .seconds(30))
            setenv("WATCHDOG_PID", String(getpid()), 1)
            #expect(SystemdNotifier().watchdogInterval() == .seconds(30))
            setenv("WATCHDOG_USEC", "1500", 1)
            #expect(SystemdNotifier().watchdogInterval() == .microseconds(1500))
        }
    }

    @Test func watchdogMeantForAnotherProcessIsNotOurs() async {
        await #expect(processExitsWith: .success) {
            setenv("WATCHDOG_USEC", "30000000", 1)
            setenv("WATCHDOG_PID", String(getpid() + 1), 1)
            #expect(SystemdNotifier().watchdogInterval() == nil)
        }
    }

    @Test func noWatchdogWhenUnsetOrMalformed() async {
        await #expect(processExitsWith: .success) {
            unsetenv("WATCHDOG_PID")
            unsetenv("WATCHDOG_USEC")
            #expect(SystemdNotifier().watchdogInterval() == nil)
            setenv("WATCHDOG_USEC", "thirty seconds", 1)
            #expect(SystemdNotifier().watchdogInterval() == nil)
            setenv("WATCHDOG_USEC", "0", 1)
            #expect(SystemdNotifier().watchdogInterval() == nil)
        }
    }
}

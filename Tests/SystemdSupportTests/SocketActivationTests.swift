import Glibc
import SystemdSupport
import Testing

/// Passes sockets the way systemd does: descriptors 3, 4, … plus LISTEN_FDS, LISTEN_PID and
/// LISTEN_FDNAMES. Each test runs in its own child process (an exit test), because it rewires
/// descriptors 3 and 4 and the environment.
@Suite struct SocketActivationTests {
    @Test func adoptsThePassedSocketsByNameAndClearsTheEnvironment() async {
        await #expect(processExitsWith: .success) {
            let directory = try TemporaryDirectory()
            let ingestPath = directory.file("ingest.sock")
            let controlPath = directory.file("control.sock")
            let ingest = try makeListeningSocket(at: ingestPath)
            let control = try makeListeningSocket(at: controlPath)

            // Descriptors 3 and 4 may already be in use (the test runner's own pipes): park them,
            // install ours, and put theirs back before recording any result.
            let passed: [Int32: Int32] = [3: ingest, 4: control]
            var parked: [Int32: Int32] = [:]
            for (target, source) in passed {
                if fcntl(target, F_GETFD) != -1 { parked[target] = fcntl(target, F_DUPFD_CLOEXEC, 100) }
                dup2(source, target)
            }
            setenv("LISTEN_FDS", "2", 1)
            setenv("LISTEN_PID", String(getpid()), 1)
            setenv("LISTEN_FDNAMES", "ingest:control", 1)

            let taken = Result { try SocketActivation.takeListenedSockets() }
            let paths = [3, 4].map { boundPath(of: $0) }
            let closeOnExec = [3, 4].map { fcntl($0, F_GETFD) & FD_CLOEXEC != 0 }
            let variables: [String] = ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"]
            let environmentLeft = variables.filter { getenv($0) != nil }
            let secondTake = try? SocketActivation.takeListenedSockets()

            for target in passed.keys {
                if let saved = parked[target] {
                    dup2(saved, target)
                    close(saved)
                } else {
                    close(target)
                }
            }

            let sockets = try taken.get()
            #expect(sockets == [ListenedSocket(fd: 3, name: "ingest"), ListenedSocket(fd: 4, name: "control")])
            #expect(sockets.socket(named: "control")?.fd == 4)
            #expect(sockets.socket(named: "metrics") == nil)
            #expect(paths == [ingestPath, controlPath])
            #expect(closeOnExec == [true, true])
            #expect(environmentLeft.isEmpty)
            #expect(secondTake == [])
        }
    }

    @Test func notSocketActivatedMeansNoSockets() async {
        await #expect(processExitsWith: .success) {
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDNAMES")
            let sockets = try SocketActivation.takeListenedSockets()
            #expect(sockets == [])
        }
    }

    @Test func socketsPassedToAnotherProcessAreNotTaken() async {
        await #expect(processExitsWith: .success) {
            setenv("LISTEN_FDS", "1", 1)
            setenv("LISTEN_PID", String(getpid() + 1), 1)
            setenv("LISTEN_FDNAMES", "ingest", 1)
            let sockets = try SocketActivation.takeListenedSockets()
            #expect(sockets == [])
        }
    }

    @Test func malformedListenFdsIsAnErrorTheOperatorCanAct() async {
        await #expect(processExitsWith: .success) {
            setenv("LISTEN_FDS", "two", 1)
            setenv("LISTEN_PID", String(getpid()), 1)
            let error = #expect(throws: SocketActivationError.self) { try SocketActivation.takeListenedSockets() }
            #expect(error?.errno == EINVAL)
            #expect(error?.description.contains(".socket unit") == true)
        }
    }
}

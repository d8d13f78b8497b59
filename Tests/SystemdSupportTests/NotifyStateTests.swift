import SystemdSupport
import Testing

@Suite struct NotifyStateTests {
    @Test(arguments: [
        (NotifyState.ready, "READY=1"),
        (.status("Listening on ingest and control"), "STATUS=Listening on ingest and control"),
        (.watchdog, "WATCHDOG=1"),
        (.stopping, "STOPPING=1"),
    ])
    func eachStateEncodesToItsProtocolLine(state: NotifyState, line: String) {
        #expect(state.line == line)
    }

    @Test func statusTextWithLineBreaksStaysOneLine() {
        #expect(NotifyState.status("2 pumps\nstore ok\r\ningest\0up").line == "STATUS=2 pumps store ok ingest up")
    }

    @Test func severalStatesMakeOneMessageOfNewlineTerminatedLines() {
        #expect(NotifyState.message(for: [.ready, .status("Ready")]) == "READY=1\nSTATUS=Ready\n")
        #expect(NotifyState.message(for: []) == "")
    }
}

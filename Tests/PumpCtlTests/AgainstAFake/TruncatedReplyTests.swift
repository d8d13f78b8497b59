import Foundation
import PumpCtlKit
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A reply cut short (the daemon stopped while sending it) is reported as such, exit 69, and never
/// mistaken for a reply in another format.
@Suite("Truncated replies")
struct TruncatedReplyTests {
    @Test func aReplyWithoutItsNewlineExits69AndSaysItWasCutShort() throws {
        let directory = temporaryDirectory()
        let path = directory + "/control.sock"
        let listener = try FakeControlServer.listen(on: path)
        defer {
            close(listener)
            unlink(path)
            rmdir(directory)
        }
        let served = DispatchSemaphore(value: 0)
        let thread = Thread {
            let client = accept(listener, nil, nil)
            var byte: UInt8 = 0
            while read(client, &byte, 1) == 1, byte != UInt8(ascii: "\n") {}
            let partial = Array(#"{"ok":true,"result":{"events":[{"id":"a1""#.utf8)
            _ = partial.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            close(client)
            served.signal()
        }
        thread.start()
        let outcome = PumpCtl.run(
            arguments: ["events", "SM2-004211", "--socket", path], environment: PumpCtlEnvironment())
        served.wait()
        #expect(outcome.exitCode == 69)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr.contains("closed the connection in the middle of its reply (after 41 bytes)"))
    }
}

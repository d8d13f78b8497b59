import Glibc
import Testing

@testable import SystemdSupport

@Suite struct JournalLoggingTests {
    @Test(arguments: [
        ("8:12345", true), ("8:12346", false), ("9:12345", false), ("8", false), ("8:12345:1", false), ("", false),
        ("x:y", false),
    ])
    func journalStreamMustNameStderrsDeviceAndInode(value: String, matches: Bool) {
        #expect(JournalLogging.journalStream(value, names: (device: 8, inode: 12345)) == matches)
    }

    @Test func withoutJournalStreamTheHandlerWritesStderrLines() async {
        await #expect(processExitsWith: .success) {
            unsetenv("JOURNAL_STREAM")
            #expect(!JournalLogging.isStderrJournalStream())
            #expect(JournalLogging.makeHandler(label: "pumpmond", identifier: "pumpmond") is StderrLogHandler)
        }
    }

    @Test func whenJournalStreamNamesStderrTheHandlerWritesTheJournal() async {
        await #expect(processExitsWith: .success) {
            var status = stat()
            try #require(fstat(STDERR_FILENO, &status) == 0)
            setenv("JOURNAL_STREAM", "\(status.st_dev):\(status.st_ino)", 1)
            #expect(JournalLogging.isStderrJournalStream())
            let handler = JournalLogging.makeHandler(label: "pumpmond.store", identifier: "pumpmond")
            #expect((handler as? JournalLogHandler)?.identifier == "pumpmond")
            setenv("JOURNAL_STREAM", "\(status.st_dev):\(status.st_ino + 1)", 1)
            #expect(JournalLogging.makeHandler(label: "pumpmond", identifier: "pumpmond") is StderrLogHandler)
        }
    }
}

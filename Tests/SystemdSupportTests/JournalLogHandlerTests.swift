import Glibc
import Logging
import Testing

@testable import SystemdSupport

/// The handler sends to a journal socket the test binds itself, so what arrives is what journald would read.
@Suite struct JournalLogHandlerTests {
    @Test func aLogCallArrivesAsOneStructuredJournalDatagram() throws {
        let journal = try BoundDatagramSocket()
        var handler = JournalLogHandler(
            label: "pumpmond.ingest", identifier: "pumpmond", destination: try .socket(path: journal.path),
            metadataProvider: Logger.MetadataProvider { ["connection": "7", "pump.serial": "from-provider"] })
        handler.metadata = ["pump.serial": "PX-1042", "site": "ward 3"]
        let logger = Logger(label: "pumpmond.ingest") { _ in handler }

        logger.warning(
            "Occlusion suspected\nreservoir pressure rising",
            metadata: ["site": "ICU", "message_id": "8a7c3b4e92f14d6ba0c51e2f3a4b5c6d"])

        let fields = try #require(parseNativeProtocol(try journal.receive()))
        let byName = Dictionary(fields.map { ($0.name, $0.text) }, uniquingKeysWith: { first, _ in first })
        #expect(byName["MESSAGE"] == "Occlusion suspected\nreservoir pressure rising")
        #expect(byName["PRIORITY"] == "4")
        #expect(byName["SYSLOG_IDENTIFIER"] == "pumpmond")
        #expect(byName["MESSAGE_ID"] == "8a7c3b4e92f14d6ba0c51e2f3a4b5c6d")
        #expect(byName["LOGGER_LABEL"] == "pumpmond.ingest")
        #expect(byName["CODE_FUNC"] == "aLogCallArrivesAsOneStructuredJournalDatagram()")
        #expect(byName["CODE_FILE"]?.hasSuffix("JournalLogHandlerTests.swift") == true)
        // The call's metadata wins over the handler's, which wins over the provider's.
        #expect(byName["SITE"] == "ICU")
        #expect(byName["PUMP_SERIAL"] == "PX-1042")
        #expect(byName["CONNECTION"] == "7")
        #expect(fields.count == byName.count)
    }

    @Test func anAttachedErrorIsSentAsTheErrorField() throws {
        struct StoreUnavailable: Error, CustomStringConvertible { var description: String { "database locked" } }
        let journal = try BoundDatagramSocket()
        let handler = JournalLogHandler(
            label: "pumpmond.store", identifier: "pumpmond", destination: try .socket(path: journal.path))
        handler.log(
            event: LogEvent(
                level: .error, message: "Could not save a reading", error: StoreUnavailable(), metadata: nil,
                source: nil,
                file: "PumpStore/Store.swift", function: "save()", line: 9))

        let fields = try #require(parseNativeProtocol(try journal.receive()))
        #expect(fields.contains(JournalField(name: "ERROR", text: "database locked")))
        #expect(fields.contains(JournalField(name: "PRIORITY", text: "3")))
    }

    @Test func aSocketPathTooLongForAUnixAddressIsRefused() {
        let path = "/tmp/" + String(repeating: "x", count: 120)
        #expect(throws: JournalDestinationError.pathTooLong(path: path)) { try JournalDestination.socket(path: path) }
        #expect(JournalDestinationError.pathTooLong(path: path).description.contains("shorter path"))
    }

    @Test func sendingToAMissingSocketReportsTheErrnoSoTheHandlerFallsBack() throws {
        let directory = try TemporaryDirectory()
        let destination = try JournalDestination.socket(path: directory.file("no-journal"))
        #expect(destination.send(JournalEntryTests.entry()) == -ENOENT)
        #expect(destination.description == "journal socket \(directory.file("no-journal"))")
    }

    @Test func libsystemdAcceptsTheEntryAsIovecs() {
        // sd_journal_sendv returns -EINVAL for an iovec without "NAME="; 0 when it sent (or found no journald).
        #expect(
            JournalDestination.systemJournal.send(JournalEntryTests.entry(message: "SystemdSupport test\nline 2")) == 0)
    }
}

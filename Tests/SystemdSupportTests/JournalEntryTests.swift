import Logging
import SystemdSupport
import Testing

@Suite struct JournalEntryTests {
    @Test(arguments: [
        (Logger.Level.critical, 2), (.error, 3), (.warning, 4), (.notice, 5), (.info, 6), (.debug, 7), (.trace, 7),
    ])
    func logLevelsMapToSyslogPriorities(level: Logger.Level, priority: Int) {
        #expect(JournalEntry.priority(for: level) == priority)
        let entry = Self.entry(level: level)
        #expect(entry.fields.first { $0.name == "PRIORITY" }?.text == String(priority))
    }

    @Test func anEventBecomesTheStandardFieldsThenItsMetadataSortedByKey() {
        let entry = Self.entry(metadata: ["pump.serial": "PX-1042", "dose.rate": .stringConvertible(0.5)])
        #expect(
            entry.fields.map(\.name) == [
                "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "LOGGER_LABEL", "CODE_FILE", "CODE_LINE", "CODE_FUNC",
                "DOSE_RATE", "PUMP_SERIAL",
            ])
        #expect(
            entry.fields.map(\.text) == [
                "Accepted message", "6", "pumpmond", "pumpmond.ingest", "PumpDaemon/Ingest.swift", "42", "accept()",
                "0.5", "PX-1042",
            ])
    }

    @Test func aMessageIDInAnyCaseAndFormIsSentAsMessageID() {
        let entry = Self.entry(metadata: ["Message_ID": "8A7C3B4E-92F1-4D6B-A0C5-1E2F3A4B5C6D"])
        #expect(entry.fields.filter { $0.name == "MESSAGE_ID" }.map(\.text) == ["8a7c3b4e92f14d6ba0c51e2f3a4b5c6d"])
        #expect(!entry.fields.contains { $0.name.hasPrefix("METADATA_") })
    }

    @Test(arguments: [
        ("8a7c3b4e92f14d6ba0c51e2f3a4b5c6d", "8a7c3b4e92f14d6ba0c51e2f3a4b5c6d"),
        ("8A7C3B4E92F14D6BA0C51E2F3A4B5C6D", "8a7c3b4e92f14d6ba0c51e2f3a4b5c6d"),
        (" 8a7c3b4e-92f1-4d6b-a0c5-1e2f3a4b5c6d ", "8a7c3b4e92f14d6ba0c51e2f3a4b5c6d"),
    ])
    func validMessageIDsAreNormalisedToLowerCaseHex(text: String, id: String) {
        #expect(JournalEntry.messageID(from: text) == id)
    }

    @Test(arguments: [
        "", "8a7c3b4e92f14d6ba0c51e2f3a4b5c6", "8a7c3b4e92f14d6ba0c51e2f3a4b5c6d0", "8a7c3b4e92f14d6ba0c51e2f3a4b5c6g",
        "8a7c3b4e-92f14d6b-a0c5-1e2f3a4b5c6d", "８a7c3b4e92f14d6ba0c51e2f3a4b5c",
    ])
    func anythingElseIsNotAMessageID(text: String) {
        #expect(JournalEntry.messageID(from: text) == nil)
    }

    @Test func metadataNamedLikeAFieldTheHandlerWritesIsKeptUnderAMetadataPrefix() {
        let entry = Self.entry(metadata: ["message": "shadow", "priority": "high", "message_id": "not-an-id"])
        #expect(entry.fields.filter { $0.name == "MESSAGE" }.map(\.text) == ["Accepted message"])
        #expect(entry.fields.filter { $0.name == "PRIORITY" }.map(\.text) == ["6"])
        #expect(!entry.fields.contains { $0.name == "MESSAGE_ID" })
        #expect(
            entry.fields.suffix(3).map { "\($0.name)=\($0.text)" } == [
                "METADATA_MESSAGE=shadow", "METADATA_MESSAGE_ID=not-an-id", "METADATA_PRIORITY=high",
            ])
    }

    @Test func metadataWithoutAUsableNameIsDroppedAndTheErrorIsItsOwnField() {
        struct PumpOffline: Error, CustomStringConvertible { var description: String { "pump PX-1042 offline" } }
        let entry = Self.entry(metadata: ["___": "lost", "42": "lost"], error: PumpOffline())
        #expect(!entry.fields.contains { $0.text == "lost" })
        #expect(entry.fields.last == JournalField(name: "ERROR", text: "pump PX-1042 offline"))
    }

    @Test func eachIovecIsNameEqualsValueEvenForMultiLineValues() {
        let entry = Self.entry(message: "Occlusion alarm\nreservoir 12 mL", metadata: [:])
        #expect(entry.iovecPayloads.first == Array("MESSAGE=Occlusion alarm\nreservoir 12 mL".utf8))
        #expect(entry.iovecPayloads.count == entry.fields.count)
    }

    @Test func singleLineValuesUseTheSimpleNativeForm() {
        #expect(
            JournalField(name: "PUMP_SERIAL", text: "PX-1042").nativeProtocolBytes
                == Array("PUMP_SERIAL=PX-1042\n".utf8))
        #expect(JournalField(name: "EMPTY", text: "").nativeProtocolBytes == Array("EMPTY=\n".utf8))
    }

    @Test func multiLineValuesUseTheLengthPrefixedNativeForm() {
        let field = JournalField(name: "MESSAGE", text: "a\nb")
        #expect(field.nativeProtocolBytes == Array("MESSAGE\n".utf8) + [3, 0, 0, 0, 0, 0, 0, 0] + Array("a\nb\n".utf8))
    }

    @Test func binaryValuesSurviveTheNativeEncodingByteForByte() {
        let blob: [UInt8] = [0, 10, 61, 255, 10, 0] + Array(repeating: 7, count: 300)
        let bytes = JournalEntry(fields: [
            JournalField(name: "BLOB", value: blob), JournalField(name: "AFTER", text: "x"),
        ])
        .nativeProtocolPayload
        #expect(Array(bytes.prefix(13)) == Array("BLOB\n".utf8) + [0x32, 0x01, 0, 0, 0, 0, 0, 0])
        #expect(
            parseNativeProtocol(bytes) == [
                JournalField(name: "BLOB", value: blob), JournalField(name: "AFTER", text: "x"),
            ])
    }

    static func entry(
        level: Logger.Level = .info, message: String = "Accepted message",
        metadata: Logger.Metadata = ["pump.serial": "PX-1042"], error: (any Error)? = nil
    ) -> JournalEntry {
        JournalEntry(
            level: level, message: message, identifier: "pumpmond", label: "pumpmond.ingest", metadata: metadata,
            error: error, file: "PumpDaemon/Ingest.swift", function: "accept()", line: 42)
    }
}

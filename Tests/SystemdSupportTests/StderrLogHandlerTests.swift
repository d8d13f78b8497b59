import Glibc
import Logging
import SystemdSupport
import Testing

@Suite struct StderrLogHandlerTests {
    @Test func aLineIsThePriorityPrefixTheMessageAndSortedMetadata() {
        let line = StderrLogHandler.formatLine(
            level: .notice, message: "Accepted message", metadata: ["pump.serial": "PX-1042", "connection": "7"])
        #expect(line == "<5>Accepted message connection=7 pump.serial=PX-1042\n")
    }

    @Test func valuesWithSpacesQuotesOrEqualsAreQuotedAndEscaped() {
        let line = StderrLogHandler.formatLine(
            level: .error, message: "Rejected",
            metadata: ["reason": "bad \"frame\"", "expr": "a=b", "empty": "", "path": #"C:\pumps"#])
        #expect(line == #"<3>Rejected empty="" expr="a=b" path=C:\\pumps reason="bad \"frame\"""# + "\n")
    }

    @Test func multiLineMessagesStayOnOneLine() {
        let line = StderrLogHandler.formatLine(level: .info, message: "first\nsecond\u{7}", metadata: ["note": "x\ny"])
        #expect(line == #"<6>first\nsecond\u{7} note=x\ny"# + "\n")
    }

    @Test func theHandlerWritesMergedMetadataAndTheErrorAsOneLine() throws {
        struct ReadingRejected: Error, CustomStringConvertible { var description: String { "checksum mismatch" } }
        var pipeEnds: [Int32] = [0, 0]
        try #require(pipe(&pipeEnds) == 0)
        defer { close(pipeEnds[0]) }
        var handler = StderrLogHandler(label: "pumpmond.ingest", fileDescriptor: pipeEnds[1])
        handler.metadata = ["pump.serial": "PX-1042", "site": "ward 3"]
        let logger = Logger(label: "pumpmond.ingest") { _ in handler }

        logger.warning("Dropped frame", error: ReadingRejected(), metadata: ["site": "ICU"])
        close(pipeEnds[1])

        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
        #expect(
            String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
                == #"<4>Dropped frame error="checksum mismatch" pump.serial=PX-1042 site=ICU"# + "\n")
    }
}

import PumpTelemetry
import Testing

/// The daemon's own times: UTC, `Z`, milliseconds cut toward the past, in every year.
@Suite struct TimestampFormatTests {
    @Test(arguments: [
        (Int64(1_764_324_900_412_999), "2025-11-28T10:15:00.412Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (-62_167_219_200_000_000, "0000-01-01T00:00:00.000Z"),
        (-62_167_219_200_000_001, "-0001-12-31T23:59:59.999Z"),
        (253_402_300_800_000_000, "10000-01-01T00:00:00.000Z"),
    ])
    func formatsEveryYear(micros: Int64, text: String) {
        #expect(Timestamp.format(micros: micros) == text)
        var bytes: [UInt8] = [UInt8(ascii: "x")]
        Timestamp.append(micros: micros, to: &bytes)
        #expect(bytes == [UInt8(ascii: "x")] + Array(text.utf8))
    }
}

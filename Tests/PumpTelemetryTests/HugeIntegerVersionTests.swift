import PumpJSON
import PumpTelemetry
import Testing

/// An integer is an integer however many digits it has: a huge `v` is an unsupported version, not
/// an invalid field (found by the stress test's huge-number frames).
@Suite struct HugeIntegerVersionTests {
    @Test(arguments: [String(repeating: "9", count: 400), "1e400", "12.5e1", "1E+30"])
    func aHugeIntegerVersionIsUnsupported(v: String) {
        let line = #"{"v":\#(v),"id":"h1","serial":"SM2-000001","kind":"status"}"#
        guard case .rejected(let r) = FrameValidator().validate(Array(line.utf8), nowMicros: 0) else {
            Issue.record("accepted")
            return
        }
        #expect(r.reason == .unsupportedVersion)
    }

    @Test(arguments: ["1.5", "1e-7", "1.0000001e3"])
    func aFractionalVersionIsAnInvalidField(v: String) {
        let line = #"{"v":\#(v),"id":"h1","serial":"SM2-000001","kind":"status"}"#
        guard case .rejected(let r) = FrameValidator().validate(Array(line.utf8), nowMicros: 0) else {
            Issue.record("accepted")
            return
        }
        #expect(r.reason == .invalidField)
    }

    @Test func integersInExponentFormAreIntegers() {
        #expect(JSONNumber(literal: "1e400").isInteger)
        #expect(JSONNumber(literal: String(repeating: "7", count: 50)).isInteger)
        #expect(!JSONNumber(literal: "123456789012345678901234.5").isInteger)
    }
}

import PumpJSON
import Testing

@testable import PumpTelemetry

@Suite("Message model")
struct MessageModelTests {
    @Test("the vocabularies spell the protocol's words")
    func words() {
        #expect(MessageKind.allCases.map(\.rawValue) == ["status", "alert"])
        #expect(BatteryState.allCases.map(\.rawValue) == ["BOS", "MOS", "ERI", "EOS"])
        #expect(MotorState.allCases.map(\.rawValue) == ["ok", "stalled", "none"])
        #expect(Severity.allCases.map(\.rawValue) == ["info", "warning", "critical"])
        #expect(AlertState.allCases.map(\.rawValue) == ["raised", "cleared"])
        #expect(
            KnownAlertCode.allCases.map(\.rawValue) == [
                "MOTOR_STALL", "MOTOR_STALL_RECOVERED", "CRITICAL_ERROR", "BATTERY_ERI", "BATTERY_EOS",
                "LOW_BATTERY_RESET", "IMPENDING_FAILURE", "LOW_RESERVOIR", "EMPTY_RESERVOIR", "PUMP_RESET",
                "MRI_EXPOSURE",
            ])
    }

    @Test("a message's payload matches its kind")
    func payloadKind() throws {
        let status = try #require(Lines.message(Lines.status()))
        let alert = try #require(Lines.message(Lines.alert()))
        #expect(status.payload.kind == status.kind)
        #expect(alert.payload.kind == .alert)
        #expect(alert.alert?.code == .known(.motorStall))
    }

    @Test("JSON values can be written as Swift literals")
    func literals() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", true], "b": [:]]
        #expect(try JSONParser.parse(Array(#"{"b":{},"a":[1,2.5,"x",true]}"#.utf8)) == value)
        #expect(value.typeDescription == "an object")
        #expect(value["a"]?.arrayValue?.count == 4)
        #expect(JSONValue.null.isNull)
    }

    @Test("equal messages resent with a different spelling have the same content")
    func resentMessageSameContent() throws {
        let first = try #require(Lines.message(Lines.status(["reservoir_ml": "12.50"])))
        let resend = try #require(
            Lines.message(
                Array(
                    #"{"motor":"ok","reservoir_ml":1.25e1,"battery":{"volts":3.050,"state":"MOS"},"model":"SynchroMed II","at":"2026-11-28T10:15:00Z","kind":"status","serial":"SM2-004211","id":"m-1","v":1}"#
                        .utf8)))
        #expect(first.content == resend.content)
        #expect(JSONWriter.canonical(first.content) == JSONWriter.canonical(resend.content))
        #expect(first == resend)
    }
}

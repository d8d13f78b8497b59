import PumpHL7
import PumpJSON
import PumpTelemetry
import Testing

@Suite struct PCDEncoderTests {
    static let objects = [
        #"{"v":1,"id":"s1","serial":"SM2-004211","kind":"status","at":"2026-11-28T10:15:00+01:00","model":"SynchroMed II","firmware":"4.2|1","battery":{"state":"ERI","volts":2.5,"months_remaining":3},"motor":"stalled","reservoir_ml":0.5,"infusing":false}"#,
        #"{"v":1,"id":"s2","serial":"C3000-0107","kind":"status","at":"2026-11-28T04:15:00.25-05:00","model":"Codman 3000","battery":null,"motor":"none"}"#,
        #"{"v":1,"id":"a1","serial":"SM2-004211","kind":"alert","at":"2026-11-28T10:15:00+00:00","code":"MRI_EXPOSURE","severity":"info","state":"raised","detail":"scan ^ 3T & more"}"#,
        #"{"v":1,"id":"a2","serial":"SM2-004211","kind":"alert","at":"2026-11-28T10:15:00+00:00","code":"CRITICAL_ERROR","severity":"critical","state":"cleared"}"#,
        #"{"v":1,"id":"a3","serial":"SM2-004211","kind":"alert","at":"2026-11-28T10:15:00+00:00","code":"X-ACME-DOOR","severity":"warning","state":"raised"}"#,
    ]

    @Test(arguments: objects)
    func anEncodedMessageMapsBackToTheSameProtocolObject(text: String) throws {
        let object = try JSONParser.parse(Array(text.utf8))
        let id = try #require(object["id"]?.stringValue)
        let bytes = try #require(PCDEncoder.message(for: object, facility: "SIM", controlID: id))
        let message = try #require(Examples.intake(bytes).content, "\(String(decoding: bytes, as: UTF8.self))")
        var expected = try #require(object.objectValue)
        expected = JSONObject(expected.map { ($0.key, $0.key == "id" ? JSONValue.string("SIM:\(id)") : $0.value) })
        #expect(message.content == .object(expected))
    }

    @Test func aClearedStallIsSentAsEndedAndComesBackAsTheRecovery() throws {
        let object = try JSONParser.parse(
            Array(
                #"{"v":1,"id":"c","serial":"SM2-1","kind":"alert","at":"2026-11-28T10:15:00Z","code":"MOTOR_STALL","severity":"warning","state":"cleared"}"#
                    .utf8))
        let bytes = try #require(PCDEncoder.message(for: object, facility: "SIM", controlID: "c"))
        let message = try #require(Examples.intake(bytes).content)
        #expect(message.content["code"]?.stringValue == "MOTOR_STALL_RECOVERED")
        #expect(message.content["at"]?.stringValue == "2026-11-28T10:15:00+00:00")
    }

    @Test(arguments: ["2026-11-28T10:15:00.123456Z", "2026-11-28 10:15:00Z", "2026-11-28T10:15:00", ""])
    func timesDTMCannotCarryAreNotEncoded(at: String) {
        #expect(PCDEncoder.dtm(fromRFC3339: at) == nil)
    }
}

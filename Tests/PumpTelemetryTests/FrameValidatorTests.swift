import PumpJSON
import Testing

@testable import PumpTelemetry

@Suite("Frame validator: reasons and precedence")
struct FrameValidatorReasonTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let line: [UInt8]
        let reason: RejectionReason
        var testDescription: String { reason.rawValue }
    }

    static let rows: [Row] = [
        Row(line: Array(#"{"v":1,"id":"#.utf8), reason: .invalidJSON),
        Row(line: Array(repeating: UInt8(ascii: " "), count: FrameValidator.maxLineBytes + 1), reason: .frameTooLarge),
        Row(line: Lines.status(["v": "2"]), reason: .unsupportedVersion),
        Row(line: Lines.status(["model": nil]), reason: .missingField),
        Row(line: Lines.status(["serial": #""S!""#]), reason: .invalidField),
        Row(line: Lines.status(["kind": #""heartbeat""#]), reason: .unknownKind),
        Row(line: Lines.alert(["code": #""FOO_BAR""#]), reason: .unknownCode),
        Row(line: Lines.status(["at": #""2026-11-28T10:21:00Z""#]), reason: .timestampInFuture),
        Row(line: Lines.status(["at": #""1970-01-01T00:00:00Z""#]), reason: .timestampImplausible),
    ]

    @Test("each validator reason is produced by a line that provokes it", arguments: rows)
    func reasonIsProduced(row: Row) {
        #expect(Lines.rejection(row.line)?.reason == row.reason)
    }

    @Test("the reasons the validator never produces come from their factories")
    func storageAndFramingReasons() {
        #expect(Rejection.frameTooLarge(length: 70_000).reason == .frameTooLarge)
        #expect(Rejection.frameTooLarge(length: 70_000).id == nil)
        #expect(Rejection.frameTooLarge(length: 70_000).detail.contains("70000"))
        let conflict = Rejection.conflictingDuplicate(id: "m-1", serial: "SM2-004211")
        #expect(conflict.reason == .conflictingDuplicate)
        #expect(conflict.id == "m-1")
        let refused = Rejection.notAuthorized(id: "m-2", serial: "SM2-004211", source: "gateway:north")
        #expect(refused.reason == .notAuthorized)
        #expect(refused.id == "m-2")
        #expect(refused.detail.contains("gateway:north may not report for pump SM2-004211"))
        #expect(
            Set(RejectionReason.allCases.map(\.rawValue)) == [
                "invalid_json", "frame_too_large", "unsupported_version", "missing_field", "invalid_field",
                "unknown_kind", "unknown_code", "timestamp_in_future", "timestamp_implausible", "not_authorized",
                "conflicting_duplicate",
            ])
        #expect(
            Set(UnavailableReason.allCases.map(\.rawValue)) == [
                "storage_full", "storage_read_only", "storage_error", "shutting_down",
            ])
    }

    struct PrecedenceRow: CustomTestStringConvertible, Sendable {
        let name: String
        let line: [UInt8]
        let reason: RejectionReason
        var testDescription: String { name }
    }

    static let precedence: [PrecedenceRow] = [
        PrecedenceRow(
            name: "v absent beats everything after it",
            line: Lines.status(["v": nil, "id": "7", "kind": #""x""#, "model": nil]), reason: .missingField),
        PrecedenceRow(
            name: "v not an integer beats a bad id", line: Lines.status(["v": "1.5", "id": "7"]), reason: .invalidField),
        PrecedenceRow(
            name: "v a string is invalid_field", line: Lines.status(["v": #""1""#]), reason: .invalidField),
        PrecedenceRow(
            name: "unsupported version beats a missing id", line: Lines.status(["v": "2", "id": nil]),
            reason: .unsupportedVersion),
        PrecedenceRow(
            name: "id before serial", line: Lines.status(["id": "7", "serial": nil]), reason: .invalidField),
        PrecedenceRow(
            name: "serial before kind", line: Lines.status(["serial": nil, "kind": #""x""#]), reason: .missingField),
        PrecedenceRow(
            name: "unknown kind before a bad at", line: Lines.status(["kind": #""x""#, "at": #""yesterday""#]),
            reason: .unknownKind),
        PrecedenceRow(
            name: "a bad at before the kind's fields", line: Lines.status(["at": #""yesterday""#, "model": nil]),
            reason: .invalidField),
        PrecedenceRow(
            name: "model before battery", line: Lines.status(["model": "5", "battery": nil]), reason: .invalidField),
        PrecedenceRow(
            name: "battery before motor", line: Lines.status(["battery": nil, "motor": #""spinning""#]),
            reason: .missingField),
        PrecedenceRow(
            name: "unknown code before a missing severity", line: Lines.alert(["code": #""NOPE""#, "severity": nil]),
            reason: .unknownCode),
        PrecedenceRow(
            name: "a code of the wrong type is invalid_field", line: Lines.alert(["code": "12"]), reason: .invalidField),
        PrecedenceRow(
            name: "a field fault beats a future timestamp",
            line: Lines.alert(["at": #""2027-01-01T00:00:00Z""#, "severity": #""loud""#]), reason: .invalidField),
        PrecedenceRow(
            name: "a field fault beats an implausible timestamp",
            line: Lines.alert(["at": #""1970-01-01T00:00:00Z""#, "severity": #""loud""#]), reason: .invalidField),
        PrecedenceRow(
            name: "an unknown code beats an implausible timestamp",
            line: Lines.alert(["at": #""1999-12-31T23:59:59Z""#, "code": #""NOPE""#]), reason: .unknownCode),
        PrecedenceRow(
            name: "invalid JSON beats everything",
            line: Array(#"{"v":2,"v":3}"#.utf8), reason: .invalidJSON),
        PrecedenceRow(name: "a JSON array is invalid_json", line: Array("[1]".utf8), reason: .invalidJSON),
        PrecedenceRow(name: "an empty line is invalid_json", line: [], reason: .invalidJSON),
        PrecedenceRow(name: "a lone CR is invalid_json", line: [0x0D], reason: .invalidJSON),
    ]

    @Test("a line with several faults gets the first reason in the protocol's order", arguments: precedence)
    func precedenceOrder(row: PrecedenceRow) {
        #expect(Lines.rejection(row.line)?.reason == row.reason)
    }
}

@Suite("Frame validator: echoing the id")
struct FrameValidatorIDEchoTests {
    @Test("the reply echoes a string id even when the rejection is for v")
    func echoesIDOnVersionFault() {
        #expect(Lines.rejection(Lines.status(["v": "9", "id": #""abc""#]))?.id == "abc")
        #expect(Lines.rejection(Lines.status(["v": nil, "id": #""abc""#]))?.id == "abc")
    }

    @Test("the reply echoes an id that is a string but itself invalid")
    func echoesInvalidID() {
        let long = String(repeating: "x", count: 200)
        let rejection = Lines.rejection(Lines.status(["id": "\"\(long)\""]))
        #expect(rejection?.reason == .invalidField)
        #expect(rejection?.id == long)
        #expect(Lines.rejection(Lines.status(["id": #""""#]))?.id == "")
        #expect(Lines.rejection(Lines.status(["id": #""tab\there""#]))?.id == "tab\there")
    }

    @Test("no id is echoed when id is not a string or the line is not JSON")
    func noEchoWithoutStringID() {
        #expect(Lines.rejection(Lines.status(["id": "42"]))?.id == nil)
        #expect(Lines.rejection(Lines.status(["id": "null"]))?.id == nil)
        #expect(Lines.rejection(Array(#"{"id":"abc","#.utf8))?.id == nil)
    }

    @Test("a timestamp_in_future rejection echoes the id")
    func echoesOnFuture() {
        let rejection = Lines.rejection(Lines.alert(["id": #""late-1""#, "at": #""2026-11-28T11:00:00Z""#]))
        #expect(rejection?.reason == .timestampInFuture)
        #expect(rejection?.id == "late-1")
    }
}

@Suite("Frame validator: field rules")
struct FrameValidatorFieldTests {
    func reason(_ line: [UInt8]) -> RejectionReason? { Lines.rejection(line)?.reason }

    @Test("a complete status message is read into typed fields")
    func readsStatus() throws {
        let line = Lines.status([
            "firmware": #""4.2.1""#, "battery": #"{"state":"ERI","volts":2.9,"months_remaining":0}"#,
            "reservoir_ml": "12.5", "infusing": "true", "vendor_extra": #"{"a":[1,2]}"#,
        ])
        let message = try #require(Lines.message(line))
        #expect(message.id == "m-1")
        #expect(message.serial == "SM2-004211")
        #expect(message.kind == .status)
        #expect(message.at.text == "2026-11-28T10:15:00Z")
        #expect(message.at.micros == Lines.now)
        let status = try #require(message.status)
        #expect(status.model == "SynchroMed II")
        #expect(status.firmware == "4.2.1")
        #expect(status.battery == BatteryReading(state: .ERI, volts: 2.9, monthsRemaining: 0))
        #expect(status.motor == .ok)
        #expect(status.reservoirML == 12.5)
        #expect(status.infusing == true)
        #expect(message.content["vendor_extra"] == ["a": [1, 2]])
        #expect(message.alert == nil)
    }

    @Test("a complete alert message is read into typed fields")
    func readsAlert() throws {
        let line = Lines.alert([
            "code": #""BATTERY_ERI""#, "severity": #""warning""#, "state": #""cleared""#,
            "detail": #""battery low""#,
        ])
        let alert = try #require(Lines.message(line)?.alert)
        #expect(
            alert == AlertReport(code: .known(.batteryERI), severity: .warning, state: .cleared, detail: "battery low"))
    }

    @Test("a trailing carriage return is white space")
    func trailingCR() {
        #expect(Lines.message(Lines.status() + [0x0D]) != nil)
    }

    @Test("v written as 1.0, 1e0 or 10e-1 is version 1")
    func versionSpelling() {
        for spelling in ["1.0", "1e0", "10e-1", "0.1E1", "1.000"] {
            #expect(Lines.message(Lines.status(["v": spelling])) != nil, "v: \(spelling)")
        }
        #expect(reason(Lines.status(["v": "0.5"])) == .invalidField)
        #expect(reason(Lines.status(["v": "-1"])) == .unsupportedVersion)
        #expect(reason(Lines.status(["v": "1e400"])) == .unsupportedVersion)
        #expect(reason(Lines.status(["v": "true"])) == .invalidField)
        #expect(reason(Lines.status(["v": "null"])) == .missingField)
    }

    @Test("id: 1 to 128 printable ASCII characters")
    func idRule() {
        #expect(Lines.message(Lines.status(["id": "\"\(String(repeating: "a", count: 128))\""])) != nil)
        #expect(reason(Lines.status(["id": "\"\(String(repeating: "a", count: 129))\""])) == .invalidField)
        #expect(reason(Lines.status(["id": #""""#])) == .invalidField)
        #expect(Lines.message(Lines.status(["id": #"" ~!\"\\{}""#])) != nil)
        #expect(reason(Lines.status(["id": #""caf\u00e9""#])) == .invalidField)
        #expect(reason(Lines.status(["id": #""a\u007fb""#])) == .invalidField)
        #expect(reason(Lines.status(["id": #""a\nb""#])) == .invalidField)
        #expect(reason(Lines.status(["id": nil])) == .missingField)
    }

    @Test(
        "serial: ^[A-Za-z0-9][A-Za-z0-9-]{2,31}$",
        arguments: [
            ("abc", true), ("A-1", true), ("SM2-004211", true), ("0--", true),
            (String(repeating: "Z", count: 32), true), (String(repeating: "Z", count: 33), false),
            ("ab", false), ("-ab", false), ("ab_c", false), ("ab c", false), ("abé", false), ("", false),
        ])
    func serialRule(serial: String, valid: Bool) {
        let line = Lines.status(["serial": "\"\(serial)\""])
        if valid {
            #expect(Lines.message(line)?.serial == serial)
        } else {
            #expect(reason(line) == .invalidField)
        }
    }

    @Test("model: 1 to 64 characters, counted as Characters")
    func modelRule() {
        #expect(Lines.message(Lines.status(["model": "\"\(String(repeating: "m", count: 64))\""])) != nil)
        #expect(reason(Lines.status(["model": "\"\(String(repeating: "m", count: 65))\""])) == .invalidField)
        #expect(reason(Lines.status(["model": #""""#])) == .invalidField)
        // 64 characters of two bytes each: 128 bytes, still 64 characters.
        #expect(Lines.message(Lines.status(["model": "\"\(String(repeating: "é", count: 64))\""])) != nil)
        #expect(reason(Lines.status(["model": "null"])) == .missingField)
        #expect(reason(Lines.status(["model": "[]"])) == .invalidField)
    }

    @Test("firmware: optional string; null counts as absent")
    func firmwareRule() {
        #expect(Lines.message(Lines.status(["firmware": "null"]))?.status?.firmware == nil)
        #expect(reason(Lines.status(["firmware": "4"])) == .invalidField)
    }

    @Test("battery: required; null means no battery; state one of BOS MOS ERI EOS; numbers ≥ 0")
    func batteryRule() {
        #expect(reason(Lines.status(["battery": nil])) == .missingField)
        let noBattery = Lines.message(Lines.status(["battery": "null"]))
        #expect(noBattery != nil)
        #expect(noBattery?.status?.battery == nil)
        for state in BatteryState.allCases {
            #expect(
                Lines.message(Lines.status(["battery": "{\"state\":\"\(state.rawValue)\"}"]))?.status?.battery?.state
                    == state)
        }
        #expect(reason(Lines.status(["battery": #"{"state":"mos"}"#])) == .invalidField)
        #expect(reason(Lines.status(["battery": #"{}"#])) == .missingField)
        #expect(reason(Lines.status(["battery": #""MOS""#])) == .invalidField)
        #expect(reason(Lines.status(["battery": #"{"state":"MOS","volts":-0.1}"#])) == .invalidField)
        #expect(Lines.message(Lines.status(["battery": #"{"state":"MOS","volts":0}"#]))?.status?.battery?.volts == 0)
        #expect(Lines.message(Lines.status(["battery": #"{"state":"MOS","volts":-0}"#])) != nil)
        #expect(reason(Lines.status(["battery": #"{"state":"MOS","months_remaining":-1}"#])) == .invalidField)
        #expect(reason(Lines.status(["battery": #"{"state":"MOS","volts":"3"}"#])) == .invalidField)
        #expect(reason(Lines.status(["battery": #"{"state":"MOS","volts":1e400}"#])) == .invalidField)
        #expect(
            Lines.message(Lines.status(["battery": #"{"state":"MOS","volts":null}"#]))?.status?.battery?.volts == nil)
    }

    @Test("the detail of a nested fault names the field by its path")
    func nestedFieldPath() {
        let rejection = Lines.rejection(Lines.status(["battery": #"{"state":"MOS","volts":-0.1}"#]))
        #expect(rejection?.detail.contains("battery.volts") == true)
    }

    @Test("motor: ok, stalled or none")
    func motorRule() {
        for motor in MotorState.allCases {
            #expect(Lines.message(Lines.status(["motor": "\"\(motor.rawValue)\""]))?.status?.motor == motor)
        }
        #expect(reason(Lines.status(["motor": #""OK""#])) == .invalidField)
        #expect(reason(Lines.status(["motor": nil])) == .missingField)
    }

    @Test("reservoir_ml: optional number ≥ 0; infusing: optional boolean")
    func reservoirAndInfusing() {
        #expect(Lines.message(Lines.status(["reservoir_ml": "0"]))?.status?.reservoirML == 0)
        #expect(reason(Lines.status(["reservoir_ml": "-0.001"])) == .invalidField)
        #expect(Lines.message(Lines.status(["infusing": "false"]))?.status?.infusing == false)
        #expect(reason(Lines.status(["infusing": "1"])) == .invalidField)
        #expect(Lines.message(Lines.status(["infusing": "null"]))?.status?.infusing == nil)
    }

    @Test("code: every known code, and vendor codes X-<VENDOR>-<NAME>")
    func codeRule() {
        for known in KnownAlertCode.allCases {
            #expect(Lines.message(Lines.alert(["code": "\"\(known.rawValue)\""]))?.alert?.code == .known(known))
        }
        for vendor in ["X-ACME-DOOR", "X-acme-door-open", "X-A1-2", "X-MEDT-LOW-BATT-9"] {
            #expect(Lines.message(Lines.alert(["code": "\"\(vendor)\""]))?.alert?.code == .vendor(vendor), "\(vendor)")
        }
        for unknown in [
            "motor_stall", "X-ACME", "X-ACME-", "X--DOOR", "x-ACME-DOOR", "X-AC_ME-DOOR", "X-ACME-DO OR", "",
        ] {
            #expect(reason(Lines.alert(["code": "\"\(unknown)\""])) == .unknownCode, "\(unknown)")
        }
        #expect(reason(Lines.alert(["code": nil])) == .missingField)
        #expect(AlertCode(word: "X-ACME-DOOR")?.word == "X-ACME-DOOR")
        #expect(AlertCode.known(.mriExposure).word == "MRI_EXPOSURE")
    }

    @Test("severity required; state raised by default, or cleared")
    func severityAndState() {
        #expect(reason(Lines.alert(["severity": nil])) == .missingField)
        #expect(reason(Lines.alert(["severity": #""fatal""#])) == .invalidField)
        #expect(Lines.message(Lines.alert())?.alert?.state == .raised)
        #expect(Lines.message(Lines.alert(["state": "null"]))?.alert?.state == .raised)
        #expect(Lines.message(Lines.alert(["state": #""cleared""#]))?.alert?.state == .cleared)
        #expect(reason(Lines.alert(["state": #""open""#])) == .invalidField)
    }

    @Test("detail: at most 1,024 characters")
    func detailRule() {
        #expect(Lines.message(Lines.alert(["detail": "\"\(String(repeating: "d", count: 1024))\""])) != nil)
        #expect(reason(Lines.alert(["detail": "\"\(String(repeating: "d", count: 1025))\""])) == .invalidField)
        #expect(Lines.message(Lines.alert(["detail": "\"\(String(repeating: "ü", count: 1024))\""])) != nil)
        #expect(reason(Lines.alert(["detail": "7"])) == .invalidField)
    }

    @Test("at: exactly 5 minutes ahead is accepted, 1 µs more is timestamp_in_future")
    func futureBoundary() {
        #expect(Lines.message(Lines.status(["at": #""2026-11-28T10:20:00Z""#])) != nil)
        #expect(reason(Lines.status(["at": #""2026-11-28T10:20:00.000001Z""#])) == .timestampInFuture)
        #expect(Lines.message(Lines.status(["at": #""2026-11-28T10:20:00.0000001Z""#]), now: Lines.now + 1) != nil)
        #expect(reason(Lines.status(["at": #""2026-11-28T10:20:00.0000001Z""#])) == .timestampInFuture)
        #expect(Lines.message(Lines.status(["at": #""2020-01-01T00:00:00Z""#])) != nil)
        #expect(Lines.message(Lines.status(["at": #""2026-11-28T15:50:00+05:30""#])) != nil)
        #expect(reason(Lines.status(["at": #""2026-11-28T15:50:00.000001+05:30""#])) == .timestampInFuture)
    }

    @Test("at: 2000-01-01T00:00:00Z is accepted, 1 µs earlier is timestamp_implausible")
    func implausibleBoundary() {
        #expect(Lines.message(Lines.status(["at": #""2000-01-01T00:00:00Z""#])) != nil)
        #expect(Lines.message(Lines.status(["at": #""2000-01-01T01:00:00+01:00""#])) != nil)
        #expect(reason(Lines.status(["at": #""1999-12-31T23:59:59.999999Z""#])) == .timestampImplausible)
        #expect(reason(Lines.status(["at": #""2000-01-01T00:59:59+01:00""#])) == .timestampImplausible)
        #expect(reason(Lines.status(["at": #""0000-01-01T00:00:00Z""#])) == .timestampImplausible)
        let rejection = Lines.rejection(Lines.alert(["id": #""m-1970""#, "at": #""1970-01-01T00:00:00Z""#]))
        #expect(rejection?.id == "m-1970")
        #expect(rejection?.detail.contains("clock") == true)
        // Stored messages are read back (replayed) whatever their `at`.
        let replay = FrameValidator(futureTolerance: .max / 4, earliestAt: .min)
        guard case .valid = replay.validate(Lines.status(["at": #""1970-01-01T00:00:00Z""#]), nowMicros: 0) else {
            Issue.record("a replay validator refused a stored message stamped 1970")
            return
        }
    }

    @Test("the future tolerance is configurable")
    func configurableTolerance() {
        let strict = FrameValidator(futureTolerance: 0)
        let ahead = strict.validate(Lines.status(["at": #""2026-11-28T10:15:00.000001Z""#]), nowMicros: Lines.now)
        guard case .rejected(let rejection) = ahead else {
            Issue.record("1 µs ahead accepted with no tolerance")
            return
        }
        #expect(rejection.reason == .timestampInFuture)
        guard case .valid = strict.validate(Lines.status(), nowMicros: Lines.now) else {
            Issue.record("a message stamped exactly now was rejected")
            return
        }
    }

    @Test("at: any RFC 3339 date-time with an offset; the text is kept as sent")
    func atForms() {
        for at in ["2026-11-28t10:15:00z", "2026-11-28T10:15:00.412345678Z", "2024-02-29T00:00:00-00:00"] {
            #expect(Lines.message(Lines.status(["at": "\"\(at)\""]))?.at.text == at, "\(at)")
        }
        for at in ["2026-11-28 10:15:00Z", "2026-11-28T10:15:00", "2025-02-29T00:00:00Z", "2026-11-28", "1795860900"] {
            #expect(reason(Lines.status(["at": "\"\(at)\""])) == .invalidField, "\(at)")
        }
        #expect(reason(Lines.status(["at": "1795860900"])) == .invalidField)
    }

    @Test("unknown fields are kept in the content and otherwise ignored")
    func unknownFieldsKept() {
        let message = Lines.message(Lines.status(["gateway": #""gw-7""#, "volts": "-5"]))
        #expect(message?.content["gateway"] == "gw-7")
        #expect(message?.content["volts"] == -5)
    }

    @Test("a protocol key spelled with escapes is the same key")
    func escapedKeys() {
        #expect(reason(Array(#"{"\u0076":2,"id":"a"}"#.utf8)) == .unsupportedVersion)
        let line = Array(
            #"{"v":1,"i\u0064":"e-1","serial":"SM2-004211","kind":"alert","at":"2026-11-28T10:15:00Z","code":"PUMP_RESET","severity":"info"}"#
                .utf8)
        #expect(Lines.message(line)?.id == "e-1")
    }

    @Test("validating parsed content gives the same verdict as validating the line")
    func contentValidation() throws {
        let line = Lines.status(["reservoir_ml": "3"])
        let value = try JSONParser.parse(line)
        #expect(FrameValidator().validate(content: value, nowMicros: Lines.now) == Lines.validate(line))
        #expect(FrameValidator().validate(content: .array([]), nowMicros: Lines.now) == Lines.validate("[]"))
    }

    @Test("every detail names the field it is about")
    func detailsNameTheField() {
        let cases: [([UInt8], String)] = [
            (Lines.status(["v": "2"]), "version"), (Lines.status(["id": "1"]), "\"id\""),
            (Lines.status(["serial": #""a""#]), "\"serial\""), (Lines.status(["kind": #""x""#]), "\"kind\""),
            (Lines.status(["at": #""x""#]), "\"at\""), (Lines.status(["model": nil]), "\"model\""),
            (Lines.alert(["code": #""x""#]), "\"code\""), (Lines.alert(["at": #""2027-01-01T00:00:00Z""#]), "\"at\""),
        ]
        for (line, field) in cases {
            #expect(Lines.rejection(line)?.detail.contains(field) == true, "\(field)")
        }
    }
}

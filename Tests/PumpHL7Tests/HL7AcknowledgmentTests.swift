import Foundation
import PumpHL7
import PumpTelemetry
import PumpTesting
import Testing

@Suite struct HL7AcknowledgmentTests {
    /// One reply of the ingest path to one intake, and the ACK it must become.
    struct Case: Sendable, CustomStringConvertible {
        var bytes: [UInt8]
        var reply: Reply?
        var msa1: String
        var err2: String?
        var err3: String?
        var description: String
    }

    static let cases: [Case] = [
        Case(
            bytes: Examples.status(), reply: .accepted(id: "NORTHWING:MSG1"), msa1: "AA", err2: nil, err3: nil,
            description: "accepted"),
        Case(
            bytes: Examples.status(), reply: .duplicate(id: "NORTHWING:MSG1"), msa1: "AA", err2: "", err3: "0",
            description: "duplicate"),
        Case(
            bytes: Examples.status(),
            reply: Rejection.conflictingDuplicate(id: "NORTHWING:MSG1", serial: "SM2-004211").reply, msa1: "AE",
            err2: "MSH^1^10^1", err3: "207", description: "conflicting duplicate"),
        Case(
            bytes: Examples.status(),
            reply: .unavailable(id: "NORTHWING:MSG1", reason: .storageFull, detail: "disk full"), msa1: "AR", err2: "",
            err3: "207", description: "store unavailable"),
        Case(
            bytes: Examples.message([Examples.statusMSH, Examples.mds, Examples.battery, Examples.motor]), reply: nil,
            msa1: "AE", err2: "OBX^1^3^1", err3: "101", description: "unmappable: no model"),
        Case(
            bytes: Examples.status(msh: Examples.statusMSH.replacingOccurrences(of: "ORU^R01", with: "ADT^A01")),
            reply: nil, msa1: "AR", err2: "MSH^1^9^1^1", err3: "200", description: "unsupported type"),
        Case(
            bytes: Examples.status(msh: Examples.statusMSH.replacingOccurrences(of: "|2.6", with: "|2.3")),
            reply: nil, msa1: "AR", err2: "MSH^1^12^1", err3: "203", description: "unsupported version"),
    ]

    /// The ACK for `c`: its reply, or the rejection a refused intake is answered with.
    static func ack(_ c: Case) throws -> [UInt8] {
        let intake = Examples.intake(c.bytes)
        let reply = try #require(c.reply ?? intake.rejection?.reply)
        return HL7Acknowledgment.build(for: intake, reply: reply, nowMicros: Examples.now)
    }

    @Test(arguments: cases)
    func eachReplyBecomesItsAck(c: Case) throws {
        let ack = String(decoding: try Self.ack(c), as: UTF8.self)
        let segments = ack.split(separator: "\r").map(String.init)
        #expect(segments[0].hasPrefix("MSH|^~\\&|PUMPMOND||GATEWAY|NORTHWING|20261128110000+0000||ACK^R0"))
        #expect(segments[1].hasPrefix("MSA|\(c.msa1)|MSG1"))
        if let err2 = c.err2 {
            let err = try #require(segments.count > 2 ? segments[2] : nil)
            #expect(err.hasPrefix("ERR||\(err2)|\(c.err3 ?? "")^"))
        } else {
            #expect(segments.count == 2)
        }
    }

    @Test func anAlertIsAcknowledgedAsR40() throws {
        let intake = Examples.intake(try Examples.bytes("pcd04-alert.hl7"))
        let ack = HL7Acknowledgment.build(for: intake, reply: .accepted(id: "x"), nowMicros: Examples.now)
        #expect(String(decoding: ack, as: UTF8.self).contains("|ACK^R40^ACK|ACK-ALR00042|P|2.6\rMSA|AA|ALR00042\r"))
    }

    @Test func errTextIsEscaped() {
        var header = HL7Header()
        header.controlID = "C|1"
        let ack = HL7Acknowledgment.build(
            to: header, code: .error,
            error: HL7AckError(location: nil, code: .dataTypeError, severity: "E", text: "a|b^c"), nowMicros: 0)
        let text = String(decoding: ack, as: UTF8.self)
        #expect(text.contains("MSA|AE|C\\F\\1\r"))
        #expect(text.hasSuffix("|E||||a\\F\\b\\S\\c\r"))
    }

    @Test func everyAckParsesWithPythonHL7AndValidatesWithHl7apyAgainstV26() throws {
        try #require(PythonEnvironment.problem == nil, "\(PythonEnvironment.problem ?? "")")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var files: [String] = []
        for (i, c) in Self.cases.enumerated() {
            let file = directory.file("ack\(i).hl7")
            try Data(try Self.ack(c)).write(to: URL(fileURLWithPath: file))
            files.append(file)
        }
        let checked = try PythonPeer.check(files: files)
        try #require(checked.count == Self.cases.count)
        for (c, ack) in zip(Self.cases, checked) {
            #expect(ack.valid, "\(c): \(ack.error ?? "")")
            #expect(ack.msa1 == c.msa1, "\(c)")
            #expect(ack.msa2 == "MSG1", "\(c)")
            if let err3 = c.err3 { #expect(ack.err3 == err3, "\(c)") }
        }
    }
}

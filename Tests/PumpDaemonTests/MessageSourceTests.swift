import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// Every stored message and quarantined line records who sent it; Unix-socket senders are known
/// by uid and may be limited by the gateways file.
@Suite struct MessageSourceTests {
    @Test func aUnixSocketSenderIsRecordedByUID() throws {
        let harness = try DaemonHarness()
        let replies = try harness.send([Lines.status("SM2-U0001", id: "u1"), "not json"])
        #expect(replies.map(\.result) == ["accepted", "rejected"])
        let events = try harness.events("SM2-U0001")
        #expect(events.first?["source"] as? String == "unix:\(getuid())")
        #expect(try harness.rejected().first?.source == "unix:\(getuid())")
        let device = try harness.control(.init(op: .device, serial: "SM2-U0001"), as: DeviceDetailDocument.self)
        #expect(device.result?.latestStatus?["source"]?.stringValue == "unix:\(getuid())")
    }

    @Test func theSourceKeyComesAfterTheMessagesOwnKeys() throws {
        let harness = try DaemonHarness()
        _ = try harness.send([Lines.status("SM2-U0002", id: "u2")])
        let socket = try LineSocket(unixPath: harness.daemon.controlSocket)
        try socket.send(#"{"op":"events","serial":"SM2-U0002"}"# + "\n")
        let line = try #require(try socket.readLine())
        #expect(line.contains(#""received_at":"#))
        let receivedAt = try #require(line.range(of: #""received_at""#))
        let source = try #require(line.range(of: #""source":"unix:"#))
        #expect(receivedAt.lowerBound < source.lowerBound)
    }

    @Test func aUnixUserTheGatewaysFileNamesMayReportOnlyForItsSerials() throws {
        let directory = try TemporaryDirectory(prefix: "gw")
        let path = directory.path + "/gateways.json"
        try Data(#"{"unix": {"\#(getuid())": {"serials": ["SM2-U*"]}}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let harness = try DaemonHarness(extraArguments: ["--gateways", path])
        let replies = try harness.send([Lines.status("SM2-U0003", id: "own"), Lines.status("IT3-000001", id: "other")])
        #expect(replies.map(\.result) == ["accepted", "rejected"])
        #expect(replies.last?.reason == "not_authorized")
        #expect(try harness.rejected().first?.source == "unix:\(getuid())")
        #expect(try harness.rejected().first?.reason == "not_authorized")
    }

    @Test func aFaultyLineGetsItsFaultsReasonBeforeNotAuthorized() throws {
        let directory = try TemporaryDirectory(prefix: "gw")
        let path = directory.path + "/gateways.json"
        try Data(#"{"unix": {"\#(getuid())": {"serials": ["SM2-U*"]}}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let harness = try DaemonHarness(extraArguments: ["--gateways", path])
        let future = Lines.status("IT3-000001", id: "late", at: Lines.time(3600))
        let replies = try harness.send([future])
        #expect(replies.map(\.reason) == ["timestamp_in_future"])
    }
}

import Foundation
import PumpControlProtocol
import PumpTesting
import Testing

/// One reply line of protocol v1, decoded.
struct ReplyLine: Decodable, Equatable {
    var id: String?
    var result: String
    var reason: String?
    var detail: String?
}

/// A real `pumpmond` process on a temporary store, with helpers to talk to it.
final class DaemonHarness {
    let directory: TemporaryDirectory
    let daemon: DaemonProcess

    init(extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        directory = try TemporaryDirectory(prefix: "pmd")
        daemon = DaemonProcess(directory: directory.path, extraArguments: extraArguments)
        daemon.environment = environment
        try daemon.start()
    }

    deinit {
        daemon.crash()
        directory.remove()
    }

    /// Sends `lines` pipelined on one connection and returns their replies in order.
    func send(_ lines: [String]) throws -> [ReplyLine] {
        let socket = try LineSocket(unixPath: daemon.ingestSocket)
        try socket.send(lines.map { $0 + "\n" }.joined())
        return try socket.readLines(lines.count).map(Self.decode)
    }

    /// Sends raw bytes and reads `count` replies.
    func sendRaw(_ bytes: [UInt8], expecting count: Int) throws -> [ReplyLine] {
        let socket = try LineSocket(unixPath: daemon.ingestSocket)
        try socket.send(bytes)
        socket.shutdownWrite()
        return try socket.readLines(count).map(Self.decode)
    }

    static func decode(_ line: String) -> ReplyLine {
        (try? JSONDecoder().decode(ReplyLine.self, from: Data(line.utf8)))
            ?? ReplyLine(id: nil, result: "undecodable: \(line)")
    }

    /// One control request, answered with the document `T`.
    func control<T: Codable & Sendable>(_ request: ControlRequest, as: T.Type = T.self) throws -> ControlReply<T> {
        let socket = try LineSocket(unixPath: daemon.controlSocket)
        try socket.send(Array(try JSONEncoder().encode(request)) + [10])
        guard let line = try socket.readLine() else { throw HarnessError.noReply }
        return try JSONDecoder().decode(ControlReply<T>.self, from: Data(line.utf8))
    }

    func rejected(limit: Int = 1000) throws -> [RejectedDocument] {
        try control(ControlRequest(op: .rejected, limit: limit), as: RejectedListDocument.self).result?.rejected ?? []
    }

    func records(serial: String? = nil) throws -> [EligibilityRecordDocument] {
        try control(ControlRequest(op: .eligibility, serial: serial), as: RecordListDocument.self).result?.records
            ?? []
    }

    func events(_ serial: String, limit: Int = 100_000) throws -> [[String: Any]] {
        let socket = try LineSocket(unixPath: daemon.controlSocket)
        try socket.send(
            Array(try JSONEncoder().encode(ControlRequest(op: .events, serial: serial, limit: limit))) + [10])
        guard let line = try socket.readLine() else { throw HarnessError.noReply }
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let result = object["result"] as? [String: Any], let events = result["events"] as? [[String: Any]]
        else { throw HarnessError.unexpectedReply(String(line.prefix(300))) }
        return events
    }
}

enum HarnessError: Error {
    case noReply
    case unexpectedReply(String)
}

/// Messages for tests.
enum Lines {
    static let now = Date()

    static func time(_ offset: TimeInterval = 0) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: now.addingTimeInterval(offset))
    }

    static func status(
        _ serial: String, id: String, at: String = time(-3600), battery: String = #"{"state":"BOS"}"#,
        motor: String = "ok"
    ) -> String {
        #"{"v":1,"id":"\#(id)","serial":"\#(serial)","kind":"status","at":"\#(at)","model":"SynchroMed II","battery":\#(battery),"motor":"\#(motor)"}"#
    }

    static func alert(
        _ serial: String, id: String, code: String, at: String = time(-3600), state: String = "raised",
        severity: String = "warning"
    ) -> String {
        #"{"v":1,"id":"\#(id)","serial":"\#(serial)","kind":"alert","at":"\#(at)","code":"\#(code)","severity":"\#(severity)","state":"\#(state)"}"#
    }
}

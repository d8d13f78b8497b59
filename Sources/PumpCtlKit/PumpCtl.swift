import ArgumentParser
import Foundation
import PumpControlProtocol
import PumpJSON

/// What `pumpctl` needs from its surroundings, injectable so tests run it in-process.
public struct PumpCtlEnvironment: Sendable {
    /// Environment variables (`PUMPMOND_CONTROL_SOCKET`, `NO_COLOR`, `TERM`).
    public var variables: [String: String]
    /// Whether stdout is a terminal (colour is used only then).
    public var stdoutIsTerminal: Bool
    /// The zone times are shown in.
    public var timeZone: TimeZone {
        get { chosenTimeZone ?? .current }
        set { chosenTimeZone = newValue }
    }
    /// How long to wait for the daemon's reply.
    public var replyTimeout: Duration
    /// The zone given, or nil for the local one, looked up only when a time is shown (the lookup
    /// loads the time zone data, which a `--json` run never needs).
    private var chosenTimeZone: TimeZone?

    /// Creates an environment; the defaults suit tests (no terminal, UTC).
    public init(
        variables: [String: String] = [:], stdoutIsTerminal: Bool = false,
        timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current, replyTimeout: Duration = .seconds(30)
    ) {
        self.variables = variables
        self.stdoutIsTerminal = stdoutIsTerminal
        self.chosenTimeZone = timeZone
        self.replyTimeout = replyTimeout
    }

    /// The process's own environment, terminal and local time zone.
    public static func current() -> PumpCtlEnvironment {
        PumpCtlEnvironment(
            variables: ProcessInfo.processInfo.environment, stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
            timeZone: .current)
    }

    /// `current()` as `pumpctl`'s own run needs it, at the least cost: only the variables it reads,
    /// and the local time zone looked up only if text output shows a time.
    static func forThisProcess() -> PumpCtlEnvironment {
        var variables: [String: String] = [:]
        for name in ["PUMPMOND_CONTROL_SOCKET", "NO_COLOR", "TERM"] {
            if let value = getenv(name) { variables[name] = String(cString: value) }
        }
        return PumpCtlEnvironment(
            variables: variables, stdoutIsTerminal: isatty(STDOUT_FILENO) == 1, replyTimeout: .seconds(30),
            localTimeZone: ())
    }

    private init(
        variables: [String: String], stdoutIsTerminal: Bool, replyTimeout: Duration, localTimeZone: Void
    ) {
        self.variables = variables
        self.stdoutIsTerminal = stdoutIsTerminal
        self.chosenTimeZone = nil
        self.replyTimeout = replyTimeout
    }

    /// `--socket`, else a non-empty `PUMPMOND_CONTROL_SOCKET`, else `/run/pumpmond/control.sock`.
    public func socketPath(option: String?) -> String {
        if let option { return option }
        if let fromEnvironment = variables["PUMPMOND_CONTROL_SOCKET"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return PumpCtl.defaultSocketPath
    }

    /// Colour only on a terminal, with `NO_COLOR` unset or empty (no-color.org) and `TERM` not `dumb`.
    public var textStyle: TextStyle {
        let noColor = !(variables["NO_COLOR"] ?? "").isEmpty
        let dumb = variables["TERM"] == "dumb"
        return TextStyle(color: stdoutIsTerminal && !noColor && !dumb, timeZone: timeZone)
    }
}

/// How one run of `pumpctl` ended: its exit code and everything it printed.
public struct PumpCtlOutcome: Sendable, Hashable {
    /// The process exit code.
    public var exitCode: Int32
    /// Everything for stdout.
    public var stdout: String
    /// Everything for stderr.
    public var stderr: String

    /// Creates an outcome.
    public init(exitCode: Int32, stdout: String, stderr: String) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// The `pumpctl` program as a library: parse, check, ask the daemon, render.
public enum PumpCtl {
    /// The control socket used when neither `--socket` nor `PUMPMOND_CONTROL_SOCKET` says otherwise.
    public static let defaultSocketPath = "/run/pumpmond/control.sock"

    /// Runs one command line (without the program name) and returns what it printed and its exit code.
    public static func run(arguments: [String], environment: PumpCtlEnvironment) -> PumpCtlOutcome {
        let outcome = runForOutput(arguments: arguments, environment: environment)
        return PumpCtlOutcome(
            exitCode: outcome.exitCode, stdout: String(decoding: outcome.stdout, as: UTF8.self), stderr: outcome.stderr)
    }

    /// `run`, with stdout as the bytes to write (a long `--json` document is never made a `String`).
    static func runForOutput(arguments: [String], environment: PumpCtlEnvironment) -> RawOutcome {
        if let quick = QuickCommandLine(arguments) { return quick.run(environment) }
        do {
            var parsed = try PumpCtlCommand.parseAsRoot(arguments)
            if let command = parsed as? any ControlCommand { return execute(command, environment) }
            // `help`, `--help` and a bare `pumpctl`: argument-parser's own commands end in a help request.
            try parsed.run()
            return RawOutcome(exitCode: 0, stdout: [], stderr: "")
        } catch {
            return RawOutcome(argumentParserOutcome(error))
        }
    }

    /// Help and completion scripts exit 0 and go to stdout; usage errors exit 64 and go to stderr.
    static func argumentParserOutcome(_ error: any Error) -> PumpCtlOutcome {
        let code = PumpCtlCommand.exitCode(for: error).rawValue
        let message = PumpCtlCommand.fullMessage(for: error)
        let text = message.isEmpty || message.hasSuffix("\n") ? message : message + "\n"
        return code == 0
            ? PumpCtlOutcome(exitCode: 0, stdout: text, stderr: "")
            : PumpCtlOutcome(exitCode: code, stdout: "", stderr: text)
    }

    /// Runs `pumpctl` as the process: real arguments and environment, writes stdout and stderr, exits.
    public static func main() -> Never {
        let outcome = runForOutput(arguments: Array(CommandLine.arguments.dropFirst()), environment: .forThisProcess())
        writeAll(STDOUT_FILENO, outcome.stdout)
        writeAll(STDERR_FILENO, Array(outcome.stderr.utf8))
        exit(outcome.exitCode)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress! + offset, raw.count - offset) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    static func execute<C: ControlCommand>(_ command: C, _ environment: PumpCtlEnvironment) -> RawOutcome {
        do throws(PumpCtlError) {
            let request = try command.request()
            return perform(C.self, request, json: command.global.json, socket: command.global.socket, environment)
        } catch {
            return RawOutcome(exitCode: error.exitCode, stdout: [], stderr: "pumpctl: \(error.message)\n")
        }
    }

    /// Sends a checked request and prints the reply as command `C` does.
    static func perform<C: ControlCommand>(
        _: C.Type, _ request: ControlRequest, json: Bool, socket: String?, _ environment: PumpCtlEnvironment
    ) -> RawOutcome {
        do throws(PumpCtlError) {
            let path = environment.socketPath(option: socket)
            let replyBytes = try send(request, socket: path, environment)
            if json, let shape = C.replyShape, let printed = ReplyPrinter.print(reply: replyBytes, shape: shape) {
                return RawOutcome(exitCode: 0, stdout: printed, stderr: "")
            }
            let document: C.Document
            if !json, C.Document.self == EventListDocument.self, let events = ReplyPrinter.events(reply: replyBytes),
                let fast = events as? C.Document
            {
                document = fast
            } else {
                document = try decode(C.Document.self, reply: replyBytes, socket: path)
            }
            let stdout: String
            if json {
                do {
                    stdout = try OrderedJSONEncoder(prettyPrinted: true).encode(document) + "\n"
                } catch {
                    throw PumpCtlError(exitCode: 70, message: "cannot write the reply as JSON: \(error)")
                }
            } else {
                stdout = C.render(document, environment.textStyle)
            }
            return RawOutcome(exitCode: 0, stdout: Array(stdout.utf8), stderr: "")
        } catch {
            return RawOutcome(exitCode: error.exitCode, stdout: [], stderr: "pumpctl: \(error.message)\n")
        }
    }

    /// Sends a checked request; returns the reply line.
    static func send(_ request: ControlRequest, socket path: String, _ environment: PumpCtlEnvironment)
        throws(PumpCtlError) -> [UInt8]
    {
        let line: [UInt8]
        do {
            line = try JSONWriter.bytes(JSONValueEncoder().encode(request))
        } catch {
            throw PumpCtlError(exitCode: 70, message: "cannot write the request as JSON: \(error)")
        }
        let client = ControlSocketClient(path: path, timeout: environment.replyTimeout)
        return try client.exchange(line)
    }

    /// The reply's document, or the failure it reports.
    static func decode<D: Codable & Sendable>(_ type: D.Type, reply replyBytes: [UInt8], socket path: String)
        throws(PumpCtlError) -> D
    {
        let reply: ControlReply<D>
        do {
            reply = try JSONDecoder().decode(ControlReply<D>.self, from: Data(replyBytes))
        } catch {
            // A failure class this pumpctl does not know yet still shows the daemon's message.
            if let unknown = try? JSONDecoder().decode(UnknownFailureReply.self, from: Data(replyBytes)),
                !unknown.ok
            {
                throw PumpCtlError(exitCode: 70, message: "\(unknown.error.message) (\(unknown.error.code))")
            }
            throw .badReply(socket: path, detail: describe(error))
        }
        if reply.ok, let result = reply.result { return result }
        if let failure = reply.error { throw .daemon(failure) }
        throw .badReply(socket: path, detail: reply.ok ? "ok without a result" : "a failure without an error")
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing \(path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "unexpected value at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty ? "not JSON" : "unreadable value at \(path(context.codingPath))"
        default:
            "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty
            ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// A failed reply whose `code` is not a `ControlFailureCode` this version knows.
private struct UnknownFailureReply: Decodable {
    struct Failure: Decodable {
        var code: String
        var message: String
    }
    var ok: Bool
    var error: Failure
}

/// What one run printed, stdout as bytes.
struct RawOutcome {
    var exitCode: Int32
    var stdout: [UInt8]
    var stderr: String

    init(exitCode: Int32, stdout: [UInt8], stderr: String) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }

    init(_ outcome: PumpCtlOutcome) {
        self.init(exitCode: outcome.exitCode, stdout: Array(outcome.stdout.utf8), stderr: outcome.stderr)
    }
}

import ArgumentParser
import Foundation
import PumpControlProtocol

/// What `pumpctl` needs from its surroundings, injectable so tests run it in-process.
package struct PumpCtlEnvironment: Sendable {
    /// Environment variables (`PUMPMOND_CONTROL_SOCKET`, `NO_COLOR`, `TERM`).
    package var variables: [String: String]
    /// Whether stdout is a terminal (colour is used only then).
    package var stdoutIsTerminal: Bool
    /// The zone times are shown in.
    package var timeZone: TimeZone {
        get { chosenTimeZone ?? .current }
        set { chosenTimeZone = newValue }
    }
    /// How long to wait for the daemon's reply.
    package var replyTimeout: Duration
    /// The zone given, or nil for the local one, looked up only when a time is shown (the lookup
    /// loads the time zone data, which a `--json` run never needs).
    private var chosenTimeZone: TimeZone?

    /// Creates an environment; the defaults suit tests (no terminal, UTC).
    package init(
        variables: [String: String] = [:], stdoutIsTerminal: Bool = false,
        timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current, replyTimeout: Duration = .seconds(30)
    ) {
        self.variables = variables
        self.stdoutIsTerminal = stdoutIsTerminal
        self.chosenTimeZone = timeZone
        self.replyTimeout = replyTimeout
    }

    /// The process's own surroundings, at the least cost: only the variables `pumpctl` reads, and
    /// the local time zone looked up only if text output shows a time.
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
    package func socketPath(option: String?) -> String {
        if let option { return option }
        if let fromEnvironment = variables["PUMPMOND_CONTROL_SOCKET"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return PumpCtl.defaultSocketPath
    }

    /// Colour only on a terminal, with `NO_COLOR` unset or empty (no-color.org) and `TERM` not `dumb`.
    package var textStyle: TextStyle {
        let noColor = !(variables["NO_COLOR"] ?? "").isEmpty
        let dumb = variables["TERM"] == "dumb"
        return TextStyle(color: stdoutIsTerminal && !noColor && !dumb, timeZone: timeZone)
    }
}

/// How one run of `pumpctl` ended: its exit code and everything it printed.
package struct PumpCtlOutcome: Sendable, Hashable {
    /// The process exit code.
    package var exitCode: Int32
    /// Everything for stdout.
    package var stdout: String
    /// Everything for stderr.
    package var stderr: String

    package init(exitCode: Int32, stdout: String, stderr: String) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// The `pumpctl` program as a library: parse, check, ask the daemon, render.
package enum PumpCtl {
    /// The control socket used when neither `--socket` nor `PUMPMOND_CONTROL_SOCKET` says otherwise.
    package static let defaultSocketPath = "/run/pumpmond/control.sock"

    /// Runs one command line (without the program name) in-process and returns what it printed and
    /// its exit code, as the executable would have.
    package static func run(arguments: [String], environment: PumpCtlEnvironment) -> PumpCtlOutcome {
        let command: any ParsableCommand
        do {
            command = try PumpCtlCommand.parseAsRoot(arguments)
        } catch {
            return argumentParserOutcome(error)
        }
        guard let command = command as? any ControlCommand else {
            // `help`, `--help` and a bare `pumpctl`: argument-parser's own commands end in a help request.
            do {
                var command = command
                try command.run()
                return PumpCtlOutcome(exitCode: 0, stdout: "", stderr: "")
            } catch {
                return argumentParserOutcome(error)
            }
        }
        var output = StandardOutput(descriptor: nil)
        do throws(PumpCtlError) {
            let code = try command.perform(environment, &output)
            return PumpCtlOutcome(exitCode: code, stdout: String(decoding: output.pending, as: UTF8.self), stderr: "")
        } catch {
            return PumpCtlOutcome(exitCode: error.exitCode, stdout: "", stderr: "pumpctl: \(error.message)\n")
        }
    }

    /// Help and completion scripts exit 0 and go to stdout; usage errors exit 64 and go to stderr
    /// (what argument-parser's own `main()` does, as an outcome).
    static func argumentParserOutcome(_ error: any Error) -> PumpCtlOutcome {
        let code = PumpCtlCommand.exitCode(for: error).rawValue
        let message = PumpCtlCommand.fullMessage(for: error)
        let text = message.isEmpty || message.hasSuffix("\n") ? message : message + "\n"
        return code == 0
            ? PumpCtlOutcome(exitCode: 0, stdout: text, stderr: "")
            : PumpCtlOutcome(exitCode: code, stdout: "", stderr: text)
    }

    /// Runs `pumpctl` as the process: argument-parser's `main()`, each command's `run()`.
    package static func main() -> Never {
        PumpCtlCommand.main()
        exit(0)
    }
}

import Foundation
import PumpControlProtocol
import PumpJSON
import PumpPolicy

/// A control operation that failed, with what to do about it.
package struct ControlError: Error, Sendable, CustomStringConvertible {
    /// The operation, e.g. `enroll SM2-000001`.
    package var operation: String
    /// What went wrong.
    package var message: String
    /// The failure class, when the daemon said.
    package var code: ControlFailureCode?

    package init(operation: String, message: String, code: ControlFailureCode? = nil) {
        self.operation = operation
        self.message = message
        self.code = code
    }

    /// `enroll SM2-000001 failed: ...`.
    package var description: String { "\(operation) failed: \(message)" }
}

/// What the simulator asks of the daemon besides telemetry: enrolling therapies, requesting
/// replacements and reading back records, devices and events. The real ones talk to the control
/// socket or run `pumpctl`; tests pass a fake.
package protocol DaemonControl: Sendable {
    /// Records a pump's therapy (`pumpctl enroll`) and returns its implant record.
    func enroll(serial: String, therapy: EnrollmentDocument) throws(ControlError) -> EligibilityRecordDocument
    /// Asks for a replacement (`pumpctl request-replacement`) and returns its record.
    func requestReplacement(serial: String, reason: RequestReason, note: String?) throws(ControlError)
        -> EligibilityRecordDocument
    /// Eligibility records, all or one pump's (`pumpctl eligibility [--serial S]`).
    func eligibility(serial: String?) throws(ControlError) -> RecordListDocument
    /// Every pump with its state (`pumpctl devices`).
    func devices() throws(ControlError) -> DeviceListDocument
    /// A pump's stored messages, newest first (`pumpctl events SERIAL --limit N`).
    func events(serial: String, limit: Int) throws(ControlError) -> EventListDocument
}

/// Talks to the daemon's control socket directly: one connection per request, one
/// `ControlRequest` line out, one `ControlReply` line back.
package struct ControlSocketClient: DaemonControl {
    /// The control socket.
    package var address: SocketAddress

    package init(address: SocketAddress) {
        self.address = address
    }

    /// Sends one request and decodes its result.
    package func call<R: Codable & Sendable>(_ request: ControlRequest, as: R.Type) throws(ControlError) -> R {
        let name = "\(request.op.rawValue)\(request.serial.map { " \($0)" } ?? "")"
        do {
            let fd = try Sockets.connect(to: address, nonBlocking: false)
            defer { close(fd) }
            var line = try JSONWriter.bytes(of: request)
            line.append(10)
            try Sockets.writeAll(fd, line, to: address)
            let answer = try Sockets.readLine(fd, from: address)
            let reply = try JSONDecoder().decode(ControlReply<R>.self, from: Data(answer))
            if reply.ok, let result = reply.result { return result }
            throw ControlError(
                operation: name, message: reply.error?.message ?? "the daemon answered without a result",
                code: reply.error?.code)
        } catch let e as ControlError {
            throw e
        } catch let e as SocketError {
            throw ControlError(operation: name, message: e.description, code: .unavailable)
        } catch {
            throw ControlError(operation: name, message: "unreadable answer from \(address): \(error)")
        }
    }

    package func enroll(serial: String, therapy: EnrollmentDocument) throws(ControlError) -> EligibilityRecordDocument {
        try call(ControlRequest(op: .enroll, serial: serial, therapy: therapy), as: EligibilityRecordDocument.self)
    }

    package func requestReplacement(serial: String, reason: RequestReason, note: String?) throws(ControlError)
        -> EligibilityRecordDocument
    {
        try call(
            ControlRequest(op: .requestReplacement, serial: serial, reason: reason.rawValue, note: note),
            as: EligibilityRecordDocument.self)
    }

    package func eligibility(serial: String?) throws(ControlError) -> RecordListDocument {
        try call(ControlRequest(op: .eligibility, serial: serial), as: RecordListDocument.self)
    }

    package func devices() throws(ControlError) -> DeviceListDocument {
        try call(ControlRequest(op: .devices), as: DeviceListDocument.self)
    }

    package func events(serial: String, limit: Int) throws(ControlError) -> EventListDocument {
        try call(ControlRequest(op: .events, serial: serial, limit: limit), as: EventListDocument.self)
    }
}

/// Runs the `pumpctl` executable with `--json` and decodes what it prints. `--socket` and `--json`
/// are options of each subcommand (`pumpctl eligibility --socket PATH --json`), so they go after
/// the subcommand and its own arguments; without a socket, pumpctl's own default applies
/// (`$PUMPMOND_CONTROL_SOCKET`, else `/run/pumpmond/control.sock`).
package struct PumpctlProcessControl: DaemonControl {
    /// Path of the `pumpctl` executable.
    package var executable: String
    /// The control socket (passed as `--socket`), or nil for pumpctl's own default.
    package var controlSocket: String?

    package init(executable: String, controlSocket: String?) {
        self.executable = executable
        self.controlSocket = controlSocket
    }

    /// The arguments of `pumpctl enroll` for a therapy (criteria flags only for known criteria),
    /// before `--socket` and `--json`.
    package static func enrollArguments(serial: String, therapy: EnrollmentDocument) -> [String] {
        var args = [
            "enroll", serial, "--patient", therapy.patient, "--indication", therapy.indication, "--drug", therapy.drug,
            "--route", therapy.route,
        ]
        let c = therapy.criteria
        func flag(_ name: String, _ value: Bool?) {
            if let value { args += [name, value ? "true" : "false"] }
        }
        flag("--severe-refractory", c.severeRefractory)
        flag("--oral-baclofen-failed", c.oralBaclofenFailed)
        flag("--metastases-limited-to-liver", c.metastasesLimitedToLiver)
        flag("--prior-external-treprostinil", c.priorExternalTreprostinil)
        flag("--severe-chronic-intractable", c.severeChronicIntractable)
        if let p = c.trialReductionPercent {
            args += ["--trial-reduction-percent", p == p.rounded() ? String(Int(p)) : String(p)]
        }
        if let r = c.trialRoute { args += ["--trial-route", r] }
        return args
    }

    /// The full command line of a subcommand: its arguments, then `--socket PATH` (when set) and
    /// `--json`.
    package func commandLine(_ arguments: [String]) -> [String] {
        arguments + (controlSocket.map { ["--socket", $0] } ?? []) + ["--json"]
    }

    /// Runs pumpctl with `arguments` (a subcommand and its own arguments) and decodes its standard
    /// output.
    package func run<R: Decodable>(_ arguments: [String], as: R.Type) throws(ControlError) -> R {
        let name = arguments.prefix(2).joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = commandLine(arguments)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            throw ControlError(
                operation: name, message: "cannot run \(executable): \(error); pass --pumpctl with its path")
        }
        // Not `readDataToEndOfFile()`: Foundation traps when a signal (a child's SIGCHLD, with
        // several processes running) interrupts its read.
        let stdout = Self.readToEnd(out.fileHandleForReading.fileDescriptor)
        let stderr = Self.readToEnd(err.fileHandleForReading.fileDescriptor)
        process.waitUntilExit()
        let status = process.terminationStatus
        guard status == 0 else {
            let code = ControlFailureCode.allCases.first { $0.exitCode == status }
            let text = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ControlError(operation: name, message: "pumpctl exited \(status): \(text)", code: code)
        }
        do {
            return try JSONDecoder().decode(R.self, from: stdout)
        } catch {
            throw ControlError(operation: name, message: "pumpctl printed unreadable JSON: \(error)")
        }
    }

    /// Everything until end of file, retrying reads a signal interrupted.
    static func readToEnd(_ fd: Int32) -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                data.append(contentsOf: chunk[0..<n])
            } else if n == 0 || errno != EINTR {
                return data
            }
        }
    }

    /// `pumpctl enroll ... --json`.
    package func enroll(serial: String, therapy: EnrollmentDocument) throws(ControlError) -> EligibilityRecordDocument {
        try run(Self.enrollArguments(serial: serial, therapy: therapy), as: EligibilityRecordDocument.self)
    }

    /// `pumpctl request-replacement ... --json`.
    package func requestReplacement(serial: String, reason: RequestReason, note: String?) throws(ControlError)
        -> EligibilityRecordDocument
    {
        var args = ["request-replacement", serial, "--reason", reason.rawValue]
        if let note { args += ["--note", note] }
        return try run(args, as: EligibilityRecordDocument.self)
    }

    /// `pumpctl eligibility [--serial S] --json`.
    package func eligibility(serial: String?) throws(ControlError) -> RecordListDocument {
        try run(["eligibility"] + (serial.map { ["--serial", $0] } ?? []), as: RecordListDocument.self)
    }

    /// `pumpctl devices --json`.
    package func devices() throws(ControlError) -> DeviceListDocument {
        try run(["devices"], as: DeviceListDocument.self)
    }

    /// `pumpctl events SERIAL --limit N --json`.
    package func events(serial: String, limit: Int) throws(ControlError) -> EventListDocument {
        try run(["events", serial, "--limit", String(limit)], as: EventListDocument.self)
    }
}

import ArgumentParser
import Foundation
import PumpControlProtocol
import PumpJSON

/// `pumpctl watch [--json]`: the daemon's pumps and firing alerts, then every change, live.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follows the daemon live: pump states, alerts firing and resolved, records raised.",
        discussion: """
            Prints a snapshot (every pump in service, every firing alert), a `synced` line, then one line per \
            change as the daemon commits it, like `journalctl -f`: a pump's state or reason changed, an alert \
            began firing or was resolved (PumpNonFunctional, PumpImpendingFailure, PumpReservoirEmpty, \
            PumpReservoirLow, PumpSilent), an eligibility record was raised. Each line is written at once. \
            With --json each line is one compact JSON object (the event: event, at, and pump, alert or \
            record), without the reply envelope. A watcher that falls far behind is disconnected by the \
            daemon: run it again for a fresh snapshot.

            Exit codes: 0 on Ctrl-C (SIGINT) or SIGTERM; 69 when the daemon is not there or goes away \
            (stops, restarts, or drops this watcher); 70 a line pumpctl cannot read; 77 not permitted.
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        Self.exitCleanlyOnSignals()
        let environment = PumpCtlEnvironment.forThisProcess()
        let style = environment.textStyle
        let client = ControlSocketClient(
            path: environment.socketPath(option: global.socket), timeout: environment.replyTimeout)
        do throws(PumpCtlError) {
            let request: [UInt8]
            do {
                request = try JSONWriter.bytes(of: ControlRequest(op: .watch))
            } catch {
                throw PumpCtlError(exitCode: 70, message: "cannot write the request as JSON: \(error)")
            }
            try client.follow(request) { (line) throws(PumpCtlError) in
                let text = try Self.line(line, json: global.json, style: style, socket: client.path)
                Self.writeOut(text)
            }
        } catch {
            FileHandle.standardError.write(Data("pumpctl: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }

    /// The output line (with its newline) of one reply line of the watch stream.
    static func line(_ bytes: [UInt8], json: Bool, style: TextStyle, socket: String) throws(PumpCtlError) -> String {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .badReply(socket: socket, detail: "a watch line is not JSON: \(error)")
        }
        guard value["ok"] == .bool(true), let result = value["result"] else {
            if let error = value["error"], let bytes = try? JSONWriter.bytes(error),
                let failure = try? JSONDecoder().decode(ControlFailure.self, from: Data(bytes))
            {
                throw .daemon(failure)
            }
            throw .badReply(socket: socket, detail: "a watch line is neither a result nor an error")
        }
        let resultBytes: [UInt8]
        do {
            resultBytes = try JSONWriter.bytes(result)
        } catch {
            throw .badReply(socket: socket, detail: "a watch event cannot be written back: \(error)")
        }
        if json { return String(decoding: resultBytes, as: UTF8.self) + "\n" }
        guard let event = try? JSONDecoder().decode(WatchEventDocument.self, from: Data(resultBytes)) else {
            throw .badReply(socket: socket, detail: "a watch event pumpctl cannot read")
        }
        return Render.watchEvent(event, style) + "\n"
    }

    /// Writes the line at once (a follower is read as it goes).
    static func writeOut(_ text: String) {
        var output = StandardOutput(descriptor: STDOUT_FILENO)
        output.append(text)
        output.flush()
    }

    /// Ctrl-C and SIGTERM end the watch with exit code 0: every line was written whole before.
    static func exitCleanlyOnSignals() {
        signal(SIGINT) { _ in _exit(0) }
        signal(SIGTERM) { _ in _exit(0) }
        // A parent may have started this process with them blocked (the mask is inherited).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}

extension Render {
    /// One watch event as a line of text (no newline).
    package static func watchEvent(_ event: WatchEventDocument, _ style: TextStyle) -> String {
        let at = style.time(event.at)
        switch event.event {
        case .pump:
            guard let pump = event.pump else { return "\(at)  pump (missing)" }
            let reason = pump.reason.map { " (\(Words.reason($0).text))" } ?? ""
            return "\(at)  pump    \(TextSanitizer.visible(pump.serial))  \(Words.state(pump.state).text)\(reason)"
                + "  model \(pump.model.map { TextSanitizer.visible($0, limit: 32) } ?? "-")"
                + "  battery \(pump.battery.map { TextSanitizer.visible($0) } ?? "-")"
        case .alert:
            guard let alert = event.alert else { return "\(at)  alert (missing)" }
            let status = alert.status == .firing ? style.paint("FIRING  ", .bad) : style.paint("RESOLVED", .good)
            return "\(at)  alert   \(status) \(alert.alertname.rawValue) [\(alert.severity)] "
                + TextSanitizer.visible(alert.summary, limit: 200)
        case .record:
            guard let record = event.record else { return "\(at)  record (missing)" }
            return "\(at)  record  \(TextSanitizer.visible(record.id)) \(TextSanitizer.visible(record.serial)) "
                + "\(words(record.type)): \(Words.determination(record.determination).text) "
                + "(\(TextSanitizer.visible(record.clause)))"
        case .synced:
            return "\(at)  synced  the snapshot above is complete; changes follow as they happen"
        }
    }
}

import PumpControlProtocol
import PumpPolicy

/// The most frequent command lines (`events`, `eligibility`, `devices` with their plain options),
/// read without argument-parser.
///
/// argument-parser builds its command tree by reflection on every run, and checks each command
/// line for a completion-script request first: about 1.7 ms of a 4 ms `pumpctl` run. A command line
/// that is exactly a subcommand followed by its known options, each given once as `--name value`
/// (a value that is not empty and does not start with `-`), its flags and its positional serial is
/// read here; it makes the same request as argument-parser's parse would. Anything else (help,
/// another command, `--name=value`, a repeated option, an unknown word, a `--limit` that is not a
/// plain number of at least 1) returns nil and goes through argument-parser, which gives its own
/// help, usage errors and exit codes as always.
struct QuickCommandLine {
    /// The commands read here.
    enum Command: Equatable {
        case events, eligibility, devices
    }

    /// The command.
    let command: Command
    /// `--json`.
    let json: Bool
    /// `--socket`.
    let socket: String?
    /// The request, checked as the command's `request()` checks it.
    let request: () throws(PumpCtlError) -> ControlRequest

    /// The command line (without the program name), or nil to use argument-parser.
    init?(_ arguments: [String]) {
        guard let name = arguments.first else { return nil }
        let valueOptions: Set<String>
        let positionals: Int
        switch name {
        case "events": (valueOptions, positionals) = (["--limit", "--socket"], 1)
        case "eligibility": (valueOptions, positionals) = (["--serial", "--determination", "--socket"], 0)
        case "devices": (valueOptions, positionals) = (["--state", "--socket"], 0)
        default: return nil
        }
        var values: [String: String] = [:]
        var json = false
        var words: [String] = []
        var i = 1
        while i < arguments.count {
            let argument = arguments[i]
            if argument == "--json" {
                guard !json else { return nil }
                json = true
                i += 1
            } else if valueOptions.contains(argument) {
                guard values[argument] == nil, i + 1 < arguments.count else { return nil }
                let value = arguments[i + 1]
                guard let first = value.utf8.first, first != UInt8(ascii: "-") else { return nil }
                values[argument] = value
                i += 2
            } else {
                guard let first = argument.utf8.first, first != UInt8(ascii: "-"), words.count < positionals else {
                    return nil
                }
                words.append(argument)
                i += 1
            }
        }
        guard words.count == positionals else { return nil }
        self.json = json
        self.socket = values["--socket"]

        switch name {
        case "events":
            var limit = 50
            if let text = values["--limit"] {
                guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                    let n = Int(text), n >= 1
                else { return nil }
                limit = n
            }
            let serial = words[0]
            command = .events
            request = { () throws(PumpCtlError) in
                ControlRequest(op: .events, serial: try Validation.serial(serial), limit: limit)
            }
        case "eligibility":
            let serialOption = values["--serial"]
            let determinationOption = values["--determination"]
            command = .eligibility
            request = { () throws(PumpCtlError) in
                let serial = try serialOption.map { (s: String) throws(PumpCtlError) in
                    try Validation.serial(s, flag: "--serial")
                }
                let determination = try determinationOption.map { (word: String) throws(PumpCtlError) in
                    try Validation.word(word, as: Determination.self, flag: "--determination").rawValue
                }
                return ControlRequest(op: .eligibility, serial: serial, determination: determination)
            }
        default:
            let stateOption = values["--state"]
            command = .devices
            request = { () throws(PumpCtlError) in
                let state = try stateOption.map { (word: String) throws(PumpCtlError) in
                    try Validation.word(word, as: PumpState.self, flag: "--state").rawValue
                }
                return ControlRequest(op: .devices, state: state)
            }
        }
    }

    /// Asks the daemon and prints the reply as the command does.
    func run(_ environment: PumpCtlEnvironment) -> RawOutcome {
        do throws(PumpCtlError) {
            let request = try request()
            switch command {
            case .events: return PumpCtl.perform(EventsCommand.self, request, json: json, socket: socket, environment)
            case .eligibility:
                return PumpCtl.perform(EligibilityCommand.self, request, json: json, socket: socket, environment)
            case .devices: return PumpCtl.perform(DevicesCommand.self, request, json: json, socket: socket, environment)
            }
        } catch {
            return RawOutcome(exitCode: error.exitCode, stdout: [], stderr: "pumpctl: \(error.message)\n")
        }
    }
}

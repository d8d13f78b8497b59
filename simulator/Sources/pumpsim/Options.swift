import ArgumentParser
import Foundation
import PumpSimKit

/// Where the daemon is and how to talk to it.
struct ConnectionOptions: ParsableArguments {
    @Option(
        help:
            "Ingest socket: a path, unix:PATH or tcp:HOST:PORT (default $PUMPMOND_INGEST_SOCKET, else /run/pumpmond/ingest.sock)."
    )
    var socket: String?

    @Option(help: "Control socket path (default $PUMPMOND_CONTROL_SOCKET, else /run/pumpmond/control.sock).")
    var controlSocket: String?

    @Option(help: "Use this pumpctl executable for enrolling and reading records, instead of the control socket.")
    var pumpctl: String?

    @Option(help: "Ingest connections opened at once; each pump's messages keep to one.")
    var connections: Int = 4

    @Option(help: "Lines in flight per connection before waiting for replies.")
    var window: Int = 128

    @Option(help: "Seconds to keep retrying an unreachable ingest socket before giving up.")
    var reconnectTimeout: Int = 30

    @Option(
        help:
            "What to send: json (protocol v1) or hl7 (the same messages as IHE PCD-01/PCD-04 over MLLP, to a tcp: --socket that pumpmond --hl7-listen serves)."
    )
    var format: String = "json"

    @Option(help: "Speak mutual TLS to a tcp: --socket with this client certificate (PEM), as a gateway does.")
    var tlsCert: String?

    @Option(help: "The client certificate's private key (PEM).")
    var tlsKey: String?

    @Option(help: "The CA bundle the daemon's server certificate must chain to (PEM).")
    var tlsCa: String?

    func validate() throws {
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        guard window >= 1 else { throw ValidationError("--window must be at least 1") }
        let tls = [tlsCert, tlsKey, tlsCa].compactMap { $0 }
        guard tls.isEmpty || tls.count == 3 else {
            throw ValidationError("TLS needs --tls-cert, --tls-key and --tls-ca together")
        }
        guard WireFormat(rawValue: format) != nil else {
            throw ValidationError("--format is json or hl7, not '\(format)'")
        }
        if !tls.isEmpty, case .unix = ingestAddress {
            throw ValidationError("--tls-cert/--tls-key/--tls-ca need a TCP --socket, tcp:HOST:PORT")
        }
    }

    var ingestAddress: SocketAddress {
        SocketAddress(
            parsing: socket ?? ProcessInfo.processInfo.environment["PUMPMOND_INGEST_SOCKET"]
                ?? "/run/pumpmond/ingest.sock")
    }

    var controlPath: String {
        controlSocket ?? ProcessInfo.processInfo.environment["PUMPMOND_CONTROL_SOCKET"] ?? "/run/pumpmond/control.sock"
    }

    /// The sender; with TLS, to a local tunnel that carries each connection over mutual TLS.
    func sender(connections override: Int? = nil) throws -> IngestSender {
        var address = ingestAddress
        if let tlsCert, let tlsKey, let tlsCa, case .tcp(let host, let port) = address {
            do {
                address = try TLSTunnel.start(host: host, port: port, certificate: tlsCert, key: tlsKey, ca: tlsCa)
            } catch {
                throw ValidationError("cannot set up TLS with \(tlsCert), \(tlsKey) and \(tlsCa): \(error)")
            }
        }
        var configuration = SenderConfiguration(
            address: address, connections: override ?? connections, window: window,
            reconnectDeadline: .seconds(reconnectTimeout))
        configuration.format = WireFormat(rawValue: format) ?? .json
        return IngestSender(configuration: configuration)
    }

    var control: any DaemonControl {
        if let pumpctl { return PumpctlProcessControl(executable: pumpctl, controlSocket: controlSocket) }
        return ControlSocketClient(address: .unix(path: controlPath))
    }
}

/// How a fleet is drawn.
struct FleetOptions: ParsableArguments {
    @Option(help: "Number of pumps.")
    var pumps: Int = 100

    @Option(help: "Simulated span in years (fractions allowed).")
    var years: Double = 7

    @Option(help: "Seed of every random draw; the same seed gives the same messages.")
    var seed: UInt64 = 1

    @Option(help: "Simulated time zero, RFC 3339 (the span must end in the past).")
    var start: String = "2016-01-04T00:00:00Z"

    @Option(help: "How often each pump sends a status: 24h, 6h, 7d...")
    var statusEvery: String = "24h"

    @Option(help: "Multiply every fault rate (stalls, critical errors, low-battery resets, MRIs) by this.")
    var faultScale: Double = 1

    @Option(help: "Longest time a pump has been implanted before time zero, in years (0 to 4.5).")
    var maxAge: Double = 4

    @Option(help: "Weights of the kinds of pump, synchromed:prometra:codman3000.")
    var mix: String = "60:25:15"

    @Option(help: "Therapies enrolled: covered (all covered) or mixed (some not covered, unknown or never enrolled).")
    var therapyMix: TherapyMix = .covered

    func configuration() throws -> FleetConfiguration {
        guard let t0 = SimTime(rfc3339: start) else {
            throw ValidationError("--start '\(start)' is not an RFC 3339 time like 2016-01-04T00:00:00Z")
        }
        guard let every = SimDuration(parsing: statusEvery) else {
            throw ValidationError("--status-every '\(statusEvery)' is not a duration like 24h or 7d")
        }
        let weights = mix.split(separator: ":").map { Double($0) }
        guard weights.count == 3, let s = weights[0], let p = weights[1], let c = weights[2] else {
            throw ValidationError("--mix must be three numbers like 60:25:15 (synchromed:prometra:codman3000)")
        }
        let cfg = FleetConfiguration(
            pumps: pumps, span: Int64(years * Double(SimTime.year)), seed: seed, start: t0,
            statusInterval: every.seconds, kindWeights: [(.synchromed, s), (.prometra, p), (.codman3000, c)],
            faultScale: faultScale, maxAge: Int64(maxAge * Double(SimTime.year)), therapyMix: therapyMix)
        do {
            try cfg.validate(now: SimTime(seconds: Int64(Date().timeIntervalSince1970)))
        } catch {
            throw ValidationError(error.description)
        }
        return cfg
    }
}

extension TherapyMix: ExpressibleByArgument {}

/// Exit statuses beyond success.
enum ExitStatus {
    static let checkFailed = ExitCode(1)
    static let badData = ExitCode(65)
    static let unreachable = ExitCode(69)
}

/// Prints lines to standard output.
func printLines(_ lines: [String]) {
    for l in lines { print(l) }
}

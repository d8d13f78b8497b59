import ArgumentParser

/// `pumpsim`: stands in for fleets of implanted pumps. Parses flags and calls PumpSimKit.
@main
struct PumpSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pumpsim",
        abstract: "Simulates implanted drug-infusion pumps and checks what pumpmond concludes.",
        discussion: """
            Speaks telemetry protocol v1 to pumpmond's ingest socket, as SynchroMed II-like, \
            Prometra II-like and Codman 3000-like pumps would through their gateways, and reads the \
            daemon's conclusions back through its control socket (or the pumpctl program).

            Simulated time runs as fast as the daemon accepts messages: years in seconds. The same \
            --seed gives the same messages byte for byte.

            Socket paths: --socket (ingest; default $PUMPMOND_INGEST_SOCKET, else \
            /run/pumpmond/ingest.sock; tcp:HOST:PORT for the TCP listener) and --control-socket \
            (default $PUMPMOND_CONTROL_SOCKET, else /run/pumpmond/control.sock), or --pumpctl PATH \
            to go through pumpctl instead.

            Exit status: 0 when every check passed; 1 when a check failed (a scenario's expectation, \
            a discrepancy with the ground truth, a lost message); 64 bad usage; 65 an unusable \
            scenario file; 69 the daemon could not be reached.
            """,
        subcommands: [
            ScenarioCommand.self, FleetCommand.self, GenerateCommand.self, LoadCommand.self, SendCommand.self,
        ])
}

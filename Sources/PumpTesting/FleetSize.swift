import Foundation

/// The size of the fleets that the HL7 and mutual-TLS tests send while they kill the daemon
/// midway: `PUMPMOND_FLEET_PUMPS` pumps, else 300. scripts/sanitize sets 100: the same gateways,
/// connections, kill, restart and verification with a third of the messages, since a sanitized
/// daemon spends many times the CPU on each; scripts/test's own pass runs the 300.
package enum FleetSize {
    package static var pumps: Int {
        ProcessInfo.processInfo.environment["PUMPMOND_FLEET_PUMPS"].flatMap { Int($0) } ?? 300
    }
}

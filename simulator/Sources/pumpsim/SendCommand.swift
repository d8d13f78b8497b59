import ArgumentParser
import Foundation
import PumpSimKit

/// `pumpsim send`: standard input's lines to the ingest socket, the replies to standard output.
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send protocol-v1 lines from standard input to the ingest socket and print each reply.",
        discussion: """
            Reads standard input to its end, sends it as it is (one JSON message per line), and prints \
            the daemon's reply lines in order. For trying the daemon by hand:
              echo '{"v":1,...}' | pumpsim send --socket /tmp/pm-state/ingest.sock
            Exit status: 0 when the daemon answered every line; 69 when it could not be reached.
            """)

    @Option(
        help:
            "Ingest socket: a path, unix:PATH or tcp:HOST:PORT (default $PUMPMOND_INGEST_SOCKET, else /run/pumpmond/ingest.sock)."
    )
    var socket: String?

    func run() throws {
        let input = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        let address = SocketAddress(
            parsing: socket ?? ProcessInfo.processInfo.environment["PUMPMOND_INGEST_SOCKET"]
                ?? "/run/pumpmond/ingest.sock")
        let answer: [UInt8]
        do {
            answer = try LineExchange.exchange(input, with: address)
        } catch {
            FileHandle.standardError.write(Data("pumpsim: \(error)\n".utf8))
            throw ExitCode(69)
        }
        FileHandle.standardOutput.write(Data(answer))
    }
}

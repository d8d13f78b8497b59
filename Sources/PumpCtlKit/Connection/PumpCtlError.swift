import PumpControlProtocol
import PumpPolicy

/// Why a `pumpctl` command failed: a message for stderr and the exit code of `cli.md`.
///
/// The set grows with the daemon's failures, so it is a struct with factory functions rather than
/// a closed enum. Messages say what happened and what to do.
package struct PumpCtlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The process exit code (sysexits): 64 usage, 65 data, 66 no input, 69 unavailable,
    /// 70 software, 77 not permitted.
    package var exitCode: Int32
    /// What happened and what to do, one or more lines, without a trailing newline.
    package var message: String

    package init(exitCode: Int32, message: String) {
        self.exitCode = exitCode
        self.message = message
    }

    /// The message.
    package var description: String { message }

    /// Default group that grants access to the control socket (the packaged unit's `SocketGroup=`).
    package static let accessGroup = "pumpmon"

    /// 64: the command line is malformed in a way argument-parser cannot see.
    package static func badUsage(_ message: String) -> PumpCtlError {
        PumpCtlError(exitCode: 64, message: message)
    }

    /// 65: a value on the command line is not acceptable data.
    package static func badData(_ message: String) -> PumpCtlError {
        PumpCtlError(exitCode: 65, message: message)
    }

    /// 65: a word outside the policy vocabulary; the message lists the accepted words.
    package static func badWord(_ error: VocabularyError, flag: String) -> PumpCtlError {
        badData("\(flag): \(error.description)")
    }

    /// 69: no daemon answers on the control socket.
    package static func unreachable(socket: String, reason: String) -> PumpCtlError {
        PumpCtlError(
            exitCode: 69,
            message: """
                cannot reach pumpmond on control socket \(socket): \(reason).
                Start the service with `systemctl start pumpmond.socket` (or run \
                `pumpmond --state-dir DIR --control-socket \(socket)`), or point pumpctl at the right \
                socket with --socket PATH or PUMPMOND_CONTROL_SOCKET.
                """)
    }

    /// 77: the socket file exists but this user may not connect to it.
    package static func socketNotPermitted(socket: String) -> PumpCtlError {
        PumpCtlError(
            exitCode: 77,
            message: """
                not permitted to use control socket \(socket). Members of the `\(accessGroup)` group may \
                use it: ask an administrator to run `usermod -aG \(accessGroup) $USER`, then log in again.
                """)
    }

    /// 70: the daemon answered something that is not a reply of the control protocol.
    package static func badReply(socket: String, detail: String) -> PumpCtlError {
        PumpCtlError(
            exitCode: 70,
            message: """
                pumpmond on \(socket) sent a reply pumpctl cannot read (\(detail)). \
                Check that pumpctl and pumpmond are the same version.
                """)
    }

    /// The daemon's own failure, with the exit code its class maps to.
    package static func daemon(_ failure: ControlFailure) -> PumpCtlError {
        PumpCtlError(exitCode: failure.code.exitCode, message: failure.message)
    }
}

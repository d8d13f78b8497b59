import CSystemd
import Glibc

/// A socket systemd opened for this service and passed in at start (socket activation).
package struct ListenedSocket: Sendable, Hashable {
    /// The file descriptor, from `SD_LISTEN_FDS_START` (3) upward; the process now owns it.
    package let fd: Int32
    /// The name from the socket unit's `FileDescriptorName=` (for example `ingest` or `control`),
    /// or `unknown` when the unit named none.
    package let name: String

    /// Describes a passed socket.
    ///
    /// - Parameters:
    ///   - fd: The file descriptor.
    ///   - name: The name systemd gave it.
    package init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
    }
}

extension Array where Element == ListenedSocket {
    /// The first socket called `name`, or `nil` when systemd passed none by that name.
    ///
    /// - Parameter name: The `FileDescriptorName=` to look for, such as `ingest`.
    package func socket(named name: String) -> ListenedSocket? {
        first { $0.name == name }
    }
}

/// Adopts the sockets systemd passes to a socket-activated service (`sd_listen_fds_with_names(3)`).
package enum SocketActivation {
    /// Takes the sockets passed by systemd, in the order of the socket unit's `Listen…=` lines.
    ///
    /// Removes `LISTEN_FDS`, `LISTEN_PID` and `LISTEN_FDNAMES` from the environment so child processes
    /// do not inherit them, and marks each descriptor close-on-exec; a second call returns `[]`.
    /// Returns `[]` when the process was not socket-activated, or the variables were meant for another
    /// process (`LISTEN_PID` differs).
    ///
    /// - Throws: ``SocketActivationError`` when the variables are present but malformed or name
    ///   descriptors this process does not have.
    package static func takeListenedSockets() throws(SocketActivationError) -> [ListenedSocket] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        let count = sd_listen_fds_with_names(1, &names)
        defer { csystemd_free_names(names) }
        guard count >= 0 else { throw SocketActivationError(errno: -count) }
        return (0..<Int(count)).map { index in
            let name = names?[index].map { String(cString: $0) } ?? "unknown"
            return ListenedSocket(fd: SD_LISTEN_FDS_START + Int32(index), name: name)
        }
    }
}

/// The socket-activation environment (`LISTEN_FDS`, `LISTEN_PID`, `LISTEN_FDNAMES`) could not be used.
package struct SocketActivationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `errno` value `sd_listen_fds_with_names(3)` reported.
    package let errno: Int32

    /// Wraps the `errno` value `sd_listen_fds_with_names(3)` reported.
    ///
    /// - Parameter errno: A positive `errno` value.
    package init(errno: Int32) {
        self.errno = errno
    }

    /// What happened and what the operator can check.
    package var description: String {
        "The sockets passed by systemd could not be adopted (\(String(cString: strerror(errno)))). "
            + "Check the service's .socket unit (ListenStream=, FileDescriptorName=) and that nothing "
            + "else sets LISTEN_FDS, LISTEN_PID or LISTEN_FDNAMES for this process."
    }
}

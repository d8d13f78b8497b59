import Foundation
import Synchronization

/// One run of a program to its end: exit status, everything it printed, and its wall time. For
/// tests that drive the built executables (or `sqlite3`, `setpriv`) as real processes.
package struct ProgramRun: Sendable, Hashable {
    /// The exit status (or the terminating signal's number).
    package var status: Int32
    /// Everything written to stdout, as UTF-8 (invalid bytes replaced).
    package var stdout: String
    /// Everything written to stderr, as UTF-8 (invalid bytes replaced).
    package var stderr: String
    /// Wall time from launch to exit, in seconds.
    package var seconds: Double

    /// Runs `executable` with `arguments` and waits for it to exit.
    ///
    /// - Parameters:
    ///   - environment: the complete environment of the child (plus this process's sanitizer
    ///     settings, `SanitizerEnvironment`); nil keeps this process's one.
    ///   - input: bytes for the child's stdin (closed after them); nil gives it an empty stdin.
    package static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: String? = nil
    ) throws -> ProgramRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = SanitizerEnvironment.keeping(environment) }
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        let started = ContinuousClock.now
        try process.run()
        stdin.fileHandleForWriting.write(Data((input ?? "").utf8))
        try? stdin.fileHandleForWriting.close()
        // Drain stderr on another thread so that a child filling both pipes cannot block.
        let errorBytes = PipeDrain(err.fileHandleForReading)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = errorBytes.wait()
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return ProgramRun(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self), seconds: seconds)
    }

    /// Runs `executable` as another user through util-linux `setpriv`: real and effective uid
    /// `uid`, gid `gid`, exactly the supplementary `groups` (none when empty). Needs root. The uid
    /// need not have a passwd entry.
    package static func run(
        asUID uid: UInt32, gid: UInt32, groups: [UInt32] = [], _ executable: String, _ arguments: [String],
        environment: [String: String]? = nil
    ) throws -> ProgramRun {
        let groupFlag = groups.isEmpty ? "--clear-groups" : "--groups=" + groups.map(String.init).joined(separator: ",")
        return try run(
            setprivPath, ["--reuid=\(uid)", "--regid=\(gid)", groupFlag, "--", executable] + arguments,
            environment: environment)
    }

    /// Where util-linux `setpriv` lives.
    package static var setprivPath: String {
        ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? "/usr/bin/setpriv"
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeDrain: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let data = Mutex(Data())

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            let bytes = handle.readDataToEndOfFile()
            data.withLock { $0 = bytes }
            done.signal()
        }
        thread.start()
    }

    func wait() -> Data {
        done.wait()
        return data.withLock { $0 }
    }
}

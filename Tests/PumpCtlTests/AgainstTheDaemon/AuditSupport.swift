import Foundation
import PumpTesting

/// One row of the store's audit table, as `sqlite3` reads it (the time left out: it varies).
struct AuditRow: Decodable, Hashable, CustomStringConvertible {
    var uid: Int64?
    var user: String?
    var command: String
    var arguments: String
    var outcome: String

    var description: String { "\(uid.map(String.init) ?? "-")/\(user ?? "-") \(command) \(arguments) -> \(outcome)" }
}

/// Reads and pokes the audit table with the `sqlite3` command-line shell: a second process on the
/// store file, as an operator would (GRDB's WAL mode lets it read while the daemon runs).
enum AuditTrail {
    static let sqlite3 =
        ["/usr/bin/sqlite3", "/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? "/usr/bin/sqlite3"

    /// Every audit row, oldest first.
    static func rows(_ store: String) throws -> [AuditRow] {
        let run = try sql(store, "SELECT uid, user, command, arguments, outcome FROM audit ORDER BY id", readOnly: true)
        guard run.status == 0 else { throw ChildProcessError(run: run) }
        let text = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [] }
        return try JSONDecoder().decode([AuditRow].self, from: Data(text.utf8))
    }

    /// The audit times, µs since the epoch, oldest first.
    static func times(_ store: String) throws -> [Int64] {
        let run = try sql(store, "SELECT at FROM audit ORDER BY id", readOnly: true)
        return run.stdout.split(separator: "\n").compactMap { line in
            // `-json` prints `[{"at":1764...},` lines.
            line.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int64($0) }
        }
    }

    /// Runs one SQL statement with a 5 s busy timeout and JSON output.
    static func sql(_ store: String, _ statement: String, readOnly: Bool = false) throws -> ProgramRun {
        try ProgramRun.run(
            sqlite3, (readOnly ? ["-readonly"] : []) + ["-json", "-cmd", ".timeout 5000", store, statement],
            environment: ["PATH": "/usr/bin:/bin"])
    }
}

/// A child program (`sqlite3`, `perl`) failed.
struct ChildProcessError: Error, CustomStringConvertible {
    var run: ProgramRun
    var description: String { "exited \(run.status): \(run.stderr)" }
}

/// One raw exchange on the control socket, without `pumpctl`: for what only the wire shows.
enum ControlLine {
    /// Sends `line` and returns the reply line (without `\n`).
    static func exchange(_ line: String, socket: String) throws -> String {
        let connection = try LineSocket(unixPath: socket)
        try connection.send(line + "\n")
        return try connection.readLine() ?? ""
    }

    /// The same from another uid: Perl's `IO::Socket::UNIX` (perl-base) run through `setpriv`.
    static func exchange(_ line: String, socket: String, asUID uid: UInt32, gid: UInt32) throws -> String {
        let script =
            #"my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!\n"; "#
            + #"print $s "$ARGV[1]\n"; my $r = <$s>; print $r;"#
        let run = try ProgramRun.run(
            asUID: uid, gid: gid, "/usr/bin/perl", ["-MIO::Socket::UNIX", "-e", script, socket, line],
            environment: ["PATH": "/usr/bin:/bin"])
        guard run.status == 0 else { throw ChildProcessError(run: run) }
        return run.stdout.hasSuffix("\n") ? String(run.stdout.dropLast()) : run.stdout
    }
}

import Foundation

/// A Unix group created for one test with `groupadd` (needs root) and deleted by `remove()`:
/// for proving who may use the daemon's control socket.
package struct TemporaryGroup: Sendable {
    /// The group's name, unique to this process and call.
    package let name: String
    /// The group's id, as the group database gives it.
    package let gid: UInt32

    /// Creates a system group named `prefix` plus this process's id and a counter.
    package init(prefix: String = "pmt") throws {
        let name = "\(prefix)\(getpid())x\(UInt32.random(in: 0..<1_000_000))"
        let made = try ProgramRun.run(Self.tool("groupadd"), ["--system", name])
        guard made.status == 0 else { throw TemporaryAccountError.command("groupadd \(name)", made.stderr) }
        guard let entry = getgrnam(name) else {
            throw TemporaryAccountError.command("getgrnam \(name)", "the new group is not in the group database")
        }
        self.name = name
        gid = entry.pointee.gr_gid
    }

    /// Deletes the group.
    package func remove() {
        _ = try? ProgramRun.run(Self.tool("groupdel"), [name])
    }

    /// `/usr/sbin/NAME`, else `/sbin/NAME`.
    static func tool(_ name: String) -> String {
        ["/usr/sbin/\(name)", "/sbin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? "/usr/sbin/\(name)"
    }
}

/// A system user created for one test with `useradd` (needs root), member of `groups` in the group
/// database, without a home directory; deleted by `remove()`.
package struct TemporaryUser: Sendable {
    /// The user's name, unique to this process and call.
    package let name: String
    /// The user's id.
    package let uid: UInt32
    /// The user's primary group id (its own group, created with it).
    package let gid: UInt32

    /// Creates the user, with supplementary membership of `groups` (names) in the group database.
    package init(prefix: String = "pmu", groups: [String] = []) throws {
        let name = "\(prefix)\(getpid())x\(UInt32.random(in: 0..<1_000_000))"
        var arguments = ["--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin"]
        if !groups.isEmpty { arguments += ["--groups", groups.joined(separator: ",")] }
        let made = try ProgramRun.run(TemporaryGroup.tool("useradd"), arguments + [name])
        guard made.status == 0 else { throw TemporaryAccountError.command("useradd \(name)", made.stderr) }
        guard let entry = getpwnam(name) else {
            throw TemporaryAccountError.command("getpwnam \(name)", "the new user is not in the passwd database")
        }
        self.name = name
        uid = entry.pointee.pw_uid
        gid = entry.pointee.pw_gid
    }

    /// Deletes the user and its own group.
    package func remove() {
        _ = try? ProgramRun.run(TemporaryGroup.tool("userdel"), [name])
        _ = try? ProgramRun.run(TemporaryGroup.tool("groupdel"), [name])
    }
}

/// A numeric uid that has no passwd entry, for running a program as "somebody else" with
/// `ProgramRun.run(asUID:...)`.
package enum UnusedUID {
    /// The first uid from `start` upwards that neither the passwd nor the group database names.
    package static func find(from start: UInt32 = 4242) -> UInt32 {
        var uid = start
        while getpwuid(uid) != nil || getgrgid(uid) != nil { uid += 1 }
        return uid
    }
}

/// A user-database command that failed.
package enum TemporaryAccountError: Error, CustomStringConvertible {
    /// `command` failed with `stderr`.
    case command(String, String)

    /// What failed and what the tool said.
    package var description: String {
        switch self {
        case .command(let command, let stderr): "\(command) failed: \(stderr)"
        }
    }
}

import Foundation

/// Who is on the other end of a control connection, from the kernel (`SO_PEERCRED`): the check that
/// counts, since a socket file can be reached through a passed descriptor whatever its mode.
struct PeerCredentials: Sendable, Hashable {
    var pid: Int32
    var uid: UInt32
    var gid: UInt32
    /// The supplementary groups the kernel recorded at `connect` (`SO_PEERGROUPS`); may be empty.
    var groups: [UInt32] = []

    /// The user name of `uid`, when it has one.
    var userName: String? {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pwd, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(cString: pwd.pw_name)
    }
}

/// Who may use the control socket: root, the daemon's own user, and members of one group.
struct ControlAccessPolicy: Sendable {
    /// The group whose members are allowed (`pumpmon` by default).
    var groupName: String
    /// The daemon's own uid.
    var daemonUID: UInt32 = getuid()

    /// Whether `peer` may use the control socket.
    func allows(_ peer: PeerCredentials) -> Bool {
        if peer.uid == 0 || peer.uid == daemonUID { return true }
        guard let group = Self.group(named: groupName) else { return false }
        if peer.gid == group.gid || peer.groups.contains(group.gid) { return true }
        if let name = peer.userName, group.members.contains(name) { return true }
        // The user's supplementary groups from the group database.
        if let name = peer.userName {
            var count: Int32 = 64
            var groups = [gid_t](repeating: 0, count: Int(count))
            if getgrouplist(name, peer.gid, &groups, &count) >= 0 {
                return groups.prefix(Int(count)).contains(group.gid)
            }
        }
        return false
    }

    private static func group(named name: String) -> (gid: UInt32, members: [String])? {
        var grp = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 65536)
        guard getgrnam_r(name, &grp, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        var members: [String] = []
        if var p = grp.gr_mem {
            while let m = p.pointee {
                members.append(String(cString: m))
                p += 1
            }
        }
        return (grp.gr_gid, members)
    }
}

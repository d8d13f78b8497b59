import Foundation

/// The process metrics Prometheus' client libraries export (`process_*`), read from `/proc`.
struct ProcessStats {
    var residentBytes = 0
    var cpuSeconds = 0.0
    var openFDs = 0
    var maxFDs = 0
    var startTime = 0.0

    static func read() -> ProcessStats {
        var stats = ProcessStats()
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let page = sysconf(Int32(_SC_PAGESIZE))
        if let statm = text("/proc/self/statm")?.split(separator: " "), statm.count > 1, let pages = Int(statm[1]) {
            stats.residentBytes = pages * page
        }
        // Fields after the command name (which may hold spaces and parentheses): state is field 3.
        if let stat = text("/proc/self/stat"), let close = stat.lastIndex(of: ")") {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // fields[0] is field 3 (state): utime 14, stime 15, starttime 22.
            if fields.count > 19, let user = Double(fields[11]), let system = Double(fields[12]),
                let start = Double(fields[19])
            {
                stats.cpuSeconds = (user + system) / ticks
                stats.startTime = Double(bootTime()) + start / ticks
            }
        }
        stats.openFDs = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { stats.maxFDs = Int(limit.rlim_cur) }
        return stats
    }

    /// Seconds since the epoch at boot (`btime` in `/proc/stat`).
    private static func bootTime() -> Int {
        for line in (text("/proc/stat") ?? "").split(separator: "\n") where line.hasPrefix("btime ") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }

    private static func text(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

import Foundation

/// The sanitizer settings of this process, which a child program started with an environment of
/// its own must keep: under `scripts/sanitize` the programs the tests start are built with the same
/// sanitizer, and without these variables they would report to stderr instead of the pass's report
/// folder, without the pass's suppressions or the thread pass's preloaded Mutex annotations (a
/// leak report larger than a pipe's buffer then blocks the child on a pipe nobody reads yet).
package enum SanitizerEnvironment {
    /// The variables carried over when this process has them.
    package static let names = ["ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS", "LD_PRELOAD"]

    /// `environment` plus this process's sanitizer variables; a variable `environment` sets itself
    /// wins.
    package static func keeping(_ environment: [String: String]) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var result = environment
        for name in names where result[name] == nil {
            if let value = inherited[name] { result[name] = value }
        }
        return result
    }
}

/// How long a motor stall may last before it counts as non-function, and when an MRI exposure
/// lengthens that grace (`telemetry-protocol.md`, the stall grace rules).
///
/// All durations are in microseconds, the unit of every time in this module. A stall's grace is
/// the closed interval [stall `at`, stall `at` + grace].
package struct StallRules: Sendable, Hashable, Codable {
    /// The grace of an ordinary stall (`--stall-grace`), in microseconds. Default 2 hours.
    package var stallGrace: Int64
    /// The grace of a stall that begins within `mriWindow` after an `MRI_EXPOSURE`
    /// (`--mri-stall-grace`), in microseconds. Default 24 hours.
    package var mriStallGrace: Int64
    /// How long after an `MRI_EXPOSURE`'s `at` a stall that begins still gets the MRI grace, in
    /// microseconds; the window is closed at both ends (0 to 60 minutes by default).
    package var mriWindow: Int64

    /// How long before a stall's `at` a recovery received after the stall may be stamped and still
    /// end it (a pump clock corrected backwards): 5 minutes, the protocol's tolerance for the
    /// future. Not configurable.
    package static let recoveryTolerance: Int64 = 300_000_000

    /// One hour in microseconds.
    package static let hour: Int64 = 3_600_000_000

    /// Creates the rules; the defaults are the protocol's: 2 hours, 24 hours, 1 hour.
    /// Negative durations are treated as zero.
    package init(stallGrace: Int64 = 2 * hour, mriStallGrace: Int64 = 24 * hour, mriWindow: Int64 = hour) {
        self.stallGrace = max(0, stallGrace)
        self.mriStallGrace = max(0, mriStallGrace)
        self.mriWindow = max(0, mriWindow)
    }
}

extension Int64 {
    /// `self + other`, pinned to the bounds instead of trapping: times come from outside.
    func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, pinned to the bounds instead of trapping.
    func saturatingSubtract(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other > 0 ? .min : .max
    }
}

import Foundation

/// The simulator's own pseudo-random generator: SplitMix64 (Steele, Lea and Flood, 2014), as in
/// swift-argument-parser's `Examples/roll/SplitMix64.swift`. Written here, not taken from the
/// platform, so that a `--seed` gives the same numbers on every machine and every Swift version.
package struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    /// Creates a generator whose whole sequence is fixed by `seed`.
    package init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// A generator for one part of the simulation (one pump, say), independent of the others:
    /// adding a pump to a fleet does not change what the pumps before it do.
    package static func derived(seed: UInt64, stream: UInt64) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }

    /// A uniform number in [0, 1), from the top 53 bits (exact and portable, unlike
    /// `Double.random(in:using:)` whose algorithm the standard library may change).
    package mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `range`, by rejection sampling (no modulo bias).
    package mutating func integer(in range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        if span == 0 { return Int64(bitPattern: next()) }
        let limit = UInt64.max - UInt64.max % span
        while true {
            let r = next()
            if r < limit { return range.lowerBound &+ Int64(bitPattern: r % span) }
        }
    }

    /// A uniform real in `range`.
    package mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// True with probability `p`.
    package mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// An exponentially distributed waiting time with the given mean (a Poisson process's gaps).
    /// The logarithm is the only libm call; its result is correctly rounded on the platforms we run.
    package mutating func exponential(mean: Double) -> Double {
        -mean * log1p(-unit())
    }

    /// A version-4-shaped UUID string built from this generator (lower-case hex, 36 characters):
    /// message ids that look like a gateway's and are fixed by the seed.
    package mutating func uuidString() -> String {
        let hi = next()
        let lo = next()
        let a = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let b = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var bytes = [UInt8](repeating: 0, count: 36)
        var i = 0
        func put(_ value: UInt64, nibbles: Int) {
            for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                let nibble = UInt8((value >> UInt64(shift)) & 0xF)
                bytes[i] = nibble < 10 ? 48 + nibble : 87 + nibble
                i += 1
            }
        }
        put(a >> 32, nibbles: 8)
        bytes[i] = 45
        i += 1
        put((a >> 16) & 0xFFFF, nibbles: 4)
        bytes[i] = 45
        i += 1
        put(a & 0xFFFF, nibbles: 4)
        bytes[i] = 45
        i += 1
        put(b >> 48, nibbles: 4)
        bytes[i] = 45
        i += 1
        put(b & 0xFFFF_FFFF_FFFF, nibbles: 12)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A JSON number kept as its literal text, compared by exact decimal value.
///
/// `1`, `1.0`, `1e0`, `10e-1` and `0.1E1` are different literals of one value: they share one
/// ``canonical`` spelling, and `==` / `hash(into:)` use only that. No binary floating point is
/// involved, so `0.1` and `0.10000000000000001` stay different values.
package struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number as written in the JSON text.
    package let literal: String
    /// The number's exact decimal value in its one canonical spelling, used for equality and for
    /// canonical bytes.
    ///
    /// The spelling follows ECMAScript's `Number.prototype.toString` layout applied to the exact
    /// decimal digits: integers up to 21 digits are written out (`100`), decimals whose point
    /// falls within that range or up to six zeros after it are written with a point (`12.5`,
    /// `0.000125`), anything else in scientific notation with one leading digit (`1.25e+30`,
    /// `1e-7`). Zero (also `-0`) is `0`. Every canonical spelling is itself a valid JSON number.
    package let canonical: String

    /// Wraps a literal that is already known to match the JSON number grammar.
    ///
    /// A literal outside the grammar does not crash: its digits are read as far as they go.
    package init(literal: String) {
        self.literal = literal
        self.canonical = JSONNumber.canonicalize(literal)
    }

    /// The parser's initializer: both spellings were computed from the same bytes.
    init(literal: String, canonical: String) {
        self.literal = literal
        self.canonical = canonical
    }

    /// Wraps an integer (its decimal spelling is both literal and canonical).
    package init(_ value: Int64) {
        let text = String(value)
        self.init(literal: text, canonical: text == "-0" ? "0" : text)
    }

    /// The number as a `Double`, correctly rounded (`inf` when the value is beyond `Double`'s range).
    package var doubleValue: Double { Double(canonical) ?? .nan }

    /// Whether the exact value is an integer (`1`, `1.0`, `10e-1`, `1e400` are; `1.5` is not).
    package var isInteger: Bool {
        // Canonical spellings: `123`, `1.5`, `0.001`, or `d.ddde+N` / `de-N` for very large or
        // small values. An exponent form is an integer when its exponent covers every fraction digit.
        let u = canonical.utf8
        guard let e = u.firstIndex(of: UInt8(ascii: "e")) else { return !u.contains(UInt8(ascii: ".")) }
        let afterE = u.index(after: e)
        guard afterE < u.endIndex, u[afterE] == UInt8(ascii: "+") else { return false }
        let exponent = Int(String(decoding: u[u.index(after: afterE)...], as: UTF8.self)) ?? 0
        var fractionDigits = 0
        if let point = u[..<e].firstIndex(of: UInt8(ascii: ".")) {
            fractionDigits = u.distance(from: point, to: e) - 1
        }
        return exponent >= fractionDigits
    }

    /// Whether the exact value is below zero (`-0` is not).
    package var isNegative: Bool { canonical.utf8.first == UInt8(ascii: "-") }

    /// The number as an `Int64` when its exact value is an integer in range, else nil (canonical
    /// integers up to 21 digits are plain digits; anything larger has an exponent).
    package var int64Value: Int64? { Int64(canonical) }

    /// The literal as written.
    package var description: String { literal }

    /// Equal when the exact decimal values are equal, whatever the spelling.
    package static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool { lhs.canonical == rhs.canonical }

    /// Hashes the exact decimal value.
    package func hash(into hasher: inout Hasher) { hasher.combine(canonical) }

    /// The canonical spelling (see ``canonical``) of a JSON number literal: `-12.50e1` becomes
    /// `-125`, `0.0` becomes `0`, `1e21` becomes `1e+21`.
    ///
    /// An exponent too large to compute with exactly (more than 18 digits) is clamped; the parser
    /// rejects such literals instead, so this only matters for hand-made values.
    package static func canonicalize(_ literal: String) -> String {
        var literal = literal
        return literal.withUTF8 { bytes in
            NumberCanonicalizer.canonical(UnsafeRawBufferPointer(bytes), clampExponent: true) ?? "0"
        }
    }
}

/// Computes canonical spellings straight from literal bytes, without intermediate arrays.
enum NumberCanonicalizer {
    /// The largest exponent literal the parser accepts, in digits (keeps the arithmetic exact).
    static let maxExponentDigits = 18

    /// The canonical spelling of the literal, or nil when its exponent has more than
    /// ``maxExponentDigits`` significant digits and `clampExponent` is false.
    static func canonical(_ bytes: UnsafeRawBufferPointer, clampExponent: Bool) -> String? {
        let zero = UInt8(ascii: "0")
        var i = 0
        let n = bytes.count
        var negative = false
        if i < n, bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let intStart = i
        while i < n, bytes[i] &- zero < 10 { i += 1 }
        let intEnd = i
        var fracStart = i
        var fracEnd = i
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            fracStart = i
            while i < n, bytes[i] &- zero < 10 { i += 1 }
            fracEnd = i
        }
        var exponent: Int64 = 0
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < n, bytes[i] == UInt8(ascii: "+") {
                i += 1
            } else if i < n, bytes[i] == UInt8(ascii: "-") {
                expNegative = true
                i += 1
            }
            while i < n, bytes[i] == zero { i += 1 }
            var digits = 0
            while i < n, bytes[i] &- zero < 10 {
                digits += 1
                if digits > maxExponentDigits {
                    guard clampExponent else { return nil }
                    exponent = 999_999_999_999_999_999
                } else {
                    exponent = exponent * 10 + Int64(bytes[i] &- zero)
                }
                i += 1
            }
            if expNegative { exponent = -exponent }
        }

        // The significant digits are intPart ++ fracPart with leading and trailing zeros removed;
        // `digitAt` maps a position in that virtual sequence to its byte.
        let intCount = intEnd - intStart
        let total = intCount + (fracEnd - fracStart)
        @inline(__always) func digitAt(_ k: Int) -> UInt8 {
            k < intCount ? bytes[intStart + k] : bytes[fracStart + k - intCount]
        }
        var first = 0
        while first < total, digitAt(first) == zero { first += 1 }
        if first == total { return "0" }
        var last = total
        while digitAt(last - 1) == zero { last -= 1 }
        let count = last - first
        // value = digits × 10^k, with k the power of the last significant digit.
        let k = exponent - Int64(fracEnd - fracStart) + Int64(total - last)
        let point = Int64(count) + k  // digits before the decimal point, as in ECMAScript's "n"

        return String(unsafeUninitializedCapacity: count + 32) { out in
            var o = 0
            @inline(__always) func put(_ b: UInt8) {
                out[o] = b
                o += 1
            }
            if negative { put(UInt8(ascii: "-")) }
            if k >= 0 && point <= 21 {
                for j in first..<last { put(digitAt(j)) }
                for _ in 0..<k { put(zero) }
            } else if point > 0 && point <= 21 {
                let p = Int(point)
                for j in first..<(first + p) { put(digitAt(j)) }
                put(UInt8(ascii: "."))
                for j in (first + p)..<last { put(digitAt(j)) }
            } else if point <= 0 && point > -6 {
                put(zero)
                put(UInt8(ascii: "."))
                for _ in 0..<(-point) { put(zero) }
                for j in first..<last { put(digitAt(j)) }
            } else {
                put(digitAt(first))
                if count > 1 {
                    put(UInt8(ascii: "."))
                    for j in (first + 1)..<last { put(digitAt(j)) }
                }
                put(UInt8(ascii: "e"))
                let e = point - 1
                put(e < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                for b in String(e.magnitude).utf8 { put(b) }
            }
            return o
        }
    }
}

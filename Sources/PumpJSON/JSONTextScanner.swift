/// Follows compact JSON text piece by piece, as far as nesting and strings go: enough to re-lay
/// out or split a document of any length without parsing it (``JSONPrettyPrinter``, pumpctl's list
/// reader). A piece may end anywhere, inside a string or an escape. It checks nothing else.
package struct JSONTextScanner: Sendable {
    /// The arrays and objects open after the last byte scanned.
    package private(set) var depth = 0
    private var inString = false
    /// The byte before was a backslash inside a string.
    private var escaped = false
    /// A container was closed that was never opened.
    private var unbalanced = false

    package init() {}

    /// Whether the text so far ends outside every string and container, none closed that was not
    /// open.
    package var isBalanced: Bool { depth == 0 && !inString && !unbalanced }

    /// The index of the first byte from `start` on that is outside a string and is a bracket, `,`,
    /// `:` or white space, or `piece.count`. The bytes before it (strings with their quotes,
    /// numbers, `true`, `false`, `null`) are the caller's to copy as they are; the byte at the
    /// index is the caller's to pass to ``count(_:)``.
    package mutating func nextStructural(in piece: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        while i < piece.count {
            let byte = piece[i]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                i += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ","),
                UInt8(ascii: ":"), 0x20, 0x0A, 0x0D, 0x09:
                return i
            default:
                break
            }
            i += 1
        }
        return i
    }

    /// Counts the byte ``nextStructural(in:from:)`` stopped at: a bracket opens or closes a level.
    package mutating func count(_ structural: UInt8) {
        switch structural {
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"): if depth == 0 { unbalanced = true } else { depth -= 1 }
        default: break
        }
    }
}

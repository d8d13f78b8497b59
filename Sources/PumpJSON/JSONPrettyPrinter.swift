/// Turns compact JSON text into the layout `pumpctl --json` prints: two-space indent, `"key": value`,
/// one member or element per line, an empty `[]` or `{}` on one line.
///
/// It is a filter, not a parser: it tracks only nesting, whether it is inside a string and whether
/// the byte before was a backslash, so strings are copied byte for byte and numbers are never
/// re-spelled, and a document of any length passes through in pieces without ever being held
/// whole. A piece may end anywhere, inside a string or an escape. Whitespace between tokens is
/// dropped. It checks only what it tracks (see ``isComplete``); the text is otherwise trusted.
package struct JSONPrettyPrinter: Sendable {
    /// How many containers are open.
    private var depth = 0
    /// A container was just opened: its line break waits to see whether it is empty.
    private var openPending = false
    private var inString = false
    /// The byte before was a backslash inside a string.
    private var escaped = false
    /// A container was closed that was never opened.
    private var unbalanced = false
    /// Something other than whitespace went through.
    private var started = false

    package init() {}

    /// Whether what went through is a whole value as far as the printer can tell: every container
    /// closed (and none closed that was not open), no string left open.
    package var isComplete: Bool { started && depth == 0 && !inString && !unbalanced }

    /// Appends the pretty text of the next piece of compact JSON to `output`.
    package mutating func print(_ piece: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        guard let base = piece.baseAddress else { return }
        let end = piece.count
        var i = 0
        while i < end {
            if inString {
                // Copy the run up to the next quote or backslash in one append.
                let start = i
                if escaped {
                    escaped = false
                    i += 1
                }
                while i < end {
                    let byte = base[i]
                    if byte == Self.quote || byte == Self.backslash { break }
                    i += 1
                }
                if i > start { output.append(contentsOf: UnsafeBufferPointer(start: base + start, count: i - start)) }
                guard i < end else { return }
                output.append(base[i])
                if base[i] == Self.quote { inString = false } else { escaped = true }
                i += 1
                continue
            }
            let byte = base[i]
            i += 1
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                breakPendingLine(&output)
                output.append(byte)
                depth += 1
                openPending = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { unbalanced = true } else { depth -= 1 }
                if openPending {
                    openPending = false
                } else {
                    newLine(&output)
                }
                output.append(byte)
            case UInt8(ascii: ","):
                output.append(byte)
                newLine(&output)
            case UInt8(ascii: ":"):
                output.append(byte)
                output.append(UInt8(ascii: " "))
            default:
                breakPendingLine(&output)
                output.append(byte)
                if byte == Self.quote { inString = true }
            }
            started = true
        }
    }

    /// The line break after an opening bracket, once the container turns out not to be empty.
    @inline(__always)
    private mutating func breakPendingLine(_ output: inout [UInt8]) {
        if openPending {
            openPending = false
            newLine(&output)
        }
    }

    @inline(__always)
    private func newLine(_ output: inout [UInt8]) {
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
}

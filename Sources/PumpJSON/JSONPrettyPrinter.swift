/// Turns compact JSON text into the layout `pumpctl --json` prints: two-space indent, `"key": value`,
/// one member or element per line, an empty `[]` or `{}` on one line.
///
/// It is a filter, not a parser (``JSONTextScanner``): strings are copied byte for byte and
/// numbers are never re-spelled, and a document of any length passes through in pieces without
/// ever being held whole. White space between tokens is dropped. It checks only what the scanner
/// tracks (see ``isComplete``); the text is otherwise trusted.
package struct JSONPrettyPrinter: Sendable {
    private var scanner = JSONTextScanner()
    /// A container was just opened: its line break waits to see whether it is empty.
    private var openPending = false
    /// Something other than white space went through.
    private var started = false

    package init() {}

    /// Whether what went through is a whole value as far as the printer can tell: every container
    /// closed (and none closed that was not open), no string left open.
    package var isComplete: Bool { started && scanner.isBalanced }

    /// Appends the pretty text of the next piece of compact JSON to `output`.
    package mutating func print(_ piece: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var i = 0
        while i < piece.count {
            let start = i
            i = scanner.nextStructural(in: piece, from: i)
            if i > start {
                breakPendingLine(&output)
                output.append(contentsOf: UnsafeBufferPointer(rebasing: piece[start..<i]))
                started = true
            }
            guard i < piece.count else { return }
            let byte = piece[i]
            i += 1
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                breakPendingLine(&output)
                scanner.count(byte)
                output.append(byte)
                openPending = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                scanner.count(byte)
                if openPending { openPending = false } else { newLine(&output) }
                output.append(byte)
            case UInt8(ascii: ","):
                output.append(byte)
                newLine(&output)
            case UInt8(ascii: ":"):
                output.append(contentsOf: ": ".utf8)
            default:
                continue  // white space
            }
            started = true
        }
    }

    /// The line break after an opening bracket, once the container turns out not to be empty.
    private mutating func breakPendingLine(_ output: inout [UInt8]) {
        if openPending {
            openPending = false
            newLine(&output)
        }
    }

    private func newLine(_ output: inout [UInt8]) {
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * scanner.depth))
    }
}

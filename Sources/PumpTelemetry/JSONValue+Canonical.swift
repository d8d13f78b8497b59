extension JSONValue {
    /// The value's one canonical serialisation: equal values (``==``) give equal bytes, and
    /// different values different bytes, so "the same content" can be compared, hashed and stored
    /// as one blob.
    ///
    /// - Object members sorted by the UTF-8 bytes of their keys.
    /// - Numbers in their ``JSONNumber/canonical`` spelling (`1.0` → `1`, `12.50e1` → `125`).
    /// - Strings escaped one fixed way (see ``JSONWriter/appendString(_:to:)``).
    /// - No white space.
    ///
    /// The result is valid JSON (RFC 8259) and parses back to an equal value.
    public func canonicalBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        appendCanonical(to: &out)
        return out
    }

    /// Appends ``canonicalBytes()`` to `buffer`.
    public func appendCanonical(to buffer: inout [UInt8]) {
        switch self {
        case .null:
            buffer.append(contentsOf: "null".utf8)
        case .bool(let b):
            buffer.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case .number(let n):
            buffer.append(contentsOf: n.canonical.utf8)
        case .string(let s):
            JSONWriter.appendString(s, to: &buffer)
        case .array(let elements):
            buffer.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                element.appendCanonical(to: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let members):
            buffer.append(UInt8(ascii: "{"))
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (i, member) in sorted.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(member.key, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                member.value.appendCanonical(to: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
    }
}

/// Writes JSON text. One escaping for everything this module emits (canonical content, replies).
public enum JSONWriter {
    /// Appends `s` as a JSON string literal, quotes included.
    ///
    /// `"` and `\` become `\"` and `\\`; the control characters U+0000–U+001F become `\b`, `\f`,
    /// `\n`, `\r`, `\t` or `\u00XX` (lower-case hex); everything else, `/`, DEL and all non-ASCII
    /// characters included, is copied as UTF-8.
    public static func appendString(_ s: String, to buffer: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendString(utf8: $0, to: &buffer) }
    }

    /// Appends the UTF-8 text `bytes` as a JSON string literal, quotes included, with the escapes
    /// of `appendString(_:to:)` (the bytes are copied as they are otherwise: valid UTF-8 in, valid out).
    public static func appendString(utf8 bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
            if runStart < i { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            runStart = i + 1
            buffer.append(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case 0x08: buffer.append(UInt8(ascii: "b"))
            case 0x0C: buffer.append(UInt8(ascii: "f"))
            case 0x0A: buffer.append(UInt8(ascii: "n"))
            case 0x0D: buffer.append(UInt8(ascii: "r"))
            case 0x09: buffer.append(UInt8(ascii: "t"))
            default:
                let low = b & 0x0F
                buffer.append(UInt8(ascii: "u"))
                buffer.append(UInt8(ascii: "0"))
                buffer.append(UInt8(ascii: "0"))
                buffer.append(UInt8(ascii: "0") + (b >> 4))
                buffer.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
            }
        }
        if runStart < bytes.count {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// `s` as a JSON string literal (see ``appendString(_:to:)``).
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

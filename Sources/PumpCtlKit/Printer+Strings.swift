#if canImport(Glibc)
    import Glibc
#endif
import PumpControlProtocol
import PumpJSON
import PumpTelemetry

extension Printer {
    // MARK: Strings

    /// A string printed with `OrderedJSONEncoder`'s escapes: copied as it is when it holds no
    /// escape, else decoded and escaped again.
    mutating func string() throws(GiveUp) {
        let (start, end, escaped) = try scanString()
        let body = UnsafeBufferPointer(rebasing: input[(start + 1)..<(end - 1)])
        if !escaped {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<end]))
        } else {
            let decoded = try unescape(body)
            decoded.withUnsafeBufferPointer { appendQuoted($0) }
        }
    }

    /// A key: only plain ASCII keys without escapes are taken (their order is the same as
    /// `String`'s); the bytes stay in the input.
    mutating func plainKey() throws(GiveUp) -> UnsafeBufferPointer<UInt8> {
        let (start, end, escaped) = try scanString()
        let key = UnsafeBufferPointer(rebasing: input[(start + 1)..<(end - 1)])
        guard !escaped, key.allSatisfy({ $0 < 0x80 }) else { throw GiveUp() }
        return key
    }

    /// Finds the end of the string at `pos`: (opening quote, after the closing quote, has escapes).
    /// Non-ASCII text is checked to be valid UTF-8 here.
    mutating func scanString() throws(GiveUp) -> (Int, Int, Bool) {
        let start = pos
        guard peek() == UInt8(ascii: "\"") else { throw GiveUp() }
        var i = pos + 1
        var escaped = false
        var ascii = true
        let count = input.count
        while i < count {
            let b = input[i]
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                escaped = true
                i += 2
                continue
            }
            guard b >= 0x20 else { throw GiveUp() }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        guard i < count else { throw GiveUp() }
        pos = i + 1
        if !ascii && !escaped { try checkUTF8(UnsafeBufferPointer(rebasing: input[(start + 1)..<i])) }
        return (start, pos, escaped)
    }

    func checkUTF8(_ bytes: UnsafeBufferPointer<UInt8>) throws(GiveUp) {
        for b in bytes where b >= 0x80 {
            guard String(validating: bytes, as: UTF8.self) != nil else { throw GiveUp() }
            return
        }
    }

    /// The bytes a string's body stands for; a lone surrogate or a bad escape gives up.
    func unescape(_ body: UnsafeBufferPointer<UInt8>) throws(GiveUp) -> [UInt8] {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(body.count)
        var i = 0
        var rawStart = 0
        func flushRaw(_ upTo: Int) throws(GiveUp) {
            let raw = UnsafeBufferPointer(rebasing: body[rawStart..<upTo])
            try checkUTF8(raw)
            decoded.append(contentsOf: raw)
        }
        while i < body.count {
            guard body[i] == UInt8(ascii: "\\") else {
                i += 1
                continue
            }
            try flushRaw(i)
            guard i + 1 < body.count else { throw GiveUp() }
            let e = body[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(e)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try hex4(body, i)
                i += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 6 <= body.count, body[i] == UInt8(ascii: "\\"), body[i + 1] == UInt8(ascii: "u") else {
                        throw GiveUp()
                    }
                    let low = try hex4(body, i + 2)
                    guard (0xDC00..<0xE000).contains(low) else { throw GiveUp() }
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw GiveUp()
                }
                guard let s = Unicode.Scalar(scalar) else { throw GiveUp() }
                decoded.append(contentsOf: String(Character(s)).utf8)
            default:
                throw GiveUp()
            }
            rawStart = i
        }
        try flushRaw(body.count)
        return decoded
    }

    func hex4(_ body: UnsafeBufferPointer<UInt8>, _ at: Int) throws(GiveUp) -> UInt32 {
        guard at + 4 <= body.count else { throw GiveUp() }
        var value: UInt32 = 0
        for b in body[at..<(at + 4)] {
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw GiveUp()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// `"…"` with `OrderedJSONEncoder.quoted`'s escapes.
    mutating func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: Skipping (validating) a value

    /// Moves past one JSON value, checking its syntax.
    mutating func skipValue() throws(GiveUp) {
        skipSpace()
        guard let c = peek() else { throw GiveUp() }
        switch c {
        case UInt8(ascii: "\""):
            let (start, end, escaped) = try scanString()
            if escaped { _ = try unescape(UnsafeBufferPointer(rebasing: input[(start + 1)..<(end - 1)])) }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            pos += 1
            try enter()
            defer { depth -= 1 }
            skipSpace()
            if peek() == close {
                pos += 1
                return
            }
            while true {
                skipSpace()
                if close == UInt8(ascii: "}") {
                    _ = try plainKeyOrAny()
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                }
                try skipValue()
                skipSpace()
                guard let d = peek() else { throw GiveUp() }
                pos += 1
                if d == close { return }
                guard d == UInt8(ascii: ",") else { throw GiveUp() }
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for word: StaticString in ["true", "false", "null"] where matches(word) {
                pos += word.utf8CodeUnitCount
                return
            }
            throw GiveUp()
        default:
            let saved = out.count
            try number()
            out.removeSubrange(saved...)
        }
    }

    /// A key in a value that is skipped: any valid string.
    mutating func plainKeyOrAny() throws(GiveUp) {
        let (start, end, escaped) = try scanString()
        if escaped { _ = try unescape(UnsafeBufferPointer(rebasing: input[(start + 1)..<(end - 1)])) }
    }

}

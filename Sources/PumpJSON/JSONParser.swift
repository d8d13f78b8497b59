/// A strict RFC 8259 JSON parser over raw bytes, written for the ingest hot path.
///
/// Strict means: the text is exactly one JSON value with optional white space (space, tab, line
/// feed, carriage return) around it; well-formed UTF-8 everywhere (no overlong forms, no encoded
/// surrogates, nothing above U+10FFFF, no truncated sequences); no byte order mark; no raw control
/// characters (NUL included) in strings; `\u` escapes of surrogates only as high-low pairs; no
/// duplicate keys in an object; numbers exactly per the grammar (`01`, `1.`, `.5`, `+1` are
/// errors); nesting at most ``defaultMaxDepth`` arrays/objects deep. `\u0000` (escaped) is a valid
/// string character.
///
/// Numbers are not converted: each keeps its literal and its exact canonical value
/// (``JSONNumber``). Objects keep their members in the order written. Object keys are compared
/// with Swift's `String` equality, so two keys that are canonically equivalent Unicode
/// (precomposed and decomposed `é`) count as duplicates. The parser knows no schema.
package enum JSONParser {
    /// Arrays and objects nested more deeply than this are rejected (`tooDeep`) rather than
    /// risking the stack.
    package static let defaultMaxDepth = 64

    /// Parses one JSON text.
    ///
    /// - Parameters:
    ///   - bytes: the complete text (for a protocol line: without its `\n`).
    ///   - maxDepth: the deepest nesting of arrays and objects accepted.
    package static func parse(
        _ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth
    ) throws(JSONParseError) -> JSONValue {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw JSONParseError(kind: .empty, offset: 0) }
        var parser = Parser(base: base, end: bytes.count, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    /// Parses one JSON text held in an array (see the buffer-pointer form).
    package static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) in try parse(buffer, maxDepth: maxDepth) }
        }
        return try result.get()
    }
}

/// The parser's cursor. Reads bytes through a raw pointer; every read is guarded by `end`.
private struct Parser {
    let base: UnsafeRawPointer
    let end: Int
    let maxDepth: Int
    var pos = 0
    var depth = 0
    /// Reused buffer for strings that contain escapes.
    var scratch: [UInt8] = []

    init(base: UnsafeRawPointer, end: Int, maxDepth: Int) {
        self.base = base
        self.end = end
        self.maxDepth = maxDepth
    }

    @inline(__always) func byte(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

    @inline(__always) mutating func skipWhitespace() {
        while pos < end {
            let b = byte(pos)
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            pos += 1
        }
    }

    /// The error for the byte at `i` not being what the grammar allows there.
    func unexpected(at i: Int) -> JSONParseError {
        guard i < end else { return JSONParseError(kind: .unexpectedEnd, offset: i) }
        let b = byte(i)
        if b == 0 { return JSONParseError(kind: .nulByte, offset: i) }
        return JSONParseError(kind: .unexpectedByte, offset: i, context: JSONParseError.describe(byte: b))
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if end >= 3, byte(0) == 0xEF, byte(1) == 0xBB, byte(2) == 0xBF {
            throw JSONParseError(kind: .byteOrderMark, offset: 0)
        }
        skipWhitespace()
        guard pos < end else { throw JSONParseError(kind: .empty, offset: pos) }
        let value = try parseValue()
        skipWhitespace()
        if pos < end {
            let b = byte(pos)
            if b == 0 { throw JSONParseError(kind: .nulByte, offset: pos) }
            throw JSONParseError(kind: .trailingContent, offset: pos, context: JSONParseError.describe(byte: b))
        }
        return value
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard pos < end else { throw JSONParseError(kind: .unexpectedEnd, offset: pos) }
        switch byte(pos) {
        case UInt8(ascii: "\""):
            pos += 1
            return .string(try parseString())
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw unexpected(at: pos)
        }
    }

    mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        let w = word.utf8Start
        for k in 0..<count where pos + k >= end || byte(pos + k) != w[k] {
            throw unexpected(at: pos + k)
        }
        pos += count
    }

    mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth { throw JSONParseError(kind: .tooDeep, offset: pos, context: "\(maxDepth) levels") }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        pos += 1  // {
        skipWhitespace()
        if pos < end, byte(pos) == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return .object(JSONObject())
        }
        var members: [JSONObject.Member] = []
        members.reserveCapacity(8)
        // Past a handful of members, duplicates are found through a set instead of a scan.
        var seen: Set<String>? = nil
        while true {
            guard pos < end, byte(pos) == UInt8(ascii: "\"") else { throw unexpected(at: pos) }
            let keyOffset = pos
            pos += 1
            let key = try parseString()
            skipWhitespace()
            guard pos < end, byte(pos) == UInt8(ascii: ":") else { throw unexpected(at: pos) }
            pos += 1
            skipWhitespace()
            let value = try parseValue()
            if isDuplicate(key, in: members, seen: &seen) {
                throw JSONParseError(kind: .duplicateKey, offset: keyOffset, context: JSONWriter.quoted(key))
            }
            members.append((key, value))
            skipWhitespace()
            guard pos < end else { throw JSONParseError(kind: .unexpectedEnd, offset: pos) }
            let b = byte(pos)
            pos += 1
            if b == UInt8(ascii: "}") { break }
            guard b == UInt8(ascii: ",") else { throw unexpected(at: pos - 1) }
            skipWhitespace()
        }
        depth -= 1
        return .object(JSONObject(members))
    }

    /// Whether `key` names a member already read (Swift `String` equality: canonically
    /// equivalent spellings are the same key); keeps `seen` once there are many members.
    func isDuplicate(_ key: String, in members: [JSONObject.Member], seen: inout Set<String>?) -> Bool {
        if seen == nil {
            guard members.count >= 16 else { return members.contains { $0.key == key } }
            seen = Set(members.map(\.key))
        }
        return !seen!.insert(key).inserted
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        pos += 1  // [
        skipWhitespace()
        var elements: [JSONValue] = []
        if pos < end, byte(pos) == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard pos < end else { throw JSONParseError(kind: .unexpectedEnd, offset: pos) }
            let b = byte(pos)
            pos += 1
            if b == UInt8(ascii: "]") { break }
            guard b == UInt8(ascii: ",") else { throw unexpected(at: pos - 1) }
            skipWhitespace()
        }
        depth -= 1
        return .array(elements)
    }

    // MARK: Strings

    /// Parses the rest of a string; `pos` is just after the opening quote.
    mutating func parseString() throws(JSONParseError) -> String {
        let start = pos
        // Eight bytes at a time while none is special (quote, backslash, control, non-ASCII).
        while pos + 8 <= end, !Parser.hasSpecialByte(base.loadUnaligned(fromByteOffset: pos, as: UInt64.self)) {
            pos += 8
        }
        while pos < end {
            let b = byte(pos)
            if b == UInt8(ascii: "\"") {
                let count = pos - start
                pos += 1
                return String(decoding: UnsafeRawBufferPointer(start: base + start, count: count), as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            if b < 0x20 { throw controlCharacter(at: pos) }
            if b < 0x80 {
                pos += 1
            } else {
                try skipUTF8Sequence()
            }
        }
        throw JSONParseError(kind: .unexpectedEnd, offset: pos)
    }

    /// Whether any of the eight bytes in `word` is `"`, `\\`, below 0x20 or above 0x7F (SWAR:
    /// "has a byte less than n" and "has a zero byte" bit tricks).
    @inline(__always) static func hasSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let control = (word &- ones &* 0x20) & ~word
        let quoteZero = (quote &- ones) & ~quote
        let backslashZero = (backslash &- ones) & ~backslash
        return (word | control | quoteZero | backslashZero) & highs != 0
    }

    func controlCharacter(at i: Int) -> JSONParseError {
        let b = byte(i)
        let hex = String(b, radix: 16, uppercase: true)
        let name = "U+00\(hex.count == 1 ? "0" + hex : hex)" + (b == 0 ? " (NUL)" : "")
        return JSONParseError(kind: .controlCharacterInString, offset: i, context: name)
    }

    /// The slow path for a string with escapes: decodes into `scratch`.
    mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: pos - start))
        while pos < end {
            let b = byte(pos)
            if b == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                guard pos + 1 < end else { throw JSONParseError(kind: .unexpectedEnd, offset: pos + 1) }
                switch byte(pos + 1) {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    try appendUnicodeEscape()
                    continue
                default:
                    throw JSONParseError(kind: .invalidEscape, offset: pos)
                }
                pos += 2
            } else if b < 0x20 {
                throw controlCharacter(at: pos)
            } else if b < 0x80 {
                scratch.append(b)
                pos += 1
            } else {
                let s = pos
                try skipUTF8Sequence()
                scratch.append(contentsOf: UnsafeRawBufferPointer(start: base + s, count: pos - s))
            }
        }
        throw JSONParseError(kind: .unexpectedEnd, offset: pos)
    }

    /// Reads four hex digits at `i`, or nil.
    func hex4(at i: Int) -> UInt32? {
        guard i + 4 <= end else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = byte(i + k)
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// Decodes `\uXXXX` (or a surrogate pair `\uD8xx\uDCxx`) at `pos` into `scratch`.
    mutating func appendUnicodeEscape() throws(JSONParseError) {
        guard let unit = hex4(at: pos + 2) else { throw JSONParseError(kind: .invalidEscape, offset: pos) }
        var scalar = unit
        var length = 6
        if unit >= 0xD800 && unit <= 0xDBFF {
            guard pos + 7 < end, byte(pos + 6) == UInt8(ascii: "\\"), byte(pos + 7) == UInt8(ascii: "u"),
                let low = hex4(at: pos + 8), low >= 0xDC00 && low <= 0xDFFF
            else { throw JSONParseError(kind: .loneSurrogate, offset: pos) }
            scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            length = 12
        } else if unit >= 0xDC00 && unit <= 0xDFFF {
            throw JSONParseError(kind: .loneSurrogate, offset: pos)
        }
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
        pos += length
    }

    /// Checks one multi-byte UTF-8 sequence at `pos` (Unicode Table 3-7) and steps over it.
    @inline(__always) mutating func skipUTF8Sequence() throws(JSONParseError) {
        let lead = byte(pos)
        var continuation = 0
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: continuation = 1
        case 0xE0:
            continuation = 2
            low = 0xA0  // no overlong 3-byte forms
        case 0xE1...0xEC, 0xEE...0xEF: continuation = 2
        case 0xED:
            continuation = 2
            high = 0x9F  // no encoded surrogates
        case 0xF0:
            continuation = 3
            low = 0x90  // no overlong 4-byte forms
        case 0xF1...0xF3: continuation = 3
        case 0xF4:
            continuation = 3
            high = 0x8F  // nothing above U+10FFFF
        default: throw JSONParseError(kind: .invalidUTF8, offset: pos)  // 0x80–0xC1, 0xF5–0xFF
        }
        guard pos + continuation < end else { throw JSONParseError(kind: .invalidUTF8, offset: pos) }
        let second = byte(pos + 1)
        guard second >= low && second <= high else { throw JSONParseError(kind: .invalidUTF8, offset: pos) }
        if continuation >= 2 {
            guard byte(pos + 2) & 0xC0 == 0x80 else { throw JSONParseError(kind: .invalidUTF8, offset: pos) }
            if continuation == 3 {
                guard byte(pos + 3) & 0xC0 == 0x80 else { throw JSONParseError(kind: .invalidUTF8, offset: pos) }
            }
        }
        pos += continuation + 1
    }

    // MARK: Numbers

    @inline(__always) func isDigit(at i: Int) -> Bool { i < end && byte(i) &- UInt8(ascii: "0") < 10 }

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = pos
        if byte(pos) == UInt8(ascii: "-") { pos += 1 }
        let intStart = pos
        guard isDigit(at: pos) else { throw JSONParseError(kind: .invalidNumber, offset: start) }
        if byte(pos) == UInt8(ascii: "0") {
            pos += 1
        } else {
            while isDigit(at: pos) { pos += 1 }
        }
        let intDigits = pos - intStart
        var fractionStart = pos
        if pos < end, byte(pos) == UInt8(ascii: ".") {
            pos += 1
            fractionStart = pos
            guard isDigit(at: pos) else { throw JSONParseError(kind: .invalidNumber, offset: start) }
            while isDigit(at: pos) { pos += 1 }
        }
        let fractionDigits = pos - fractionStart
        var hasExponent = false
        if pos < end, byte(pos) | 0x20 == UInt8(ascii: "e") {
            hasExponent = true
            pos += 1
            if pos < end, byte(pos) == UInt8(ascii: "+") || byte(pos) == UInt8(ascii: "-") { pos += 1 }
            guard isDigit(at: pos) else { throw JSONParseError(kind: .invalidNumber, offset: start) }
            while isDigit(at: pos) { pos += 1 }
        }
        let raw = UnsafeRawBufferPointer(start: base + start, count: pos - start)
        let literal = String(decoding: raw, as: UTF8.self)
        if !hasExponent && intDigits <= 21
            && isOwnCanonical(
                intStart: intStart, fractionStart: fractionStart, fractionDigits: fractionDigits,
                negative: intStart > start)
        {
            return JSONNumber(literal: literal, canonical: literal)
        }
        guard let canonical = NumberCanonicalizer.canonical(raw, clampExponent: false) else {
            throw JSONParseError(kind: .numberOutOfRange, offset: start)
        }
        return JSONNumber(literal: literal, canonical: canonical)
    }

    /// Whether a literal without exponent is already canonical (see ``JSONNumber/canonical``):
    /// `42`, `12.5`, `0.05` are; `-0`, `1.50`, `0.0000001` are not.
    func isOwnCanonical(intStart: Int, fractionStart: Int, fractionDigits: Int, negative: Bool) -> Bool {
        let zero = UInt8(ascii: "0")
        let intIsZero = byte(intStart) == zero  // the grammar allows a leading 0 only alone
        if fractionDigits == 0 { return !(intIsZero && negative) }
        guard byte(fractionStart + fractionDigits - 1) != zero else { return false }
        guard intIsZero else { return true }
        // 0.000001 is canonical, 0.0000001 becomes 1e-7.
        var leadingZeros = 0
        while byte(fractionStart + leadingZeros) == zero { leadingZeros += 1 }
        return leadingZeros < 6
    }
}

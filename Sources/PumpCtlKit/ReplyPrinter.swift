#if canImport(Glibc)
    import Glibc
#endif
import PumpControlProtocol
import PumpTelemetry

/// The shape of a `cli.md` document, enough to print a reply's `result` for `--json` straight from
/// the reply's bytes, without decoding it into a document and encoding it again.
indirect enum DocumentShape: Sendable {
    /// A string.
    case string
    /// A string or `null` (a missing member is `null` too).
    case optionalString
    /// `true` or `false`.
    case bool
    /// Any JSON value (a stored message): objects with their keys sorted.
    case any
    /// An array of one shape.
    case array(DocumentShape)
    /// An object with these members, printed in this order.
    case object([DocumentMember])
}

/// One member of an object shape.
struct DocumentMember: Sendable {
    /// The key, as UTF-8.
    let key: [UInt8]
    /// The value's shape.
    let shape: DocumentShape

    init(_ key: String, _ shape: DocumentShape) {
        self.key = Array(key.utf8)
        self.shape = shape
    }
}

/// Prints the `result` of a reply line in the exact text that `OrderedJSONEncoder(prettyPrinted:
/// true)` gives for the decoded document, in one pass over the bytes.
///
/// It is a fast path, not a second decoder: whenever the reply is anything but a successful reply
/// whose result has the expected shape in plain terms (a missing required member, a duplicate key,
/// a non-ASCII key, an integral number written with a fraction or exponent, invalid UTF-8, a lone
/// surrogate...), it gives up and returns nil, and `pumpctl` decodes the reply as before, with the
/// same output or the same error message as always.
enum ReplyPrinter {
    /// The pretty-printed result with its trailing newline, or nil to take the decoding path.
    static func print(reply: [UInt8], shape: DocumentShape) -> [UInt8]? {
        reply.withUnsafeBufferPointer { input in
            var printer = Printer(input: input)
            return try? printer.reply(shape)
        }
    }
}

extension ReplyPrinter {
    /// The `events` reply's document, read in one pass with the same rules: nil whenever the reply
    /// is not plain, and `pumpctl` decodes it with `JSONDecoder` instead. Each value is the
    /// `JSONValue` that `JSONDecoder` would give (an integer within `Int64` as that integer, another
    /// number as its `Double`'s text).
    static func events(reply: [UInt8]) -> EventListDocument? {
        reply.withUnsafeBufferPointer { input in
            var printer = Printer(input: input)
            return try? printer.eventsReply()
        }
    }
}

/// Thrown to give up on the fast path.
struct GiveUp: Error {}

/// The one-pass reader and writer behind `ReplyPrinter`.
struct Printer {
    let input: UnsafeBufferPointer<UInt8>
    var pos = 0
    var out: [UInt8] = []
    var depth = 0

    init(input: UnsafeBufferPointer<UInt8>) {
        self.input = input
        out.reserveCapacity(input.count + input.count / 2)
    }

    // MARK: The reply envelope

    /// `{"ok":true,"result":…}` in any key order, nothing else: the result printed, plus `\n`.
    mutating func reply(_ shape: DocumentShape) throws(GiveUp) -> [UInt8] {
        // The daemon's own order: the result is printed as it is read.
        let prefix = #"{"ok":true,"result":"#.utf8
        if input.count > prefix.count, input.prefix(prefix.count).elementsEqual(prefix) {
            pos = prefix.count
            try value(shape, indent: 0)
            skipSpace()
            try expect(UInt8(ascii: "}"))
            skipSpace()
            guard pos == input.count else { throw GiveUp() }
            out.append(UInt8(ascii: "\n"))
            return out
        }
        // Any other order: the result is found first, then printed.
        skipSpace()
        try expect(UInt8(ascii: "{"))
        var ok = false
        var result: Int?
        skipSpace()
        if peek() != UInt8(ascii: "}") {
            while true {
                skipSpace()
                let key = try plainKey()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                if key.elementsEqual("ok".utf8) {
                    guard !ok, matches("true") else { throw GiveUp() }
                    ok = true
                    pos += 4
                } else if key.elementsEqual("result".utf8) {
                    guard result == nil else { throw GiveUp() }
                    result = pos
                    try skipValue()
                } else {
                    throw GiveUp()
                }
                skipSpace()
                guard let c = peek(), c == UInt8(ascii: ",") || c == UInt8(ascii: "}") else { throw GiveUp() }
                if c == UInt8(ascii: "}") { break }
                pos += 1
            }
        }
        try expect(UInt8(ascii: "}"))
        skipSpace()
        guard pos == input.count, ok, let result else { throw GiveUp() }
        pos = result
        try value(shape, indent: 0)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// `{"ok":true,"result":{"events":[…]}}` exactly, as the daemon writes it.
    mutating func eventsReply() throws(GiveUp) -> EventListDocument {
        let prefix = #"{"ok":true,"result":{"events":"#.utf8
        guard input.count > prefix.count, input.prefix(prefix.count).elementsEqual(prefix) else { throw GiveUp() }
        pos = prefix.count
        skipSpace()
        try expect(UInt8(ascii: "["))
        var events: [JSONValue] = []
        skipSpace()
        if peek() == UInt8(ascii: "]") {
            pos += 1
        } else {
            while true {
                events.append(try jsonValue())
                skipSpace()
                guard let c = peek() else { throw GiveUp() }
                pos += 1
                if c == UInt8(ascii: "]") { break }
                guard c == UInt8(ascii: ",") else { throw GiveUp() }
            }
        }
        for close in [UInt8(ascii: "}"), UInt8(ascii: "}")] {
            skipSpace()
            try expect(close)
        }
        skipSpace()
        guard pos == input.count else { throw GiveUp() }
        return EventListDocument(events: events)
    }

    /// One value as the `JSONValue` that `JSONDecoder` gives for it.
    mutating func jsonValue() throws(GiveUp) -> JSONValue {
        skipSpace()
        guard let c = peek() else { throw GiveUp() }
        switch c {
        case UInt8(ascii: "\""):
            return .string(try stringValue())
        case UInt8(ascii: "{"):
            pos += 1
            try enter()
            defer { depth -= 1 }
            var members: [String: JSONValue] = [:]
            skipSpace()
            if peek() == UInt8(ascii: "}") {
                pos += 1
                return .object(members)
            }
            while true {
                skipSpace()
                let key = try stringValue()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                let value = try jsonValue()
                guard members.updateValue(value, forKey: key) == nil else { throw GiveUp() }
                skipSpace()
                guard let d = peek() else { throw GiveUp() }
                pos += 1
                if d == UInt8(ascii: "}") { return .object(members) }
                guard d == UInt8(ascii: ",") else { throw GiveUp() }
            }
        case UInt8(ascii: "["):
            pos += 1
            try enter()
            defer { depth -= 1 }
            var items: [JSONValue] = []
            skipSpace()
            if peek() == UInt8(ascii: "]") {
                pos += 1
                return .array(items)
            }
            while true {
                items.append(try jsonValue())
                skipSpace()
                guard let d = peek() else { throw GiveUp() }
                pos += 1
                if d == UInt8(ascii: "]") { return .array(items) }
                guard d == UInt8(ascii: ",") else { throw GiveUp() }
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            if matches("true") {
                pos += 4
                return .bool(true)
            }
            if matches("false") {
                pos += 5
                return .bool(false)
            }
            if matches("null") {
                pos += 4
                return .null
            }
            throw GiveUp()
        default:
            let saved = out.count
            try number()
            let text = String(decoding: out[saved...], as: UTF8.self)
            out.removeSubrange(saved...)
            if let integer = Int64(text) { return .number(JSONNumber(integer)) }
            return .number(JSONNumber(literal: text))
        }
    }

    /// A string's text (the same checks as `string()`).
    mutating func stringValue() throws(GiveUp) -> String {
        let (start, end, escaped) = try scanString()
        let body = UnsafeBufferPointer(rebasing: input[(start + 1)..<(end - 1)])
        if !escaped { return String(decoding: body, as: UTF8.self) }
        return String(decoding: try unescape(body), as: UTF8.self)
    }

    // MARK: Shapes

    mutating func value(_ shape: DocumentShape, indent: Int) throws(GiveUp) {
        skipSpace()
        switch shape {
        case .string:
            try string()
        case .optionalString:
            if matches("null") {
                pos += 4
                emit("null")
            } else {
                try string()
            }
        case .bool:
            if matches("true") {
                pos += 4
                emit("true")
            } else if matches("false") {
                pos += 5
                emit("false")
            } else {
                throw GiveUp()
            }
        case .any:
            try anyValue(indent: indent)
        case .array(let item):
            try array(indent: indent) { (p: inout Printer, indent: Int) throws(GiveUp) in
                try p.value(item, indent: indent)
            }
        case .object(let members):
            try object(members, indent: indent)
        }
    }

    /// An array: `[]`, or one item per line.
    mutating func array(
        indent: Int, _ item: (inout Printer, Int) throws(GiveUp) -> Void
    ) throws(GiveUp) {
        try expect(UInt8(ascii: "["))
        try enter()
        defer { depth -= 1 }
        skipSpace()
        if peek() == UInt8(ascii: "]") {
            pos += 1
            emit("[]")
            return
        }
        out.append(UInt8(ascii: "["))
        var first = true
        while true {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            newline(indent + 1)
            try item(&self, indent + 1)
            skipSpace()
            guard let c = peek() else { throw GiveUp() }
            pos += 1
            if c == UInt8(ascii: "]") { break }
            guard c == UInt8(ascii: ",") else { throw GiveUp() }
        }
        newline(indent)
        out.append(UInt8(ascii: "]"))
    }

    /// An object of a known shape: members printed in the shape's order, whatever the input's.
    /// While the input follows that order (as the daemon writes it) each value is printed as it is
    /// read; from the first surprise on, values are located first and printed at the end.
    mutating func object(_ members: [DocumentMember], indent: Int) throws(GiveUp) {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        out.append(UInt8(ascii: "{"))
        var next = 0
        var found: [Int?] = []
        var inOrder = true
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            pos += 1
        } else {
            while true {
                skipSpace()
                let key = try plainKey()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                if inOrder, next < members.count, Printer.same(key, members[next].key) {
                    memberStart(members[next], first: next == 0, indent: indent)
                    try value(members[next].shape, indent: indent + 1)
                    next += 1
                } else {
                    if inOrder {
                        inOrder = false
                        found = Array(repeating: nil, count: members.count)
                    }
                    if let index = members.firstIndex(where: { Printer.same(key, $0.key) }) {
                        guard index >= next, found[index] == nil else { throw GiveUp() }
                        found[index] = pos
                    }
                    try skipValue()
                }
                skipSpace()
                guard let c = peek() else { throw GiveUp() }
                pos += 1
                if c == UInt8(ascii: "}") { break }
                guard c == UInt8(ascii: ",") else { throw GiveUp() }
            }
        }
        if next < members.count {
            let end = pos
            for index in next..<members.count {
                let member = members[index]
                memberStart(member, first: index == 0, indent: indent)
                if !inOrder, let start = found[index] {
                    pos = start
                    try value(member.shape, indent: indent + 1)
                } else if case .optionalString = member.shape {
                    emit("null")
                } else {
                    throw GiveUp()
                }
            }
            pos = end
        }
        newline(indent)
        out.append(UInt8(ascii: "}"))
    }

    mutating func memberStart(_ member: DocumentMember, first: Bool, indent: Int) {
        if !first { out.append(UInt8(ascii: ",")) }
        newline(indent + 1)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: member.key)
        emit("\": ")
    }

    mutating func newline(_ indent: Int) {
        let width = min(indent * 2, Printer.newlineAndSpaces.utf8CodeUnitCount - 1)
        Printer.newlineAndSpaces.withUTF8Buffer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[...width])) }
        for _ in stride(from: width, to: indent * 2, by: 1) { out.append(UInt8(ascii: " ")) }
    }

    /// A newline and enough spaces for the indents a document reaches.
    static let newlineAndSpaces: StaticString = "\n                                                                "

    /// Appends literal text.
    mutating func emit(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    mutating func enter() throws(GiveUp) {
        depth += 1
        guard depth <= 64 else { throw GiveUp() }
    }

    // MARK: Any value (a stored message)

    /// Any JSON value as `JSONValue` decodes and prints it: object keys sorted, integers in
    /// `Int64` as integers, other numbers as their `Double`'s shortest text.
    mutating func anyValue(indent: Int) throws(GiveUp) {
        skipSpace()
        guard let c = peek() else { throw GiveUp() }
        switch c {
        case UInt8(ascii: "\""):
            try string()
        case UInt8(ascii: "{"):
            try anyObject(indent: indent)
        case UInt8(ascii: "["):
            try array(indent: indent) { (p: inout Printer, indent: Int) throws(GiveUp) in
                try p.anyValue(indent: indent)
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for word: StaticString in ["true", "false", "null"] where matches(word) {
                pos += word.utf8CodeUnitCount
                emit(word)
                return
            }
            throw GiveUp()
        default:
            try number()
        }
    }

    mutating func anyObject(indent: Int) throws(GiveUp) {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        var members: [(key: [UInt8], start: Int)] = []
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            pos += 1
            emit("{}")
            return
        }
        while true {
            skipSpace()
            let key = Array(try plainKey())
            skipSpace()
            try expect(UInt8(ascii: ":"))
            skipSpace()
            members.append((key, pos))
            try skipValue()
            skipSpace()
            guard let c = peek() else { throw GiveUp() }
            pos += 1
            if c == UInt8(ascii: "}") { break }
            guard c == UInt8(ascii: ",") else { throw GiveUp() }
        }
        let end = pos
        members.sort { $0.key.lexicographicallyPrecedes($1.key) }
        out.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 {
                guard member.key != members[index - 1].key else { throw GiveUp() }
                out.append(UInt8(ascii: ","))
            }
            newline(indent + 1)
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: member.key)
            emit("\": ")
            pos = member.start
            try anyValue(indent: indent + 1)
        }
        pos = end
        newline(indent)
        out.append(UInt8(ascii: "}"))
    }

    /// A number: an integer literal within `Int64` as that integer (`-0` as `0`), a number whose
    /// `Double` is not integral as that `Double`'s text. Anything else (an integral value with a
    /// fraction or exponent, beyond `Int64`, infinite) is left to the decoding path.
    mutating func number() throws(GiveUp) {
        let start = pos
        var integer = true
        if peek() == UInt8(ascii: "-") { pos += 1 }
        guard let first = peek(), isDigit(first) else { throw GiveUp() }
        pos += 1
        if first == UInt8(ascii: "0"), let c = peek(), isDigit(c) { throw GiveUp() }
        while let c = peek(), isDigit(c) { pos += 1 }
        if peek() == UInt8(ascii: ".") {
            integer = false
            pos += 1
            guard let c = peek(), isDigit(c) else { throw GiveUp() }
            while let c = peek(), isDigit(c) { pos += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            integer = false
            pos += 1
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { pos += 1 }
            guard let c = peek(), isDigit(c) else { throw GiveUp() }
            while let c = peek(), isDigit(c) { pos += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<pos]), as: UTF8.self)
        if integer {
            guard let value = Int64(text) else { throw GiveUp() }
            out.append(contentsOf: String(value).utf8)
        } else {
            guard let value = Double(text), value.isFinite, value.rounded() != value else { throw GiveUp() }
            out.append(contentsOf: "\(value)".utf8)
        }
    }

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

    // MARK: Bytes

    func peek() -> UInt8? { pos < input.count ? input[pos] : nil }

    func matches(_ word: StaticString) -> Bool {
        word.withUTF8Buffer { w in
            guard pos + w.count <= input.count else { return false }
            for i in 0..<w.count where input[pos + i] != w[i] { return false }
            return true
        }
    }

    static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return b.withUnsafeBufferPointer { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
    }

    mutating func expect(_ byte: UInt8) throws(GiveUp) {
        guard peek() == byte else { throw GiveUp() }
        pos += 1
    }

    mutating func skipSpace() {
        while let c = peek(), c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 }
    }

    func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}

/// The shapes of the documents `--json` prints without decoding (those that can be long, and the
/// record); each mirrors its document's `encode(to:)`.
enum DocumentShapes {
    /// `EligibilityRecordDocument`.
    static let record = DocumentShape.object([
        .init("id", .string), .init("serial", .string), .init("type", .string), .init("trigger", .string),
        .init("request_reason", .optionalString), .init("determination", .string), .init("clause", .string),
        .init("replacement_criterion", .optionalString),
        .init("indication", .object([.init("status", .string), .init("clause", .optionalString)])),
        .init("missing", .array(.string)), .init("supplies_covered", .bool),
        .init(
            "evidence",
            .array(
                .object([
                    .init("message_id", .string), .init("kind", .string), .init("code", .optionalString),
                    .init("at", .string),
                ]))),
        .init("policy", .object([.init("id", .string), .init("effective", .string)])),
        .init("created_at", .string), .init("note", .optionalString),
    ])

    /// `RecordListDocument`.
    static let recordList = DocumentShape.object([.init("records", .array(record))])

    /// `DeviceListDocument`.
    static let deviceList = DocumentShape.object([
        .init(
            "devices",
            .array(
                .object([
                    .init("serial", .string), .init("model", .optionalString), .init("state", .string),
                    .init("battery", .optionalString), .init("last_seen", .optionalString),
                ])))
    ])

    /// `EventListDocument`.
    static let eventList = DocumentShape.object([.init("events", .array(.any))])

    /// `RejectedListDocument`.
    static let rejectedList = DocumentShape.object([
        .init(
            "rejected",
            .array(
                .object([
                    .init("received_at", .string), .init("reason", .string), .init("detail", .optionalString),
                    .init("raw", .string), .init("raw_base64", .string),
                ])))
    ])
}

#if canImport(Glibc)
    import Glibc
#endif
import PumpControlProtocol
import PumpJSON
import PumpTelemetry

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
            var members = JSONObject()
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
                guard members[key] == nil else { throw GiveUp() }
                members.append(key, value)
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

/// The delimiters a message declares in MSH-1 and MSH-2 (`|` and `^~\&` by default), as bytes: they
/// are ASCII (``HL7Message/parse(_:)`` refuses others), and values are cut on bytes.
package struct HL7Encoding: Sendable, Hashable {
    var fieldByte: UInt8 = 0x7C
    var componentByte: UInt8 = 0x5E
    var repetitionByte: UInt8 = 0x7E
    var escapeByte: UInt8 = 0x5C
    var subcomponentByte: UInt8 = 0x26

    package init() {}
}

/// Why bytes are not an HL7 v2 message in ER7 (the `|^~\&` text encoding).
package struct ER7ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Kind: Sendable, Hashable {
        /// The message does not start with an MSH segment.
        case missingMSH
        /// MSH-1 or MSH-2 is not five distinct delimiter characters.
        case invalidEncodingCharacters
        /// The bytes are not UTF-8.
        case notUTF8
        /// A segment name is not three upper-case letters or digits.
        case invalidSegmentName
    }

    package var kind: Kind
    /// The segment and field, `MSH-2`.
    package var location: HL7Location
    package var detail: String

    package var description: String { detail }
}

/// One segment: its name, its position, and where its fields are in its message (read them through
/// the message). Field 0 is the name; for MSH, field 1 is the field separator and field 2 the
/// encoding characters, as HL7 counts them. It holds no reference, so copying one costs nothing.
package struct HL7Segment: Sendable, Hashable {
    package var name: String
    /// The segment's position in the message, from 1.
    package var index: Int
    /// Its fields' place in the message's field table.
    fileprivate var firstField: Int
    fileprivate var fieldCount: Int
}

/// A parsed ER7 message: its delimiters and segments. Values are read through ``value(_:_:component:)``,
/// which cuts and unescapes. Parsing records where segments and fields are, on bytes (the
/// delimiters are ASCII), and copies nothing: a value is made into a `String` only when read.
package struct HL7Message: Sendable, Hashable {
    package var encoding: HL7Encoding
    package var segments: [HL7Segment]
    private let bytes: [UInt8]
    /// Every segment's fields' byte ranges in `bytes`, segment after segment.
    private let fields: [Range<Int>]

    /// Field `n` of `segment` as written (escapes in place), empty when absent.
    package func raw(_ segment: HL7Segment, _ n: Int) -> Substring {
        Substring(String(decoding: rawBytes(segment, n), as: UTF8.self))
    }

    private func rawBytes(_ segment: HL7Segment, _ n: Int) -> ArraySlice<UInt8> {
        n < segment.fieldCount ? bytes[fields[segment.firstField + n]] : []
    }

    /// The MSH segment (always the first).
    package var header: HL7Segment { segments[0] }

    /// Parses one message. Segments end with `\r` (HL7's separator); `\n` and `\r\n` are taken too,
    /// as files and some engines write them. Empty lines are skipped.
    package static func parse(_ bytes: [UInt8]) throws(ER7ParseError) -> HL7Message {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            let offset = firstInvalidUTF8(bytes)
            throw ER7ParseError(
                kind: .notUTF8, location: HL7Location(segment: "MSH", sequence: 1, field: 18),
                detail: "the message is not UTF-8 (byte \(offset + 1) is invalid); send it as UNICODE UTF-8 (MSH-18)")
        }
        var lines: [Range<Int>] = []
        var lineStart = 0
        for i in bytes.indices where bytes[i] == 0x0D || bytes[i] == 0x0A {
            if i > lineStart { lines.append(lineStart..<i) }
            lineStart = i + 1
        }
        if bytes.count > lineStart { lines.append(lineStart..<bytes.count) }
        let encoding: HL7Encoding
        if let first = lines.first, bytes[first].starts(with: Self.standardStart),
            first.count == 8 || bytes[first.lowerBound + 8] < 0x80
        {
            // `MSH|^~\&` (and no combining mark joining the `&`), nearly every message: no need to
            // look at characters.
            encoding = HL7Encoding()
        } else {
            encoding = try delimiters(of: lines.first.map { String(decoding: bytes[$0], as: UTF8.self) } ?? "")
        }
        var segments: [HL7Segment] = []
        segments.reserveCapacity(lines.count)
        var fields: [Range<Int>] = []
        fields.reserveCapacity(lines.count * 12)
        for (i, line) in lines.enumerated() {
            let firstField = fields.count
            var fieldStart = line.lowerBound
            for j in line where bytes[j] == encoding.fieldByte {
                fields.append(fieldStart..<j)
                fieldStart = j + 1
            }
            fields.append(fieldStart..<line.upperBound)
            let name = bytes[fields[firstField]]
            guard name.count == 3, name.allSatisfy({ ($0 &- 0x41 < 26) || ($0 &- 0x30 < 10) }) else {
                let text = String(decoding: name, as: UTF8.self)
                throw ER7ParseError(
                    kind: .invalidSegmentName,
                    location: HL7Location(segment: text.isEmpty ? "???" : String(text.prefix(3)), sequence: i + 1),
                    detail: "segment \(i + 1) has no valid name (three upper-case letters or digits)")
            }
            if i == 0 {
                // MSH-1 is the field separator itself (the byte after the name), MSH-2 the
                // encoding characters.
                fields.insert(line.lowerBound + 3..<line.lowerBound + 4, at: firstField + 1)
            }
            segments.append(
                HL7Segment(
                    name: String(decoding: name, as: UTF8.self), index: i + 1, firstField: firstField,
                    fieldCount: fields.count - firstField))
        }
        return HL7Message(encoding: encoding, segments: segments, bytes: bytes, fields: fields)
    }

    /// The first line of every message in the standard encoding.
    private static let standardStart = Array("MSH|^~\\&".utf8)

    /// The delimiters a first line declares (MSH-1, MSH-2), checked.
    private static func delimiters(of firstLine: String) throws(ER7ParseError) -> HL7Encoding {
        guard firstLine.hasPrefix("MSH"), firstLine.count >= 8 else {
            throw ER7ParseError(
                kind: .missingMSH, location: HL7Location(segment: "MSH", sequence: 1, field: nil),
                detail: "the message does not start with an MSH segment (MSH|^~\\&|…)")
        }
        // The delimiters as characters, for the check and its message (a non-ASCII one is refused).
        let chars = Array(firstLine.dropFirst(3).prefix(5))
        let delimiters = Set(chars)
        let bad = chars.contains { $0.isLetter || $0.isNumber || $0.isWhitespace || !$0.isASCII }
        guard delimiters.count == 5, !bad else {
            throw ER7ParseError(
                kind: .invalidEncodingCharacters, location: HL7Location(segment: "MSH", sequence: 1, field: 2),
                detail: "MSH-1 and MSH-2 must be five distinct delimiter characters (|^~\\&); they are "
                    + "\"\(String(chars))\"")
        }
        // Checked above: each is one ASCII character.
        let bytes = chars.map { $0.asciiValue ?? 0 }
        var encoding = HL7Encoding()
        encoding.fieldByte = bytes[0]
        encoding.componentByte = bytes[1]
        encoding.repetitionByte = bytes[2]
        encoding.escapeByte = bytes[3]
        encoding.subcomponentByte = bytes[4]
        return encoding
    }

    /// Component `component` (from 1) of the first repetition of `segment`'s field `field`,
    /// unescaped; subcomponents stay joined by the subcomponent character. Nil when empty.
    package func value(_ segment: HL7Segment, _ field: Int, component: Int = 1) -> String? {
        let raw = rawBytes(segment, field)
        if segment.name == "MSH" && field <= 2 { return raw.isEmpty ? nil : String(decoding: raw, as: UTF8.self) }
        let first = raw[..<(raw.firstIndex(of: encoding.repetitionByte) ?? raw.endIndex)]
        guard let text = Self.component(component, of: first, separator: encoding.componentByte) else { return nil }
        let value = unescape(text)
        return value.isEmpty ? nil : value
    }

    /// Component `n` (from 1) of `text`, cut at `separator` without splitting the rest.
    private static func component(_ n: Int, of text: ArraySlice<UInt8>, separator: UInt8) -> ArraySlice<UInt8>? {
        var start = text.startIndex
        for _ in 1..<max(n, 1) {
            guard let cut = text[start...].firstIndex(of: separator) else { return nil }
            start = cut + 1
        }
        return text[start..<(text[start...].firstIndex(of: separator) ?? text.endIndex)]
    }

    /// Every repetition's component `component` of `segment`'s field `field`, unescaped, empty ones left out.
    package func repetitions(_ segment: HL7Segment, _ field: Int, component: Int = 1) -> [String] {
        rawBytes(segment, field).split(separator: encoding.repetitionByte).compactMap { repetition in
            guard let text = Self.component(component, of: repetition, separator: encoding.componentByte) else {
                return nil
            }
            let value = unescape(text)
            return value.isEmpty ? nil : value
        }
    }

    /// The segments named `name`, in order.
    package func segments(named name: String) -> [HL7Segment] { segments.filter { $0.name == name } }

    /// Replaces HL7 escape sequences: `\F\` `\S\` `\T\` `\R\` `\E\` by the delimiters, `\Xhh…\` by
    /// the bytes it spells (invalid UTF-8 becomes U+FFFD), `\H\` and `\N\` (highlighting) by
    /// nothing. Any other sequence, or an escape character without its closing partner, is kept as
    /// written.
    package func unescape(_ text: ArraySlice<UInt8>) -> String {
        let escape = encoding.escapeByte
        guard text.contains(escape) else { return String(decoding: text, as: UTF8.self) }
        var out: [UInt8] = []
        var rest = text
        while let start = rest.firstIndex(of: escape) {
            out += rest[..<start]
            let body = rest[rest.index(after: start)...]
            guard let end = body.firstIndex(of: escape) else {
                out += rest[start...]
                return String(decoding: out, as: UTF8.self)
            }
            if let replacement = replacement(for: Substring(String(decoding: body[..<end], as: UTF8.self))) {
                out += replacement.utf8
            } else {
                out += rest[start...end]
            }
            rest = body[body.index(after: end)...]
        }
        out += rest
        return String(decoding: out, as: UTF8.self)
    }

    private func replacement(for sequence: Substring) -> String? {
        switch sequence {
        case "F": return String(UnicodeScalar(encoding.fieldByte))
        case "S": return String(UnicodeScalar(encoding.componentByte))
        case "T": return String(UnicodeScalar(encoding.subcomponentByte))
        case "R": return String(UnicodeScalar(encoding.repetitionByte))
        case "E": return String(UnicodeScalar(encoding.escapeByte))
        case "H", "N": return ""
        default:
            let hex = Array(sequence.utf8)
            guard hex.first == UInt8(ascii: "X"), hex.count > 1, (hex.count - 1) % 2 == 0 else { return nil }
            var bytes: [UInt8] = []
            for i in stride(from: 1, to: hex.count, by: 2) {
                guard let high = Self.hexValue(hex[i]), let low = Self.hexValue(hex[i + 1]) else { return nil }
                bytes.append(high << 4 | low)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// `text` with the delimiters escaped, for a value written into a message.
    package func escape(_ text: String) -> String { HL7Encoding.escape(text, with: encoding) }

    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var low = 0
        var high = bytes.count
        // The longest valid prefix, by bisection (a prefix can end inside a character, so check
        // the largest prefix that decodes).
        while low < high {
            let mid = (low + high + 1) / 2
            if String(validating: bytes[0..<mid], as: UTF8.self) != nil { low = mid } else { high = mid - 1 }
        }
        return low
    }
}

extension HL7Encoding {
    /// `text` with `encoding`'s delimiters (and segment separators) escaped.
    package static func escape(_ text: String, with encoding: HL7Encoding = HL7Encoding()) -> String {
        let e = encoding.escapeByte
        let special = [
            e, encoding.fieldByte, encoding.componentByte, encoding.subcomponentByte, encoding.repetitionByte,
        ]
        guard text.utf8.contains(where: { special.contains($0) || $0 == 0x0D || $0 == 0x0A }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            switch b {
            case e: out += [e, UInt8(ascii: "E"), e]
            case encoding.fieldByte: out += [e, UInt8(ascii: "F"), e]
            case encoding.componentByte: out += [e, UInt8(ascii: "S"), e]
            case encoding.subcomponentByte: out += [e, UInt8(ascii: "T"), e]
            case encoding.repetitionByte: out += [e, UInt8(ascii: "R"), e]
            case 0x0D: out += [e] + Array("X0D".utf8) + [e]
            case 0x0A: out += [e] + Array("X0A".utf8) + [e]
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

}

/// Where in a message a value sits (ERR-2, HL7 data type ERL): segment, its position, field,
/// component.
package struct HL7Location: Sendable, Hashable, CustomStringConvertible {
    package var segment: String
    package var sequence: Int
    package var field: Int?
    package var component: Int?

    package init(segment: String, sequence: Int, field: Int? = nil, component: Int? = nil) {
        self.segment = segment
        self.sequence = sequence
        self.field = field
        self.component = component
    }

    /// `OBX-18` or `OBX-18.1`, as an interface analyst names it.
    package var description: String {
        var s = segment
        if let field { s += "-\(field)" }
        if let component { s += ".\(component)" }
        return s
    }

    /// ERR-2 in ER7: `segment^sequence^field^repetition^component`.
    package var erl: String {
        var parts = [segment, String(sequence)]
        if let field { parts += [String(field), "1"] }
        if let component { parts.append(String(component)) }
        return parts.joined(separator: "^")
    }
}

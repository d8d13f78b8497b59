/// The delimiters a message declares in MSH-1 and MSH-2 (`|` and `^~\&` by default).
package struct HL7Encoding: Sendable, Hashable {
    package var field: Character = "|"
    package var component: Character = "^"
    package var repetition: Character = "~"
    package var escape: Character = "\\"
    package var subcomponent: Character = "&"

    package init() {}

    /// MSH-2 as written: component, repetition, escape, subcomponent.
    package var characters: String { String([component, repetition, escape, subcomponent]) }
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

/// One segment: its name and its fields as written (escapes still in place). Field 0 is the name;
/// for MSH, field 1 is the field separator and field 2 the encoding characters, as HL7 counts them.
package struct HL7Segment: Sendable, Hashable {
    package var name: String
    package var fields: [Substring]
    /// The segment's position in the message, from 1.
    package var index: Int

    /// Field `n` as written (escapes in place), empty when absent.
    package func raw(_ n: Int) -> Substring { n < fields.count ? fields[n] : "" }
}

/// A parsed ER7 message: its delimiters and segments. Values are read through ``value(_:_:component:)``,
/// which splits and unescapes.
package struct HL7Message: Sendable, Hashable {
    package var encoding: HL7Encoding
    package var segments: [HL7Segment]

    /// The MSH segment (always the first).
    package var header: HL7Segment { segments[0] }

    /// Parses one message. Segments end with `\r` (HL7's separator); `\n` and `\r\n` are taken too,
    /// as files and some engines write them. Empty lines are skipped.
    package static func parse(_ bytes: [UInt8]) throws(ER7ParseError) -> HL7Message {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8(bytes)
            throw ER7ParseError(
                kind: .notUTF8, location: HL7Location(segment: "MSH", sequence: 1, field: 18),
                detail: "the message is not UTF-8 (byte \(offset + 1) is invalid); send it as UNICODE UTF-8 (MSH-18)")
        }
        // Split on bytes (the delimiters are ASCII): a value starting with a combining mark must
        // not merge with the delimiter before it into one Character.
        let lines = text.utf8.split(omittingEmptySubsequences: true) { $0 == 0x0D || $0 == 0x0A }.map(Substring.init)
        guard let first = lines.first, first.hasPrefix("MSH"), first.count >= 8 else {
            throw ER7ParseError(
                kind: .missingMSH, location: HL7Location(segment: "MSH", sequence: 1, field: nil),
                detail: "the message does not start with an MSH segment (MSH|^~\\&|…)")
        }
        var encoding = HL7Encoding()
        let chars = Array(first.dropFirst(3).prefix(5))
        encoding.field = chars[0]
        encoding.component = chars[1]
        encoding.repetition = chars[2]
        encoding.escape = chars[3]
        encoding.subcomponent = chars[4]
        let delimiters = Set(chars)
        let bad = chars.contains { $0.isLetter || $0.isNumber || $0.isWhitespace || !$0.isASCII }
        guard delimiters.count == 5, !bad else {
            throw ER7ParseError(
                kind: .invalidEncodingCharacters, location: HL7Location(segment: "MSH", sequence: 1, field: 2),
                detail: "MSH-1 and MSH-2 must be five distinct delimiter characters (|^~\\&); they are "
                    + "\"\(String(chars))\"")
        }
        var segments: [HL7Segment] = []
        segments.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated() {
            let parts = line.utf8.split(separator: encoding.fieldByte, omittingEmptySubsequences: false).map(
                Substring.init)
            let name = String(parts[0])
            guard name.utf8.count == 3, name.utf8.allSatisfy({ ($0 &- 0x41 < 26) || ($0 &- 0x30 < 10) }) else {
                throw ER7ParseError(
                    kind: .invalidSegmentName,
                    location: HL7Location(segment: name.isEmpty ? "???" : String(name.prefix(3)), sequence: i + 1),
                    detail: "segment \(i + 1) has no valid name (three upper-case letters or digits)")
            }
            var fields: [Substring]
            if i == 0 {
                // MSH-1 is the field separator itself, MSH-2 the encoding characters.
                fields = [parts[0], Substring(String(encoding.field))] + parts.dropFirst()
            } else {
                fields = parts
            }
            segments.append(HL7Segment(name: name, fields: fields, index: i + 1))
        }
        return HL7Message(encoding: encoding, segments: segments)
    }

    /// Component `component` (from 1) of the first repetition of `segment`'s field `field`,
    /// unescaped; subcomponents stay joined by the subcomponent character. Nil when empty.
    package func value(_ segment: HL7Segment, _ field: Int, component: Int = 1) -> String? {
        let raw = segment.raw(field)
        if segment.name == "MSH" && field <= 2 { return raw.isEmpty ? nil : String(raw) }
        let repetition = raw.utf8.split(
            separator: encoding.repetitionByte, maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = repetition.first else { return nil }
        let components = first.split(separator: encoding.componentByte, omittingEmptySubsequences: false)
        guard component - 1 < components.count else { return nil }
        let text = unescape(Substring(components[component - 1]))
        return text.isEmpty ? nil : text
    }

    /// Every repetition's component `component` of `segment`'s field `field`, unescaped, empty ones left out.
    package func repetitions(_ segment: HL7Segment, _ field: Int, component: Int = 1) -> [String] {
        segment.raw(field).utf8.split(separator: encoding.repetitionByte).compactMap { repetition in
            let components = repetition.split(separator: encoding.componentByte, omittingEmptySubsequences: false)
            guard component - 1 < components.count else { return nil }
            let text = unescape(Substring(components[component - 1]))
            return text.isEmpty ? nil : text
        }
    }

    /// The segments named `name`, in order.
    package func segments(named name: String) -> [HL7Segment] { segments.filter { $0.name == name } }

    /// Replaces HL7 escape sequences: `\F\` `\S\` `\T\` `\R\` `\E\` by the delimiters, `\Xhh…\` by
    /// the bytes it spells (invalid UTF-8 becomes U+FFFD), `\H\` and `\N\` (highlighting) by
    /// nothing. Any other sequence, or an escape character without its closing partner, is kept as
    /// written.
    package func unescape(_ text: Substring) -> String {
        let escape = encoding.escapeByte
        guard text.utf8.contains(escape) else { return String(text) }
        var out: [UInt8] = []
        var rest = text.utf8[...]
        while let start = rest.firstIndex(of: escape) {
            out += rest[..<start]
            let body = rest[rest.index(after: start)...]
            guard let end = body.firstIndex(of: escape) else {
                out += rest[start...]
                return String(decoding: out, as: UTF8.self)
            }
            if let replacement = replacement(for: Substring(body[..<end])) {
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
        case "F": return String(encoding.field)
        case "S": return String(encoding.component)
        case "T": return String(encoding.subcomponent)
        case "R": return String(encoding.repetition)
        case "E": return String(encoding.escape)
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

    /// The delimiters' bytes (they are ASCII: ``HL7Message/parse(_:)`` refuses others).
    var fieldByte: UInt8 { field.asciiValue ?? 0x7C }
    var componentByte: UInt8 { component.asciiValue ?? 0x5E }
    var repetitionByte: UInt8 { repetition.asciiValue ?? 0x7E }
    var escapeByte: UInt8 { escape.asciiValue ?? 0x5C }
    var subcomponentByte: UInt8 { subcomponent.asciiValue ?? 0x26 }
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

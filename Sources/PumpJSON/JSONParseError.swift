/// Why a byte sequence is not one strict RFC 8259 JSON text, and where.
package struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of fault the parser reports (``description`` says each in words).
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        case empty
        case byteOrderMark
        case invalidUTF8
        case nulByte
        case unexpectedByte
        case unexpectedEnd
        case controlCharacterInString
        case invalidEscape
        case loneSurrogate
        case invalidNumber
        case numberOutOfRange
        case duplicateKey
        case tooDeep
        case trailingContent
    }

    /// What is wrong.
    package var kind: Kind
    /// The byte offset (from 0) where the fault was found.
    package var offset: Int
    /// Extra context: the offending byte, the duplicated key, the depth limit.
    package var context: String?

    package init(kind: Kind, offset: Int, context: String? = nil) {
        self.kind = kind
        self.offset = offset
        self.context = context
    }

    /// A sentence an operator can act on, e.g. `duplicate object key "id" at byte 57`.
    package var description: String {
        let what: String
        switch kind {
        case .empty: what = "empty line: no JSON value"
        case .byteOrderMark: what = "the line starts with a UTF-8 byte order mark, which JSON forbids"
        case .invalidUTF8: what = "invalid UTF-8 (overlong, surrogate, truncated or out-of-range sequence)"
        case .nulByte: what = "NUL byte"
        case .unexpectedByte: what = "unexpected \(context ?? "byte")"
        case .unexpectedEnd: what = "the line ends in the middle of a value"
        case .controlCharacterInString: what = "unescaped control character \(context ?? "") in a string"
        case .invalidEscape: what = "invalid escape sequence in a string"
        case .loneSurrogate: what = "\\u escape of an unpaired UTF-16 surrogate"
        case .invalidNumber: what = "malformed number"
        case .numberOutOfRange: what = "number exponent has more than 18 digits"
        case .duplicateKey: what = "duplicate object key \(context ?? "")"
        case .tooDeep: what = "arrays and objects nested deeper than \(context ?? "the limit")"
        case .trailingContent: what = "unexpected \(context ?? "bytes") after the JSON value"
        }
        return kind == .empty ? what : "\(what) at byte \(offset)"
    }

    /// Names a byte for messages: `'x'`, or `byte 0xC3` when not printable ASCII.
    static func describe(byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
}

/// HL7 DTM (`YYYYMMDDHHMM[SS[.S…]]±ZZZZ`) to RFC 3339.
package enum HL7Time {
    /// The RFC 3339 text of a DTM given to the minute or finer with its UTC offset; nil for anything
    /// else (a DTM without an offset is local time of an unknown zone). Ranges (month 13, minute
    /// 61) are left to the protocol's validator, which rejects them as `invalid_field`.
    package static func rfc3339(fromDTM text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let sign = bytes.lastIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }),
            bytes.count - sign == 5
        else { return nil }
        let offset = bytes[(sign + 1)...]
        let time = bytes[..<sign]
        guard offset.allSatisfy(isDigit) else { return nil }
        var whole = time[...]
        var fraction: ArraySlice<UInt8> = []
        if let dot = time.firstIndex(of: UInt8(ascii: ".")) {
            whole = time[..<dot]
            fraction = time[(dot + 1)...]
            guard (1...4).contains(fraction.count), fraction.allSatisfy(isDigit), whole.count == 14 else { return nil }
        }
        guard whole.count == 12 || whole.count == 14, whole.allSatisfy(isDigit) else { return nil }
        let digits = String(decoding: whole, as: UTF8.self)
        func part(_ from: Int, _ length: Int) -> Substring {
            let start = digits.index(digits.startIndex, offsetBy: from)
            return digits[start..<digits.index(start, offsetBy: length)]
        }
        let seconds = whole.count == 14 ? part(12, 2) : "00"
        var out = "\(part(0, 4))-\(part(4, 2))-\(part(6, 2))T\(part(8, 2)):\(part(10, 2)):\(seconds)"
        if !fraction.isEmpty { out += "." + String(decoding: fraction, as: UTF8.self) }
        let zone = String(decoding: offset, as: UTF8.self)
        out += String(UnicodeScalar(bytes[sign])) + zone.prefix(2) + ":" + zone.suffix(2)
        return out
    }

    /// `micros` since the Unix epoch as a DTM in UTC, `YYYYMMDDHHMMSS+0000` (MSH-7 of an ACK).
    package static func dtm(micros: Int64) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)\(two(month))\(two(day))\(two(secondOfDay / 3600))\(two(secondOfDay % 3600 / 60))"
            + "\(two(secondOfDay % 60))+0000"
    }

    private static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
}

/// HL7 NM (`[+|-]digits[.digits]`) to a JSON number literal.
package enum HL7Number {
    /// The JSON spelling of an NM value (`+5` → `5`, `.5` → `0.5`, `007` → `7`, `3.` → `3`), or nil
    /// when the text is not an NM.
    package static func jsonLiteral(_ text: String) -> String? {
        var s = Substring(text)
        var negative = false
        if s.first == "+" || s.first == "-" {
            negative = s.first == "-"
            s = s.dropFirst()
        }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !(integer.isEmpty && fraction.isEmpty), (integer + fraction).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        var whole = String(integer.drop { $0 == "0" })
        if whole.isEmpty { whole = "0" }
        var literal = (negative ? "-" : "") + whole
        if !fraction.isEmpty { literal += "." + fraction }
        return literal
    }
}

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
        guard offset.allSatisfy(isASCIIDigit) else { return nil }
        var whole = time[...]
        var fraction: ArraySlice<UInt8> = []
        if let dot = time.firstIndex(of: UInt8(ascii: ".")) {
            whole = time[..<dot]
            fraction = time[(dot + 1)...]
            guard (1...4).contains(fraction.count), fraction.allSatisfy(isASCIIDigit), whole.count == 14 else {
                return nil
            }
        }
        guard whole.count == 12 || whole.count == 14, whole.allSatisfy(isASCIIDigit) else { return nil }
        let w = whole.startIndex
        var out: [UInt8] = []
        out.reserveCapacity(32)
        out += whole[w..<w + 4]
        out.append(UInt8(ascii: "-"))
        out += whole[w + 4..<w + 6]
        out.append(UInt8(ascii: "-"))
        out += whole[w + 6..<w + 8]
        out.append(UInt8(ascii: "T"))
        out += whole[w + 8..<w + 10]
        out.append(UInt8(ascii: ":"))
        out += whole[w + 10..<w + 12]
        out.append(UInt8(ascii: ":"))
        out += whole.count == 14 ? Array(whole[w + 12..<w + 14]) : Array("00".utf8)
        if !fraction.isEmpty {
            out.append(UInt8(ascii: "."))
            out += fraction
        }
        let o = offset.startIndex
        out.append(bytes[sign])
        out += offset[o..<o + 2]
        out.append(UInt8(ascii: ":"))
        out += offset[o + 2..<o + 4]
        return String(decoding: out, as: UTF8.self)
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

}

/// HL7 NM (`[+|-]digits[.digits]`) to a JSON number literal.
package enum HL7Number {
    /// The JSON spelling of an NM value (`+5` → `5`, `.5` → `0.5`, `007` → `7`, `3.` → `3`), or nil
    /// when the text is not an NM.
    package static func jsonLiteral(_ text: String) -> String? {
        var b = ArraySlice(text.utf8)
        var negative = false
        if let sign = b.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            b = b.dropFirst()
        }
        let dot = b.firstIndex(of: UInt8(ascii: "."))
        let integer = dot.map { b[..<$0] } ?? b
        let fraction = dot.map { b[($0 + 1)...] } ?? []
        guard !(integer.isEmpty && fraction.isEmpty), integer.allSatisfy(isASCIIDigit),
            fraction.allSatisfy(isASCIIDigit)
        else { return nil }
        var literal: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        let whole = integer.drop { $0 == UInt8(ascii: "0") }
        literal += whole.isEmpty ? [UInt8(ascii: "0")] : Array(whole)
        if !fraction.isEmpty {
            literal.append(UInt8(ascii: "."))
            literal += fraction
        }
        return String(decoding: literal, as: UTF8.self)
    }

}

private func isASCIIDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

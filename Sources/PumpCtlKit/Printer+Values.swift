#if canImport(Glibc)
    import Glibc
#endif
import PumpControlProtocol
import PumpJSON
import PumpTelemetry

extension Printer {
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

}

/// The protocol's value words (`status`, `ok`, `MOS`, `MOTOR_STALL`, ...), kept as string
/// literals: a parsed string that spells one of them reuses the literal instead of building (and
/// allocating) a new string. Hot-path economy only; the strings are equal either way.
enum InternedWords {
    /// The literal spelled by `count` bytes at `utf8`, or nil.
    static func lookup(_ utf8: UnsafeRawPointer, count: Int) -> String? {
        guard count >= 2 && count <= 21 else { return nil }
        let first = utf8.load(as: UInt8.self)
        let word: (StaticString, String)
        switch (count, first) {
        case (2, UInt8(ascii: "o")): word = ("ok", "ok")
        case (3, UInt8(ascii: "B")): word = ("BOS", "BOS")
        case (3, UInt8(ascii: "M")): word = ("MOS", "MOS")
        case (3, UInt8(ascii: "E")):
            word = utf8.load(fromByteOffset: 1, as: UInt8.self) == UInt8(ascii: "R") ? ("ERI", "ERI") : ("EOS", "EOS")
        case (4, UInt8(ascii: "n")): word = ("none", "none")
        case (4, UInt8(ascii: "i")): word = ("info", "info")
        case (5, UInt8(ascii: "a")): word = ("alert", "alert")
        case (6, UInt8(ascii: "s")): word = ("status", "status")
        case (6, UInt8(ascii: "r")): word = ("raised", "raised")
        case (7, UInt8(ascii: "s")): word = ("stalled", "stalled")
        case (7, UInt8(ascii: "w")): word = ("warning", "warning")
        case (7, UInt8(ascii: "c")): word = ("cleared", "cleared")
        case (8, UInt8(ascii: "c")): word = ("critical", "critical")
        case (10, UInt8(ascii: "P")): word = ("PUMP_RESET", "PUMP_RESET")
        case (11, UInt8(ascii: "M")): word = ("MOTOR_STALL", "MOTOR_STALL")
        case (11, UInt8(ascii: "B")):
            word = utf8.load(fromByteOffset: 9, as: UInt8.self) == UInt8(ascii: "R")
                ? ("BATTERY_ERI", "BATTERY_ERI") : ("BATTERY_EOS", "BATTERY_EOS")
        case (12, UInt8(ascii: "M")): word = ("MRI_EXPOSURE", "MRI_EXPOSURE")
        case (13, UInt8(ascii: "L")): word = ("LOW_RESERVOIR", "LOW_RESERVOIR")
        case (14, UInt8(ascii: "C")): word = ("CRITICAL_ERROR", "CRITICAL_ERROR")
        case (15, UInt8(ascii: "E")): word = ("EMPTY_RESERVOIR", "EMPTY_RESERVOIR")
        case (17, UInt8(ascii: "L")): word = ("LOW_BATTERY_RESET", "LOW_BATTERY_RESET")
        case (17, UInt8(ascii: "I")): word = ("IMPENDING_FAILURE", "IMPENDING_FAILURE")
        case (21, UInt8(ascii: "M")): word = ("MOTOR_STALL_RECOVERED", "MOTOR_STALL_RECOVERED")
        default: return nil
        }
        let expected = word.0.utf8Start
        for i in 1..<count where utf8.load(fromByteOffset: i, as: UInt8.self) != expected[i] { return nil }
        return word.1
    }
}

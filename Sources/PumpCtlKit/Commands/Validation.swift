import Foundation
import PumpPolicy

/// Checks of command-line values made before any connection, each failing with exit code 65.
package enum Validation {
    /// Whether `serial` matches `^[A-Za-z0-9][A-Za-z0-9-]{2,31}$` (telemetry protocol).
    package static func isValidSerial(_ serial: String) -> Bool {
        let bytes = Array(serial.utf8)
        guard (3...32).contains(bytes.count) else { return false }
        func alphanumeric(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
        }
        guard let first = bytes.first, alphanumeric(first) else { return false }
        return bytes.dropFirst().allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// The serial, or 65 naming the rule.
    package static func serial(_ serial: String, flag: String = "SERIAL") throws(PumpCtlError) -> String {
        guard isValidSerial(serial) else {
            throw .badData(
                "\(flag): '\(printable(serial))' is not a pump serial: 3 to 32 letters, digits or '-', "
                    + "starting with a letter or digit (e.g. SM2-004211)")
        }
        return serial
    }

    /// A vocabulary word, or 65 listing the accepted words.
    package static func word<V: PolicyVocabulary>(_ word: String, as type: V.Type, flag: String) throws(PumpCtlError)
        -> V
    {
        do {
            return try V(word: word)
        } catch {
            throw .badWord(
                VocabularyError(vocabulary: error.vocabulary, word: printable(word), accepted: error.accepted),
                flag: flag)
        }
    }

    /// `true` or `false` exactly, or 65.
    package static func bool(_ text: String, flag: String) throws(PumpCtlError) -> Bool {
        switch text {
        case "true": return true
        case "false": return false
        default:
            throw .badData("\(flag): '\(printable(text))' is not a BOOL: write true or false (absent means unknown)")
        }
    }

    /// A percentage from 0 to 100, or 65.
    package static func percent(_ text: String, flag: String) throws(PumpCtlError) -> Double {
        guard let value = Double(text), value.isFinite, (0...100).contains(value) else {
            throw .badData("\(flag): '\(printable(text))' is not a percentage from 0 to 100")
        }
        return value
    }

    /// Non-empty text without control characters (patient reference), or 65.
    package static func reference(_ text: String, flag: String) throws(PumpCtlError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw .badData("\(flag): give a non-empty reference on one line, e.g. the patient's record number")
        }
        return trimmed
    }

    /// The text with control characters made visible, for echoing user input in a message.
    static func printable(_ text: String) -> String {
        TextSanitizer.visible(text)
    }
}

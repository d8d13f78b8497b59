import Foundation
import PumpJSON
import Testing

/// The canonical text is what stores hash and compare for "the same content", and the sorted
/// compact text is what replies show a stored message as: both must stay the bytes that the
/// implementation before PumpJSON wrote (`JSONValue.canonicalBytes()` and `DocumentWriter.value`
/// at commit 60742b1), which recorded them in `Canonical/` for 613 varied JSON texts (seeded
/// random values: escapes, surrogates, raw non-ASCII, control characters, number spellings,
/// nesting, telemetry messages). One text per line; a line `ERROR` is a number JSON readers
/// cannot hold (`1e400`), which the reply writer refused.
///
/// One deliberate difference: the reply writer sorted keys with Swift's `String` order, which is
/// not a total order for keys outside Unicode NFC (decomposed `é`), so such objects came out in
/// an order that depended on dictionary hashing, varying from run to run. Keys are now sorted by
/// their UTF-8 bytes, the same order for every NFC key and a fixed one otherwise.
@Suite("Output recorded before the JSON module")
struct RecordedOutputTests {
    static func lines(_ name: String) -> [[UInt8]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Canonical/\(name)")
        let data = (try? Data(contentsOf: url)) ?? Data()
        return Array(data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(
            Array.init)
    }

    @Test("the canonical text of every recorded input is the recorded bytes")
    func canonicalBytesUnchanged() throws {
        let inputs = Self.lines("inputs.txt")
        let expected = Self.lines("canonical.txt")
        #expect(inputs.count == 613)
        try #require(inputs.count == expected.count)
        for (input, recorded) in zip(inputs, expected) {
            let value = try JSONParser.parse(input)
            #expect(JSONWriter.canonical(value) == recorded, "\(String(decoding: input, as: UTF8.self))")
        }
    }

    @Test("the sorted compact text of every recorded input is the recorded reply bytes")
    func sortedCompactBytesUnchanged() throws {
        let inputs = Self.lines("inputs.txt")
        let expected = Self.lines("compact-sorted.txt")
        try #require(inputs.count == expected.count)
        var refused = 0
        var differing = 0
        for (input, recorded) in zip(inputs, expected) {
            let value = try JSONParser.parse(input)
            do throws(JSONWriteError) {
                let written = try JSONWriter.bytes(value, sortedKeys: true)
                if written != recorded {
                    // Only the order of members with a non-NFC key may differ; the content may not.
                    #expect(Self.hasNonNFCKey(value), "\(String(decoding: input, as: UTF8.self))")
                    #expect((try? JSONParser.parse(recorded)) == (try? JSONParser.parse(written)))
                    differing += 1
                }
            } catch {
                refused += 1
                #expect(recorded == Array("ERROR".utf8), "\(String(decoding: input, as: UTF8.self))")
            }
        }
        #expect(refused == expected.filter { $0 == Array("ERROR".utf8) }.count)
        #expect(differing < 15)
    }

    static func hasNonNFCKey(_ value: JSONValue) -> Bool {
        switch value {
        case .array(let elements): return elements.contains(where: hasNonNFCKey)
        case .object(let members):
            return members.contains {
                $0.key.precomposedStringWithCanonicalMapping.utf8.elementsEqual($0.key.utf8) == false
                    || hasNonNFCKey($0.value)
            }
        default: return false
        }
    }
}

import Foundation
import PumpJSON
import Testing

/// One file of the conformance corpus (JSONTestSuite's naming): `y_` must parse, `n_` must be
/// rejected, `i_` is ours to decide and each decision is asserted in ``CorpusTests/decisions``.
struct CorpusFile: CustomTestStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]
    var testDescription: String { name }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func all(_ prefix: String) -> [CorpusFile] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted().map { name in
            CorpusFile(name: name, bytes: readBytes(folder.appendingPathComponent(name).path))
        }
    }

    /// The file's bytes, read with POSIX calls: under LeakSanitizer, Foundation's
    /// `Data(contentsOf:)` was reported leaking its 4 KiB read buffer for three corpus files.
    static func readBytes(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return bytes }
            bytes += chunk[0..<n]
        }
    }
}

@Suite("Conformance corpus")
struct CorpusTests {
    func parse(_ file: CorpusFile) -> Result<JSONValue, JSONParseError> {
        Result { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(file.bytes) }
    }

    @Test("the corpus is there and covers the cases", arguments: ["y_", "n_", "i_"])
    func corpusPresent(prefix: String) {
        #expect(CorpusFile.all(prefix).count >= 5)
    }

    @Test("y_ files parse, and their canonical text parses back to an equal value", arguments: CorpusFile.all("y_"))
    func accepts(file: CorpusFile) throws {
        let value = try parse(file).get()
        let again = try JSONParser.parse(JSONWriter.canonical(value))
        #expect(again == value)
        #expect(JSONWriter.canonical(again) == JSONWriter.canonical(value))
    }

    @Test("n_ files are rejected", arguments: CorpusFile.all("n_"))
    func rejects(file: CorpusFile) {
        guard case .failure = parse(file) else {
            Issue.record("\(file.name) parsed")
            return
        }
    }

    /// Our answer for each `i_` file: nil when it parses, else the error kind.
    static let decisions: [String: JSONParseError.Kind?] = [
        // A key may appear once, whatever its values; equal values spelled differently are no excuse.
        "i_duplicate_key_number_spellings_differ.json": .duplicateKey,
        // The 18-digit exponent limit counts significant digits: leading zeros are free.
        "i_number_exponent_19_digits_zero_padded.json": nil,
        "i_huge_exponent_negative.json": nil,
        // Noncharacters and U+FEFF inside a string are valid scalars, kept as they are.
        "i_string_noncharacter.json": nil,
        "i_bom_inside_string.json": nil,
        "i_object_key_nfc_nfd_distinct_values.json": nil,
    ]

    @Test("i_ files get the decided answer", arguments: CorpusFile.all("i_"))
    func decides(file: CorpusFile) throws {
        let decision = try #require(Self.decisions[file.name], "no decision recorded for \(file.name)")
        switch parse(file) {
        case .success: #expect(decision == nil)
        case .failure(let error): #expect(decision == error.kind)
        }
    }

    @Test("n_ files fail for the reason their name gives")
    func rejectionKinds() throws {
        let expected: [String: JSONParseError.Kind] = [
            "n_bom.json": .byteOrderMark, "n_duplicate_key_canonically_equivalent.json": .duplicateKey,
            "n_duplicate_key_after_many_members.json": .duplicateKey, "n_depth_65.json": .tooDeep,
            "n_utf8_encoded_surrogate.json": .invalidUTF8, "n_string_lone_low_surrogate.json": .loneSurrogate,
            "n_number_exponent_19_digits.json": .numberOutOfRange, "n_trailing_garbage.json": .trailingContent,
            "n_empty.json": .empty, "n_string_raw_nul.json": .controlCharacterInString,
        ]
        let files = Dictionary(uniqueKeysWithValues: CorpusFile.all("n_").map { ($0.name, $0) })
        for (name, kind) in expected {
            let file = try #require(files[name])
            guard case .failure(let error) = parse(file) else {
                Issue.record("\(name) parsed")
                continue
            }
            #expect(error.kind == kind, "\(name)")
        }
    }
}

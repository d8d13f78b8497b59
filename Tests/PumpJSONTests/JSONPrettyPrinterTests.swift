import PumpJSON
import Testing

@Suite("Pretty printer")
struct JSONPrettyPrinterTests {
    /// The printer's output for `compact` fed in pieces of `size` bytes, and whether it was complete.
    static func printed(_ compact: String, pieces size: Int) -> (text: String, complete: Bool) {
        let bytes = Array(compact.utf8)
        var printer = JSONPrettyPrinter()
        var output: [UInt8] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + size, bytes.count)
            bytes[start..<end].withUnsafeBufferPointer { printer.print($0, into: &output) }
            start = end
        }
        return (String(decoding: output, as: UTF8.self), printer.isComplete)
    }

    static let cases: [(compact: String, pretty: String)] = [
        ("{}", "{}"),
        ("[]", "[]"),
        (#"{"a":[],"b":{},"c":[{}]}"#, "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    {}\n  ]\n}"),
        (
            #"{"records":[{"id":"R-1","missing":["trial_route"],"note":null,"ok":true,"n":-1.5e-3}]}"#,
            """
            {
              "records": [
                {
                  "id": "R-1",
                  "missing": [
                    "trial_route"
                  ],
                  "note": null,
                  "ok": true,
                  "n": -1.5e-3
                }
              ]
            }
            """
        ),
        // Strings are copied byte for byte: brackets, commas, colons, escaped quotes and backslashes
        // inside them are text; escapes and non-ASCII are not decoded, numbers not re-spelled.
        (
            #"{"raw":"{\"v\":1,\"k\":[\"a\\\"]}","u":"\u001b[31m\/é😀","x\\":"\\","big":12345678901234567890.000}"#,
            #"""
            {
              "raw": "{\"v\":1,\"k\":[\"a\\\"]}",
              "u": "\u001b[31m\/é😀",
              "x\\": "\\",
              "big": 12345678901234567890.000
            }
            """#
        ),
        ("[[[1,[2]],[]],3]", "[\n  [\n    [\n      1,\n      [\n        2\n      ]\n    ],\n    []\n  ],\n  3\n]"),
        // Whitespace between tokens is dropped, not inside strings.
        (" { \"a b\" : [ 1 , 2 ] }\n", "{\n  \"a b\": [\n    1,\n    2\n  ]\n}"),
        ("\"just a string\"", "\"just a string\""),
        ("42", "42"),
    ]

    @Test(arguments: 0..<cases.count)
    func printsTheSameTextWhateverThePieces(_ index: Int) {
        let (compact, pretty) = Self.cases[index]
        for size in 1...(compact.utf8.count + 1) {
            let result = Self.printed(compact, pieces: size)
            #expect(result.text == pretty, "pieces of \(size) bytes")
            #expect(result.complete, "pieces of \(size) bytes")
        }
    }

    @Test(arguments: [#"{"a":[1,2]"#, #"{"a":"unterminated}"#, "[]]", "}", "", "  ", #"{"a":"\"}"#])
    func incompleteOrUnbalancedTextIsNotComplete(_ compact: String) {
        for size in 1...max(compact.utf8.count, 1) {
            #expect(!Self.printed(compact, pieces: size).complete, "pieces of \(size) bytes")
        }
    }

    @Test func aLongDocumentPrintsInPiecesWithoutChangingAByteOfItsStrings() {
        let item = #"{"s":"a\\\"b,c:[d]{e}","n":0.1}"#
        let compact = "[" + Array(repeating: item, count: 2_000).joined(separator: ",") + "]"
        let whole = Self.printed(compact, pieces: compact.utf8.count).text
        for size in [7, 4_096, 65_537] {
            #expect(Self.printed(compact, pieces: size).text == whole)
        }
        #expect(whole.ranges(of: #""s": "a\\\"b,c:[d]{e}","#).count == 2_000)
    }
}

import PumpJSON
import Testing

@testable import PumpCtlKit

/// `ListElementReply` splits a list reply into its elements whatever the pieces it arrives in:
/// fed one byte at a time and whole, it gives the same elements, strings holding `,` `]` `}` `"`
/// included, and a failure reply still gives the daemon's failure.
@Suite struct ListElementReplyTests {
    static let reply =
        #"{"ok":true,"result":{"events":[{"id":"a,]}","n":[1,{"x":"\"}"}]},"plain",12.50,{"id":"b\\"}]}}"#

    func elements(of text: String, pieceSize: Int) throws -> [JSONValue] {
        var reply = ListElementReply(socket: "test.sock", listName: "events")
        var elements: [JSONValue] = []
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: pieceSize) {
            try bytes[start..<min(start + pieceSize, bytes.count)].withUnsafeBufferPointer { piece in
                try reply.receive(piece, as: JSONValue.self) { (element) throws(PumpCtlError) in
                    elements.append(element)
                }
            }
        }
        try reply.finish()
        return elements
    }

    @Test(arguments: [1, 2, 7, 1 << 20])
    func elementsAreTheSameWhateverThePieces(pieceSize: Int) throws {
        let elements = try elements(of: Self.reply, pieceSize: pieceSize)
        #expect(elements.count == 4)
        #expect(elements.first?["id"]?.stringValue == "a,]}")
        #expect(elements[1].stringValue == "plain")
        #expect(elements.last?["id"]?.stringValue == #"b\"#)
    }

    @Test func anEmptyListHasNoElements() throws {
        #expect(try elements(of: #"{"ok":true,"result":{"events":[]}}"#, pieceSize: 3).isEmpty)
    }

    @Test func aFailureReplyGivesTheDaemonsFailure() throws {
        let failure = #"{"ok":false,"error":{"code":"not_found","message":"no pump with serial X"}}"#
        #expect(throws: PumpCtlError(exitCode: 66, message: "no pump with serial X")) {
            _ = try elements(of: failure, pieceSize: 5)
        }
    }

    @Test func aReplyCutShortIsNotJSON() throws {
        #expect(throws: PumpCtlError.self) {
            _ = try elements(of: #"{"ok":true,"result":{"events":[{"id":"a"}"#, pieceSize: 4)
        }
    }
}

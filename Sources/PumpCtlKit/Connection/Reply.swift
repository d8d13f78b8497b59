import Foundation
import PumpControlProtocol
import PumpJSON

/// A reply line collected whole, then decoded with `JSONDecoder` into its document or its failure.
struct WholeReply {
    let socket: String
    private(set) var bytes: [UInt8] = []

    /// The longest reply line collected (a `--json` document, and the `events` text, stream and
    /// have no limit).
    static let maxBytes = 64 << 20

    init(socket: String) {
        self.socket = socket
    }

    mutating func receive(_ piece: UnsafeBufferPointer<UInt8>) throws(PumpCtlError) {
        guard bytes.count + piece.count <= Self.maxBytes else {
            // Not a broken reply: more than text is shown from (exit 64, the request asks too much).
            throw .badUsage(
                "the reply is longer than \(Self.maxBytes >> 20) MiB, more than pumpctl shows as text: "
                    + "ask for fewer with --limit N where the command has it, or use --json, which streams any length")
        }
        bytes.append(contentsOf: piece)
    }

    /// Whether what came so far starts with `prefix`; nil while it is shorter and still could.
    func starts(with prefix: [UInt8]) -> Bool? {
        guard bytes.count >= prefix.count else { return prefix.starts(with: bytes) ? nil : false }
        return bytes.starts(with: prefix)
    }

    /// The reply's document, or the failure it reports.
    func document<D: Codable & Sendable>(_ type: D.Type) throws(PumpCtlError) -> D {
        let reply: ControlReply<D>
        do {
            reply = try JSONDecoder().decode(ControlReply<D>.self, from: Data(bytes))
        } catch {
            // A failure class this pumpctl does not know yet still shows the daemon's message.
            if let unknown = try? JSONDecoder().decode(UnknownFailureReply.self, from: Data(bytes)), !unknown.ok {
                throw PumpCtlError(exitCode: 70, message: "\(unknown.error.message) (\(unknown.error.code))")
            }
            throw .badReply(socket: socket, detail: Self.describe(error))
        }
        if reply.ok, let result = reply.result { return result }
        if let failure = reply.error { throw .daemon(failure) }
        throw .badReply(socket: socket, detail: reply.ok ? "ok without a result" : "a failure without an error")
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing \(path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "unexpected value at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty ? "not JSON" : "unreadable value at \(path(context.codingPath))"
        default:
            "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty
            ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// A failed reply whose `code` is not a `ControlFailureCode` this version knows.
private struct UnknownFailureReply: Decodable {
    struct Failure: Decodable {
        var code: String
        var message: String
    }
    var ok: Bool
    var error: Failure
}

/// A reply printed for `--json`: the daemon writes every document in its final form, so a reply
/// that starts `{"ok":true,"result":` has its document, up to the envelope's closing `}`, streamed
/// through `JSONPrettyPrinter` as it arrives, never decoded. Any other reply (a failure, or
/// something that is not a reply) is collected and decoded for its error.
struct JSONReply {
    private static let prefix = Array(#"{"ok":true,"result":"#.utf8)

    private enum State {
        /// Fewer bytes than the prefix so far, all of them matching it.
        case head
        case streaming
        case whole
    }

    private var state = State.head
    private var whole: WholeReply
    private var printer = JSONPrettyPrinter()
    /// The last byte received, not printed yet: it may be the envelope's closing `}`.
    private var held: UInt8?

    init(socket: String) {
        whole = WholeReply(socket: socket)
    }

    mutating func receive(_ piece: UnsafeBufferPointer<UInt8>, into output: inout StandardOutput)
        throws(PumpCtlError)
    {
        switch state {
        case .streaming:
            stream(piece, into: &output)
        case .whole:
            try whole.receive(piece)
        case .head:
            try whole.receive(piece)
            guard let matched = whole.starts(with: Self.prefix) else { return }
            guard matched else {
                state = .whole
                return
            }
            let bytes = whole.bytes
            state = .streaming
            whole = WholeReply(socket: whole.socket)
            bytes[Self.prefix.count...].withUnsafeBufferPointer { stream($0, into: &output) }
        }
    }

    /// Ends the document with its newline, or throws the failure the reply reports.
    mutating func finish<D: Codable & Sendable>(_ type: D.Type, into output: inout StandardOutput) throws(PumpCtlError)
    {
        guard state == .streaming else {
            _ = try whole.document(D.self)
            throw .badReply(socket: whole.socket, detail: #"a result not sent as {"ok":true,"result":...}"#)
        }
        guard held == UInt8(ascii: "}"), printer.isComplete else {
            throw .badReply(socket: whole.socket, detail: "not JSON")
        }
        output.pending.append(UInt8(ascii: "\n"))
    }

    private mutating func stream(_ piece: UnsafeBufferPointer<UInt8>, into output: inout StandardOutput) {
        guard let last = piece.last else { return }
        if let held {
            withUnsafePointer(to: held) {
                printer.print(UnsafeBufferPointer(start: $0, count: 1), into: &output.pending)
            }
        }
        printer.print(UnsafeBufferPointer(rebasing: piece.dropLast()), into: &output.pending)
        held = last
        output.flushIfLong()
    }
}

/// A list reply read for text, element by element: a reply that starts
/// `{"ok":true,"result":{"<name>":[` has each element decoded (`JSONDecoder`, as a whole reply is)
/// and handed to `element` as soon as its last byte arrives, so only one element is held at a
/// time, whatever the list's length. Any other reply (a failure) is collected and decoded for its
/// error.
struct ListElementReply {
    private let prefix: [UInt8]
    private let socket: String
    /// The reply while it may not be a list, all of it; nil once it is known to be one.
    private var whole: WholeReply?
    /// Strings and nesting from the list's `[` on: depth 1 is between the list's elements.
    private var scanner = JSONTextScanner()
    private var current: [UInt8] = []
    /// What came after the list's `]`: the envelope's `}}`.
    private var tail: [UInt8]?

    init(socket: String, listName: String) {
        prefix = Array(#"{"ok":true,"result":{"\#(listName)":["#.utf8)
        self.socket = socket
        whole = WholeReply(socket: socket)
        scanner.count(UInt8(ascii: "["))
    }

    /// Hands each element to `element` decoded as `Element` (`JSONDecoder`).
    mutating func receive<Element: Decodable>(
        _ piece: UnsafeBufferPointer<UInt8>, as _: Element.Type, element: (Element) throws(PumpCtlError) -> Void
    ) throws(PumpCtlError) {
        if whole != nil {
            try whole!.receive(piece)
            guard let head = whole, head.starts(with: prefix) == true else { return }
            whole = nil
            let rest = Array(head.bytes[prefix.count...])
            try rest.withUnsafeBufferPointer { (rest) throws(PumpCtlError) in
                try receive(rest, as: Element.self, element: element)
            }
            return
        }
        var i = 0
        while i < piece.count, tail == nil {
            let start = i
            i = scanner.nextStructural(in: piece, from: i)
            guard i < piece.count else {
                current.append(contentsOf: UnsafeBufferPointer(rebasing: piece[start...]))
                break
            }
            let byte = piece[i]
            scanner.count(byte)
            // An element ends at a `,` between elements or at the list's `]`; white space is dropped.
            let separates = scanner.depth == 0 || scanner.depth == 1 && byte == UInt8(ascii: ",")
            let keep = !separates && byte > 0x20
            current.append(contentsOf: UnsafeBufferPointer(rebasing: piece[start..<(keep ? i + 1 : i)]))
            i += 1
            guard separates else { continue }
            if scanner.depth == 0 { tail = [] }
            guard !current.isEmpty else { continue }  // `[]` holds no element
            let decoded: Element
            do {
                decoded = try JSONDecoder().decode(Element.self, from: Data(current))
            } catch {
                throw .badReply(socket: socket, detail: "an unreadable list element")
            }
            current = []
            try element(decoded)
        }
        if tail != nil { tail!.append(contentsOf: UnsafeBufferPointer(rebasing: piece[i...])) }
    }

    /// Checks that the list ended as a reply does, or throws the failure the reply reports.
    func finish() throws(PumpCtlError) {
        if let whole {
            _ = try whole.document(JSONValue.self)
            throw .badReply(socket: socket, detail: #"a result not sent as {"ok":true,"result":...}"#)
        }
        guard tail == Array("}}".utf8) else { throw .badReply(socket: socket, detail: "not JSON") }
    }
}

import Foundation

/// One line to hand to the daemon's ingest socket.
package struct OutgoingLine: Sendable, Hashable {
    /// The id the reply should echo; nil when the reply's id should be null (a line whose id
    /// cannot be read).
    package var id: String?
    /// The pump's serial, used to keep one pump's lines on one connection; nil for garbage.
    package var serial: String?
    /// The bytes, ending in `\n`.
    package var bytes: [UInt8]
    /// The caller's index for this line (for matching replies to what was sent).
    package var tag: Int

    package init(id: String?, serial: String?, bytes: [UInt8], tag: Int = 0) {
        self.id = id
        self.serial = serial
        self.bytes = bytes
        self.tag = tag
    }

    /// The line of a well-formed message.
    package init(message: PumpMessage, tag: Int = 0) {
        self.init(id: message.id, serial: message.serial, bytes: message.jsonLine(), tag: tag)
    }
}

/// The four answers of the protocol's promise.
package enum IngestResult: String, Sendable, Hashable, Codable, CaseIterable {
    /// Stored durably.
    case accepted
    /// Already stored with the same content.
    case duplicate
    /// Invalid; quarantined.
    case rejected
    /// Not stored; send again later.
    case unavailable
}

/// One reply line: `{"id":..., "result":..., "reason":..., "detail":...}`.
package struct IngestReply: Sendable, Hashable, Codable {
    /// The message id echoed, or nil when none could be read.
    package var id: String?
    /// The answer.
    package var result: IngestResult
    /// The reason word, for `rejected` and `unavailable`.
    package var reason: String?
    /// Human-readable detail.
    package var detail: String?

    package init(id: String?, result: IngestResult, reason: String? = nil, detail: String? = nil) {
        self.id = id
        self.result = result
        self.reason = reason
        self.detail = detail
    }

    /// Parses one reply line; nil when it is not a reply.
    package static func parse<Bytes: Collection>(_ line: Bytes) -> IngestReply? where Bytes.Element == UInt8 {
        let bytes = Array(line)
        if let quick = parseSimple(bytes) { return quick }
        return try? JSONDecoder().decode(IngestReply.self, from: Data(bytes))
    }

    /// The common reply, `{"id":"...","result":"accepted"}` (any spacing or key order, no escapes,
    /// no reason or detail), read without a JSON decoder: the sender reads one per message.
    static func parseSimple(_ b: [UInt8]) -> IngestReply? {
        guard b.count < 512, !b.contains(92) else { return nil }
        var i = 0
        func skipSpace() { while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 13 { i += 1 } }
        func string() -> String? {
            guard i < b.count, b[i] == 34 else { return nil }
            let s = i + 1
            guard let e = b[s...].firstIndex(of: 34) else { return nil }
            i = e + 1
            return String(decoding: b[s..<e], as: UTF8.self)
        }
        skipSpace()
        guard i < b.count, b[i] == 123 else { return nil }
        i += 1
        var id: String?? = nil
        var result: IngestResult? = nil
        while true {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard i < b.count, b[i] == 58 else { return nil }
            i += 1
            skipSpace()
            switch key {
            case "id":
                if b[i...].starts(with: [110, 117, 108, 108]) {
                    i += 4
                    id = .some(nil)
                } else {
                    guard let s = string() else { return nil }
                    id = .some(s)
                }
            case "result":
                guard let s = string(), let r = IngestResult(rawValue: s) else { return nil }
                result = r
            default:
                return nil
            }
            skipSpace()
            guard i < b.count else { return nil }
            if b[i] == 44 {
                i += 1
                continue
            }
            guard b[i] == 125 else { return nil }
            break
        }
        guard let result, let id else { return nil }
        return IngestReply(id: id, result: result)
    }
}

/// Where lines come from: a finished list, a generated fleet, a scenario's batch.
package protocol LineSource {
    /// The next line, or nil when there is no more.
    mutating func nextLine() -> OutgoingLine?
}

/// A list of lines handed out in order.
package struct ArrayLineSource: LineSource {
    private let lines: [OutgoingLine]
    private var index = 0

    /// Wraps `lines`.
    package init(_ lines: [OutgoingLine]) {
        self.lines = lines
    }

    /// The next line of the list.
    package mutating func nextLine() -> OutgoingLine? {
        guard index < lines.count else { return nil }
        defer { index += 1 }
        return lines[index]
    }
}

/// A first-in first-out queue with O(1) push, pop and push-front (no dependency needed).
struct FIFO<Element> {
    private var storage: [Element?] = []
    private var head = 0

    var isEmpty: Bool { head == storage.count }
    var count: Int { storage.count - head }

    mutating func append(_ e: Element) { storage.append(e) }

    mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let e = storage[head]
        storage[head] = nil
        head += 1
        if head > 1024 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return e
    }

    /// Puts `elements` back at the front, in their order.
    mutating func prepend(_ elements: [Element]) {
        guard !elements.isEmpty else { return }
        storage = elements.map(Optional.some) + storage[head...]
        head = 0
    }

    var first: Element? { head < storage.count ? storage[head] : nil }

    mutating func removeAll() -> [Element] {
        let out = storage[head...].compactMap { $0 }
        storage.removeAll()
        head = 0
        return out
    }
}

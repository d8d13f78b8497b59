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

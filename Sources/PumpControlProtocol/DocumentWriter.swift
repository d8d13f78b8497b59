import PumpTelemetry

/// Compact JSON text appended straight to a byte buffer: the daemon writes its replies with it, row
/// by row, without building documents first or going through `JSONEncoder`.
///
/// The text follows the same rules as `pumpctl`'s printing, so the two agree byte for byte:
/// strings escape only quotes, backslashes and control characters (`\n`, `\r`, `\t`, `\b`, `\f`,
/// others as `\u00XX`), slashes and non-ASCII characters are written as they are; a `JSONValue`
/// object's keys are sorted; a `JSONValue` number is written as an integer when its value is an
/// integer within `Int64`, else as the shortest text of its `Double`. Commas are placed by the
/// writer: call ``key(_:)`` before each member's value and ``element()`` before each item.
public struct DocumentWriter: Sendable {
    /// The text written so far, as UTF-8 (with `chunkSize`, only what follows the finished chunks).
    public var bytes: [UInt8]
    /// True right after a container opened: the next member or item needs no comma.
    private var atContainerStart = true
    /// Text set aside in pieces of about `chunkSize` bytes, so that a long document is never one
    /// buffer that grows by copying itself.
    private var finished: [[UInt8]] = []
    /// The size of a piece, or nil to keep the text in one buffer.
    private let chunkSize: Int?

    /// An empty writer with room for `capacity` bytes; with a `chunkSize`, the text is kept in
    /// pieces of about that size (see ``chunks()``).
    public init(capacity: Int = 256, chunkSize: Int? = nil) {
        bytes = []
        bytes.reserveCapacity(chunkSize.map { $0 + $0 / 4 } ?? capacity)
        self.chunkSize = chunkSize
    }

    /// The whole text in pieces, in order (one piece for a short document).
    public func chunks() -> [[UInt8]] {
        bytes.isEmpty && !finished.isEmpty ? finished : finished + [bytes]
    }

    /// Appends `text` as it is (it must be valid JSON in its place).
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends one JSON value that is already written (valid JSON, same rules).
    public mutating func written(_ value: [UInt8]) {
        bytes.append(contentsOf: value)
        atContainerStart = false
    }

    /// `{`.
    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        atContainerStart = true
    }

    /// `}`.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        atContainerStart = false
    }

    /// `[`.
    public mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        atContainerStart = true
    }

    /// `]`.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        atContainerStart = false
    }

    /// A member's key (and the comma before it when needed); its value comes next.
    public mutating func key(_ name: StaticString) {
        if !atContainerStart { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        atContainerStart = true
    }

    /// A key that is not known at compile time (a `JSONValue` object's).
    public mutating func key(_ name: String) {
        if !atContainerStart { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
        atContainerStart = true
    }

    /// The comma before an array item, when needed.
    public mutating func element() {
        if let chunkSize, bytes.count >= chunkSize {
            finished.append(bytes)
            bytes = []
            bytes.reserveCapacity(chunkSize + chunkSize / 4)
        }
        if !atContainerStart { bytes.append(UInt8(ascii: ",")) }
        atContainerStart = true
    }

    /// `null`.
    public mutating func null() {
        raw("null")
        atContainerStart = false
    }

    /// `true` or `false`.
    public mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
        atContainerStart = false
    }

    /// An integer.
    public mutating func int(_ value: Int64) {
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
        atContainerStart = false
    }

    /// A `Double` as `pumpctl` prints one: integral values within 2^53 without a fraction (`60`),
    /// others as Swift's shortest round-trip text. Infinity and NaN are not JSON numbers.
    public mutating func double(_ value: Double) throws(DocumentWriteError) {
        guard value.isFinite else { throw DocumentWriteError(value: value) }
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 {
            int(Int64(value))
        } else {
            bytes.append(contentsOf: "\(value)".utf8)
            atContainerStart = false
        }
    }

    /// A string, escaped.
    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { JSONWriter.appendString(utf8: $0, to: &bytes) }
        atContainerStart = false
    }

    /// A string, or `null`.
    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// String bytes (valid UTF-8), escaped.
    public mutating func string(utf8 value: UnsafeBufferPointer<UInt8>) {
        JSONWriter.appendString(utf8: value, to: &bytes)
        atContainerStart = false
    }

    /// One of the daemon's times as a string, the same text as `Timestamp.format(micros:)`:
    /// `"2026-11-28T10:15:00.412Z"` (UTC, milliseconds, sub-millisecond digits cut toward the past).
    public mutating func timestamp(micros: Int64) {
        bytes.append(UInt8(ascii: "\""))
        Timestamp.append(micros: micros, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        atContainerStart = false
    }

    /// Any JSON value: objects with their keys sorted, numbers as described on the type.
    public mutating func value(_ value: JSONValue) throws(DocumentWriteError) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .string(let s): string(s)
        case .number(let n):
            if let i = n.int64Value {
                int(i)
            } else {
                let d = n.doubleValue
                guard d.isFinite else { throw DocumentWriteError(value: d) }
                bytes.append(contentsOf: "\(d)".utf8)
                atContainerStart = false
            }
        case .array(let items):
            beginArray()
            for item in items {
                element()
                try self.value(item)
            }
            endArray()
        case .object(let members):
            beginObject()
            for name in members.keys.sorted() {
                guard let member = members[name] else { continue }
                key(name)
                try self.value(member)
            }
            endObject()
        }
    }
}

/// A number that JSON cannot represent (infinity or NaN, e.g. a stored literal like `1e400`).
public struct DocumentWriteError: Error, Sendable, CustomStringConvertible {
    /// The value.
    public var value: Double

    /// Creates the error.
    public init(value: Double) { self.value = value }

    /// What went wrong.
    public var description: String { "\(value) is not a JSON number" }
}

/// A JSON value: objects compare by content (key order does not matter), numbers by their
/// decimal value (the spelling `1`, `1.0` and `1e0` does not matter).
///
/// Strings (and object keys) compare by their exact Unicode scalars, as RFC 8259 §8.3 recommends,
/// not by Swift's canonical equivalence: `"é"` written precomposed and decomposed are different
/// JSON values. So two values are `==` exactly when their canonical texts
/// (``JSONWriter/canonical(_:)``) are equal.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, kept exactly as written.
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    /// An object, its members in the order written (the parser rejects duplicate keys).
    case object(JSONObject)

    /// Equal when both are the same JSON value: same type, numbers of equal decimal value,
    /// strings of identical scalars, arrays element by element, objects member by member in any
    /// order.
    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }
}

extension JSONValue {
    /// The value with the members of every object in it sorted by key (``JSONObject/sortedByKey()``).
    package func sortedByKey() -> JSONValue {
        switch self {
        case .object(let object): .object(object.sortedByKey())
        case .array(let elements): .array(elements.map { $0.sortedByKey() })
        default: self
        }
    }
}

/// A JSON object's members in the order they were written or built.
///
/// The order is kept so that a document's keys come out as its type declares them; it takes no
/// part in `==`. Lookups scan the members: objects here are small.
package struct JSONObject: Sendable, Equatable, RandomAccessCollection {
    package typealias Member = (key: String, value: JSONValue)

    package private(set) var members: [Member]

    package init(_ members: [Member] = []) { self.members = members }

    package var startIndex: Int { members.startIndex }
    package var endIndex: Int { members.endIndex }
    package subscript(position: Int) -> Member { members[position] }

    /// The value of the first member named `key` (compared scalar for scalar); setting replaces
    /// that member's value in place, or appends a member, and `nil` removes it.
    package subscript(key: String) -> JSONValue? {
        get { index(of: key).map { members[$0].value } }
        set {
            switch (index(of: key), newValue) {
            case (let i?, let value?): members[i].value = value
            case (let i?, nil): members.remove(at: i)
            case (nil, let value?): members.append((key, value))
            case (nil, nil): break
            }
        }
    }

    /// Adds a member at the end, without looking for one of the same name.
    package mutating func append(_ key: String, _ value: JSONValue) { members.append((key, value)) }

    /// The members sorted by the UTF-8 bytes of their keys, and so are those of every object
    /// nested in them (how stored messages are shown, whatever order their sender wrote). For keys
    /// in Unicode NFC (all that telemetry sends) this is also Swift's `String` order; unlike that
    /// order it is total for any keys, so the same object always gives the same text.
    package func sortedByKey() -> JSONObject {
        JSONObject(JSONObject.keyOrder(members).map { (members[$0].key, members[$0].value.sortedByKey()) })
    }

    /// The indices of `members` in key order (sorting indices moves less than sorting members).
    static func keyOrder(_ members: [Member]) -> [Int] {
        members.indices.sorted { members[$0].key.utf8.lexicographicallyPrecedes(members[$1].key.utf8) }
    }

    private func index(of key: String) -> Int? {
        members.firstIndex { $0.key.utf8.elementsEqual(key.utf8) }
    }

    /// Same keys (scalar for scalar) holding equal values, in any order.
    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs.members {
            guard let other = rhs[key], other == value else { return false }
        }
        return true
    }
}

extension JSONValue {
    /// The value at `key` when this is an object.
    package subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    package var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    package var numberValue: JSONNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    package var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    package var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The type in words, with its article ("a string", "an object", "null"), for messages.
    package var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(integerLiteral value: Int64) { self = .number(JSONNumber(value)) }
    /// A number spelled as Swift prints the `Double` (shortest round-trip form).
    package init(floatLiteral value: Double) { self = .number(JSONNumber(literal: "\(value)")) }
    package init(stringLiteral value: String) { self = .string(value) }
    package init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object, members in the order written; a repeated key keeps the last value.
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(uniquingKeys: elements))
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Members in the order written; a repeated key keeps its first place and the last value.
    package init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(uniquingKeys: elements) }

    package init(uniquingKeys elements: [(String, JSONValue)]) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }
}

extension JSONValue: Codable {
    /// Decodes any JSON value through a `Decoder` (numbers become their shortest spelling; object
    /// members come in the order the decoder lists its keys).
    package init(from decoder: any Decoder) throws {
        // A Decoder can only be asked by trying, and every failed try throws (a costly error with
        // its coding path): try the kinds in the order of how often they occur in our documents,
        // strings first, objects after the scalars.
        if let c = try? decoder.singleValueContainer() {
            if c.decodeNil() {
                self = .null
                return
            }
            if let s = try? c.decode(String.self) {
                self = .string(s)
                return
            }
            if let b = try? c.decode(Bool.self) {
                self = .bool(b)
                return
            }
            if let i = try? c.decode(Int64.self) {
                self = .number(JSONNumber(i))
                return
            }
            if let d = try? c.decode(Double.self) {
                self = .number(JSONNumber(literal: "\(d)"))
                return
            }
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members = JSONObject()
            for key in object.allKeys {
                members.append(key.stringValue, try object.decode(JSONValue.self, forKey: key))
            }
            self = .object(members)
            return
        }
        self = .array(try decoder.singleValueContainer().decode([JSONValue].self))
    }

    /// Encodes the value, object members in order; integers stay integers, other numbers go
    /// through `Double`. (``JSONWriter/encode(_:)`` writes a `JSONValue` as it is, numbers included.)
    package func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let members):
            var c = encoder.container(keyedBy: AnyKey.self)
            for (key, value) in members { try c.encode(value, forKey: AnyKey(key)) }
            return
        default: break
        }
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if let i = n.int64Value { try c.encode(i) } else { try c.encode(n.doubleValue) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object: break
        }
    }
}

/// A coding key for any member name.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

import PumpJSON

/// The reply `result` words.
package enum ReplyResult: String, Sendable, Hashable, CaseIterable, Codable {
    /// Stored durably.
    case accepted
    /// Already stored with the same content; nothing changed.
    case duplicate
    /// Invalid; quarantined.
    case rejected
    /// Not stored; send again later.
    case unavailable
}

/// One reply line of the telemetry protocol.
///
/// Encoded as `{"id":…,"result":"…","reason":"…","detail":"…"}` plus `\n`, keys in that order,
/// no white space. `id` is always present (`null` when no id could be read); `reason` and
/// `detail` are left out when nil (so an `accepted` reply is just `{"id":"…","result":"accepted"}`).
package struct Reply: Sendable, Hashable {
    /// The message id, or nil when none could be read.
    package var id: String?
    /// The outcome.
    package var result: ReplyResult
    /// A ``RejectionReason`` or ``UnavailableReason`` word, for `rejected` and `unavailable`.
    package var reason: String?
    /// Human-readable detail, optional.
    package var detail: String?

    package init(id: String?, result: ReplyResult, reason: String? = nil, detail: String? = nil) {
        self.id = id
        self.result = result
        self.reason = reason
        self.detail = detail
    }

    /// `accepted`: stored durably.
    package static func accepted(id: String) -> Reply { Reply(id: id, result: .accepted) }

    /// `duplicate`: the same content is already stored.
    package static func duplicate(id: String) -> Reply { Reply(id: id, result: .duplicate) }

    /// `rejected`, from a rejection.
    package static func rejected(_ rejection: Rejection) -> Reply { rejection.reply }

    /// `unavailable`: nothing was kept; the sender must resend later.
    package static func unavailable(id: String?, reason: UnavailableReason, detail: String? = nil) -> Reply {
        Reply(id: id, result: .unavailable, reason: reason.rawValue, detail: detail)
    }

    /// Appends the reply line, `\n` included, to `buffer`.
    package func appendLine(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: #"{"id":"#.utf8)
        if let id {
            JSONWriter.appendString(id, to: &buffer)
        } else {
            buffer.append(contentsOf: "null".utf8)
        }
        buffer.append(contentsOf: #","result":""#.utf8)
        buffer.append(contentsOf: result.rawValue.utf8)
        buffer.append(UInt8(ascii: "\""))
        if let reason {
            buffer.append(contentsOf: #","reason":"#.utf8)
            JSONWriter.appendString(reason, to: &buffer)
        }
        if let detail {
            buffer.append(contentsOf: #","detail":"#.utf8)
            JSONWriter.appendString(detail, to: &buffer)
        }
        buffer.append(contentsOf: "}\n".utf8)
    }

    /// The reply line, `\n` included.
    package var line: [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(64 + (id?.utf8.count ?? 0) + (detail?.utf8.count ?? 0))
        appendLine(to: &buffer)
        return buffer
    }

    /// Reads a reply line (with or without its `\n`), as a sender does; nil when it is not one.
    /// `reason` and `detail` may be absent or `null`; unknown extra keys are ignored.
    package init?(line: [UInt8]) {
        var bytes = line[...]
        if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
        guard let value = try? JSONParser.parse(Array(bytes)), case .object(let o) = value,
            let resultWord = o["result"]?.stringValue, let result = ReplyResult(rawValue: resultWord)
        else { return nil }
        let id: String?
        switch o["id"] {
        case .string(let s): id = s
        case .null: id = nil
        default: return nil
        }
        func optionalString(_ key: String) -> String?? {
            switch o[key] {
            case nil, .null: .some(nil)
            case .string(let s): .some(s)
            default: nil
            }
        }
        guard let reason = optionalString("reason"), let detail = optionalString("detail") else { return nil }
        self.init(id: id, result: result, reason: reason, detail: detail)
    }
}

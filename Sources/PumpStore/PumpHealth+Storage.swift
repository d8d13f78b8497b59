import Foundation
import PumpHealth

/// How a pump's failure-detection state is kept in its row's `health` column: a compact binary
/// form, written after every batch for each pump the batch touched (a `JSONEncoder` round per
/// dirty pump per batch cost more than the rest of the pump's row). Rows written by earlier
/// versions hold `PumpHealth`'s JSON (they start with `{`) and are still read.
///
/// Layout, little-endian: the format byte `0x01`, the three rules, a presence mask, then each
/// present field in a fixed order. An `EvidenceRef` is its id, kind, code, `at` and `at` text;
/// strings are a 32-bit byte count and their UTF-8 bytes. Mask bit 11, the remembered recovery
/// (its `at` and arrival), came later: rows written before it never set the bit and read as
/// before.
extension PumpHealth {
    /// The first byte of the binary form.
    package static let binaryFormat: UInt8 = 0x01

    /// The state in its compact binary form (see ``init(binary:)``).
    package func binaryEncoded() -> [UInt8] {
        var w = BinaryWriter()
        w.bytes.reserveCapacity(160)
        w.byte(Self.binaryFormat)
        w.int(rules.stallGrace)
        w.int(rules.mriStallGrace)
        w.int(rules.mriWindow)
        let optionals: [Bool] = [
            latestAt != nil, decided, latestStatus != nil, endOfService != nil, lowBatteryReset != nil,
            electiveReplacement != nil, impendingFailure != nil, criticalError != nil, stall != nil,
            lapsedStall != nil, latestMRIExposure != nil, latestRecovery != nil,
        ]
        var mask: UInt16 = 0
        for (i, present) in optionals.enumerated() where present { mask |= 1 << i }
        w.int16(mask)
        if let latestAt { w.int(latestAt) }
        for ref in [latestStatus, endOfService, lowBatteryReset, electiveReplacement, impendingFailure, criticalError] {
            if let ref { w.ref(ref) }
        }
        if let stall { w.episode(stall) }
        if let lapsedStall { w.episode(lapsedStall) }
        if let latestMRIExposure { w.ref(latestMRIExposure) }
        if let latestRecovery {
            w.int(latestRecovery.at)
            w.int(latestRecovery.arrival)
        }
        return w.bytes
    }

    /// Reads the binary form written by ``binaryEncoded()``.
    package init(binary bytes: [UInt8]) throws(HealthDecodingError) {
        var r = BinaryReader(bytes: bytes)
        guard try r.byte() == Self.binaryFormat else { throw HealthDecodingError(reason: "unknown format byte") }
        let stallGrace = try r.int()
        let mriStallGrace = try r.int()
        let mriWindow = try r.int()
        self.init(rules: StallRules(stallGrace: stallGrace, mriStallGrace: mriStallGrace, mriWindow: mriWindow))
        let mask = try r.int16()
        func has(_ bit: Int) -> Bool { mask & (1 << bit) != 0 }
        if has(0) { latestAt = try r.int() }
        decided = has(1)
        if has(2) { latestStatus = try r.ref() }
        if has(3) { endOfService = try r.ref() }
        if has(4) { lowBatteryReset = try r.ref() }
        if has(5) { electiveReplacement = try r.ref() }
        if has(6) { impendingFailure = try r.ref() }
        if has(7) { criticalError = try r.ref() }
        if has(8) { stall = try r.episode() }
        if has(9) { lapsedStall = try r.episode() }
        if has(10) { latestMRIExposure = try r.ref() }
        if has(11) { latestRecovery = RecoveryMark(at: try r.int(), arrival: try r.int()) }
        guard mask >> 12 == 0 else { throw HealthDecodingError(reason: "unknown fields") }
        guard r.atEnd else { throw HealthDecodingError(reason: "trailing bytes") }
    }

    /// The `health` column's value for this state.
    package var storedForm: Data {
        Data(binaryEncoded())
    }

    /// Reads a `health` column as any version wrote it.
    package init(stored bytes: [UInt8]) throws {
        if bytes.first == UInt8(ascii: "{") {
            self = try JSONDecoder().decode(PumpHealth.self, from: Data(bytes))
        } else {
            try self.init(binary: bytes)
        }
    }
}

/// A stored failure-detection state that cannot be read back.
package struct HealthDecodingError: Error, CustomStringConvertible {
    /// What is wrong with the bytes.
    package var reason: String

    package var description: String {
        "the stored failure-detection state of a pump is unreadable (\(reason)); "
            + "the store may be damaged or written by a newer pumpmond"
    }
}

private struct BinaryWriter {
    var bytes: [UInt8] = []

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func int16(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
    }

    mutating func int(_ v: Int64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func ref(_ r: EvidenceRef) {
        string(r.messageID)
        switch (r.kind, r.code) {
        case (.status, nil): byte(0)
        case (.alert, nil): byte(1)
        case (.status, let code?):
            byte(2)
            string(code)
        case (.alert, let code?):
            byte(3)
            string(code)
        }
        int(r.at)
        string(r.atText)
    }

    mutating func episode(_ e: StallEpisode) {
        var mask: UInt8 = 0
        if e.mriExposure != nil { mask |= 1 }
        if e.pastDeadline != nil { mask |= 2 }
        byte(mask)
        ref(e.start)
        int(e.startReceivedAt)
        int(e.grace)
        if let m = e.mriExposure { ref(m) }
        if let p = e.pastDeadline { ref(p) }
    }
}

private struct BinaryReader {
    let bytes: [UInt8]
    var offset = 0

    var atEnd: Bool { offset == bytes.count }

    private mutating func take(_ n: Int) throws(HealthDecodingError) -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - offset >= n else { throw HealthDecodingError(reason: "truncated") }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    mutating func byte() throws(HealthDecodingError) -> UInt8 {
        try take(1).first ?? 0
    }

    mutating func int16() throws(HealthDecodingError) -> UInt16 {
        let s = try take(2)
        return UInt16(s[s.startIndex]) | UInt16(s[s.startIndex + 1]) << 8
    }

    mutating func int() throws(HealthDecodingError) -> Int64 {
        var v: UInt64 = 0
        for (i, b) in try take(8).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return Int64(bitPattern: v)
    }

    mutating func string() throws(HealthDecodingError) -> String {
        let s = try take(4)
        var n: UInt32 = 0
        for (i, b) in s.enumerated() { n |= UInt32(b) << (8 * UInt32(i)) }
        guard let count = Int(exactly: n) else { throw HealthDecodingError(reason: "bad string length") }
        let utf8 = try take(count)
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw HealthDecodingError(reason: "a string is not UTF-8")
        }
        return text
    }

    mutating func ref() throws(HealthDecodingError) -> EvidenceRef {
        let id = try string()
        let tag = try byte()
        guard tag < 4 else { throw HealthDecodingError(reason: "bad evidence kind") }
        let kind: SignalKind = tag & 1 == 0 ? .status : .alert
        let code = tag >= 2 ? try string() : nil
        let at = try int()
        let atText = try string()
        return EvidenceRef(messageID: id, kind: kind, code: code, at: at, atText: atText)
    }

    mutating func episode() throws(HealthDecodingError) -> StallEpisode {
        let mask = try byte()
        guard mask < 4 else { throw HealthDecodingError(reason: "bad stall mask") }
        let start = try ref()
        let received = try int()
        let grace = try int()
        var e = StallEpisode(start: start, startReceivedAt: received, grace: grace)
        if mask & 1 != 0 { e.mriExposure = try ref() }
        if mask & 2 != 0 { e.pastDeadline = try ref() }
        return e
    }
}

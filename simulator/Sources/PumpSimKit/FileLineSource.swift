#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lines read from a file of messages (what `pumpsim generate` writes), streamed in chunks so a
/// file of millions of messages need not fit in memory. Each line's `id` and `serial` are picked
/// out of its text (for sharding and reply checks), not fully parsed.
package struct FileLineSource: LineSource {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private var tag = 0

    /// Opens `path`; throws when it cannot be read.
    package init(path: String) throws(SocketError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SocketError("open \(path)") }
        self.fd = fd
    }

    /// The next line (with its `\n`), or nil at the end of the file.
    package mutating func nextLine() -> OutgoingLine? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 10) {
                let bytes = Array(buffer[start...nl])
                start = nl + 1
                if bytes.count == 1 { continue }
                tag += 1
                return OutgoingLine(
                    id: Self.field("id", in: bytes), serial: Self.field("serial", in: bytes), bytes: bytes, tag: tag)
            }
            if eof {
                guard start < buffer.count else {
                    close(fd)
                    return nil
                }
                var bytes = Array(buffer[start...])
                bytes.append(10)
                start = buffer.count
                tag += 1
                return OutgoingLine(
                    id: Self.field("id", in: bytes), serial: Self.field("serial", in: bytes), bytes: bytes, tag: tag)
            }
            buffer.removeSubrange(..<start)
            start = 0
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { eof = true } else { buffer.append(contentsOf: chunk[0..<n]) }
        }
    }

    /// The string value of `"key":"..."` in a compact JSON line (no escapes in ids and serials).
    static func field(_ key: String, in bytes: [UInt8]) -> String? {
        let pattern = Array("\"\(key)\":\"".utf8)
        guard bytes.count > pattern.count else { return nil }
        var i = 0
        while i + pattern.count <= bytes.count {
            if bytes[i] == pattern[0], Array(bytes[i..<(i + pattern.count)]) == pattern {
                let s = i + pattern.count
                guard let e = bytes[s...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                return String(decoding: bytes[s..<e], as: UTF8.self)
            }
            i += 1
        }
        return nil
    }
}

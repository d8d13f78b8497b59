import CLibcrypto

/// SHA-256 through the system's libcrypto (`Sources/CLibcrypto`): the digest of the hash chains,
/// and of the daemon's TLS client certificate fingerprints. One place for the C call and its hex.
package enum SHA256 {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The digest of `bytes` as 64 lowercase hex digits.
    package static func hex(of bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        let done = bytes.withUnsafeBytes { clibcrypto_sha256($0.baseAddress, $0.count, &digest) }
        precondition(done == 1, "libcrypto could not compute a SHA-256 (out of memory)")
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

// SHA-256 from the system's OpenSSL (libcrypto), the one digest pumpmond needs: the store's hash
// chains and the TLS client certificate fingerprints. A system library, as libsystemd is, rather
// than swift-crypto, which compiles its own copy of BoringSSL into every build (80 s of each of
// CI's sanitizer builds).
#ifndef PUMPMOND_CLIBCRYPTO_SHIM_H
#define PUMPMOND_CLIBCRYPTO_SHIM_H

// The SHA256_* functions, not EVP_Digest: OpenSSL 3 marks them deprecated in favour of EVP, but
// EVP's first call loads its provider machinery, 2 MB of the daemon's resident memory for one
// digest (measured: a C program's RSS grows 2,100 kB with EVP_Digest, 130 kB with these).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <stddef.h>

/// Writes the SHA-256 digest of `count` bytes at `data` to the 32 bytes at `digest`; returns 1,
/// or 0 when libcrypto fails.
static inline int clibcrypto_sha256(const void *data, size_t count, unsigned char *digest) {
    SHA256_CTX context;
    return SHA256_Init(&context) && SHA256_Update(&context, data, count) && SHA256_Final(digest, &context);
}

#endif

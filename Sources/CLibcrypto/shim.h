// SHA-256 from the system's OpenSSL (libcrypto), the one digest pumpmond needs: the store's hash
// chains and the TLS client certificate fingerprints. A system library, as libsystemd is, rather
// than swift-crypto, which compiles its own copy of BoringSSL into every build (80 s of each of
// CI's sanitizer builds).
#ifndef PUMPMOND_CLIBCRYPTO_SHIM_H
#define PUMPMOND_CLIBCRYPTO_SHIM_H

#include <openssl/evp.h>
#include <stddef.h>

/// Writes the SHA-256 digest of `count` bytes at `data` to the 32 bytes at `digest`; returns 1,
/// or 0 when libcrypto fails (it cannot allocate its context).
static inline int clibcrypto_sha256(const void *data, size_t count, unsigned char *digest) {
    return EVP_Digest(data, count, digest, NULL, EVP_sha256(), NULL);
}

#endif

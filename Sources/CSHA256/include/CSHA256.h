#ifndef CSHA256_H
#define CSHA256_H

// SHA-256's compression function on the processor's SHA extensions (x86 SHA-NI), for
// `SHA256` in the OCOP module, which keeps its own portable Swift compression for processors
// without them. Hashing is on every authenticated request and every Idempotency-Key body;
// in Swift one 64-byte block costs about 3,000 instructions, with the extensions about 150.

#include <stddef.h>
#include <stdint.h>

/// 1 when this processor has the SHA extensions, SSSE3 and SSE4.1 that `csha256_blocks`
/// needs, else 0 (always 0 off x86-64).
int csha256_hardware_available(void);

/// FIPS 180-4 §4.2.2: the 64 round constants K, for the Swift compression too.
const uint32_t *_Nonnull csha256_round_constants(void);

/// FIPS 180-4 §6.2.2 on `count` consecutive 64-byte blocks: `state` is H0…H7 before and after.
/// Call only when `csha256_hardware_available()` is 1.
void csha256_blocks(uint32_t state[_Nonnull 8], const uint8_t *_Nonnull blocks, size_t count);

#endif

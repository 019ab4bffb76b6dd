/* digest.h - a fast, stable 128-bit digest of bytes (MurmurHash3 x64/128,
 * public domain, Austin Appleby), for content ids that must not change
 * between runs, versions or machines.  Not cryptographic.
 * MIT licence, see COPYING. */
#ifndef OP_DIGEST_H
#define OP_DIGEST_H
#include <stddef.h>
#include <stdint.h>

/* MurmurHash3's 64-bit finalizer: every input bit moves every output bit
 * (also the feature hash of lib/model). */
static inline uint64_t op_fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

/* The digest of s[0..n) with seed 0, as two 64-bit halves. */
void op_digest(const void *s, size_t n, uint64_t out[2]);

/* The digest's first 64 bits as 16 lower-case hex digits and a NUL. */
void op_digest_hex64(const uint64_t d[2], char out[17]);

#endif

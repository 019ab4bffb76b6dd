/* idmap.h - dense numbers for ids that may be many (Message-IDs, deal
 * ids), kept as 64-bit digests rather than as text: 8 bytes per id plus
 * the table's 8-byte slots, a third to two thirds full.  Two different
 * ids share a number when their digests collide, which for n ids happens
 * with a probability of about n^2 / 2^65 (10^-7 for two million).
 * MIT licence. */
#ifndef OP_IDMAP_H
#define OP_IDMAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint64_t *slot;		/* (digest's high half << 32) | (number + 1); 0 empty */
	uint64_t *digest;	/* by number */
	size_t n, cap, nslot;
} op_idmap;

/* The number of id s[0..n), numbered from 0 in the order first seen;
 * *isnew tells whether it was new. */
uint32_t op_idmap_put(op_idmap *m, const char *s, size_t n, int *isnew);
/* A new number for something without an id, which no id will find. */
uint32_t op_idmap_new(op_idmap *m);
void op_idmap_free(op_idmap *m);
#endif

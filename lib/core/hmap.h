/* hmap.h - a string-keyed hash map (open addressing, linear probing):
 * history groups, KPI groups, owners.  Keys are copied.  MIT licence. */
#ifndef OP_HMAP_H
#define OP_HMAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
	char *key;
	size_t klen;
	uint64_t hash;
	void *val;
} op_hent;

typedef struct {
	op_hent *e;
	size_t cap, n;
} op_hmap;

uint64_t op_hash(const void *s, size_t n);
/* The value slot for key, created (NULL) when new: *isnew tells. */
void **op_hmap_put(op_hmap *m, const char *key, size_t klen, int *isnew);
void *op_hmap_get(const op_hmap *m, const char *key, size_t klen);
/* Frees keys, and values with freeval when it is not NULL. */
void op_hmap_free(op_hmap *m, void (*freeval)(void *));
#endif

/* hmap.c - string-keyed hash map.  MIT licence. */
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "opflow.h"

uint64_t op_hash(const void *s, size_t n)
{
	/* FNV-1a, then a final mix so linear probing sees spread-out bits */
	const unsigned char *p = s;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static op_hent *find(const op_hmap *m, const char *key, size_t klen, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		op_hent *e = &m->e[i];
		if (!e->key || (e->hash == h && e->klen == klen && !memcmp(e->key, key, klen)))
			return e;
	}
}

void *op_hmap_get(const op_hmap *m, const char *key, size_t klen)
{
	if (!m->cap)
		return NULL;
	op_hent *e = find(m, key, klen, op_hash(key, klen));
	return e->key ? e->val : NULL;
}

void **op_hmap_put(op_hmap *m, const char *key, size_t klen, int *isnew)
{
	if ((m->n + 1) * 4 > m->cap * 3) {
		op_hmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 16;
		m->e = op_xcalloc(m->cap, sizeof *m->e);
		for (size_t i = 0; i < old.cap; i++)
			if (old.e[i].key)
				*find(m, old.e[i].key, old.e[i].klen, old.e[i].hash) = old.e[i];
		free(old.e);
	}
	uint64_t h = op_hash(key, klen);
	op_hent *e = find(m, key, klen, h);
	*isnew = !e->key;
	if (!e->key) {
		e->key = op_xstrndup(key, klen);
		e->klen = klen;
		e->hash = h;
		e->val = NULL;
		m->n++;
	}
	return &e->val;
}

void op_hmap_free(op_hmap *m, void (*freeval)(void *))
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].key) {
			free(m->e[i].key);
			if (freeval)
				freeval(m->e[i].val);
		}
	free(m->e);
	memset(m, 0, sizeof *m);
}

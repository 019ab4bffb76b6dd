/* idmap.c - ids to dense numbers by 64-bit digest.  MIT licence. */
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "idmap.h"
#include "opflow.h"

/* the slot of digest h: its own, or the empty one where it would go */
static uint64_t *probe(const op_idmap *m, uint64_t h)
{
	size_t mask = m->nslot - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		uint64_t s = m->slot[i];
		if (!s || ((s >> 32) == (h >> 32) && m->digest[(uint32_t)s - 1] == h))
			return &m->slot[i];
	}
}

static void rehash(op_idmap *m)
{
	uint64_t *old = m->slot;
	size_t n = m->nslot;
	m->nslot = n ? 2 * n : 64;
	m->slot = op_xcalloc(m->nslot, sizeof *m->slot);
	for (size_t i = 0; i < n; i++)
		if (old[i])
			*probe(m, m->digest[(uint32_t)old[i] - 1]) = old[i];
	free(old);
}

uint32_t op_idmap_put(op_idmap *m, const char *s, size_t n, int *isnew)
{
	uint64_t d[2];
	op_digest(s, n, d);
	if ((m->n + 1) * 3 > m->nslot * 2)
		rehash(m);
	uint64_t *p = probe(m, d[0]);
	*isnew = !*p;
	if (*p)
		return (uint32_t)*p - 1;
	uint32_t k = op_idmap_new(m);
	m->digest[k] = d[0];
	*p = (d[0] >> 32 << 32) | (uint64_t)(k + 1);
	return k;
}

uint32_t op_idmap_new(op_idmap *m)
{
	if (m->n >= UINT32_MAX / 2)
		op_die(OP_EXIT_SOFTWARE, "more than 2 billion ids");
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->digest = op_xrealloc(m->digest, m->cap * sizeof *m->digest);
	}
	m->digest[m->n] = 0;
	return (uint32_t)m->n++;
}

void op_idmap_free(op_idmap *m)
{
	free(m->slot);
	free(m->digest);
	memset(m, 0, sizeof *m);
}

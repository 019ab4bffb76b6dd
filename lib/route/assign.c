/* assign.c - teams, owners and assignment state (assign.h).
 * MIT licence, see COPYING. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "charset.h"
#include "lex.h"
#include "state.h"

const char *const op_assign_modes[] = { "round-robin", "least-open", "first", "none", NULL };

#define DUMP_CHUNK 65536

int op_assign_mode(const char *s)
{
	return op_p_index(s, op_assign_modes);
}

void op_assign_init(op_assigner *a)
{
	memset(a, 0, sizeof *a);
	a->forget_before = OP_ASSIGN_OPEN;
}

static void free_team(void *v)
{
	op_team *t = v;
	free(t->owners);
}

void op_assign_free(op_assigner *a)
{
	op_hmap_free(&a->owners, NULL);
	op_hmap_free(&a->teams, free_team);
	op_hmap_free(&a->names, NULL);
	free(a->tv);
	free(a->ov);
	free(a->tnames);
	free(a->av);
	free(a->slot);
	op_buf_free(&a->ids);
	op_buf_free(&a->key);
	op_arena_free(&a->arena);
}

op_owner *op_assign_owner(op_assigner *a, const char *name)
{
	int isnew;
	void **slot = op_hmap_put(&a->owners, name, strlen(name), &isnew);
	if (isnew) {
		op_owner *o = op_arena_alloc(&a->arena, sizeof *o);
		o->name = op_arena_strndup(&a->arena, name, strlen(name));
		op_buf j = {0};
		op_buf_json_cstr(&j, name);
		o->json = op_arena_strndup(&a->arena, j.p, j.len);
		o->jsonlen = j.len;
		op_buf_free(&j);
		o->away_until = INT64_MIN;
		o->index = (uint32_t)a->nov;
		a->ov = op_grow(a->ov, a->nov, &a->capov, sizeof *a->ov);
		a->ov[a->nov++] = o;
		*slot = o;
	}
	return *slot;
}

/* the index of a team name in tnames, added when new */
static uint32_t name_index(op_assigner *a, const char *name, size_t n)
{
	int isnew;
	void **slot = op_hmap_put(&a->names, name, n, &isnew);
	if (isnew) {
		a->tnames = op_grow(a->tnames, a->ntn, &a->captn, sizeof *a->tnames);
		a->tnames[a->ntn++] = op_arena_strndup(&a->arena, name, n);
		*slot = (void *)(uintptr_t)a->ntn;
	}
	return (uint32_t)((uintptr_t)*slot - 1);
}

op_team *op_assign_team(op_assigner *a, const char *name, int *isnew)
{
	void **slot = op_hmap_put(&a->teams, name, strlen(name), isnew);
	if (*isnew) {
		op_team *t = op_arena_alloc(&a->arena, sizeof *t);
		t->name = op_arena_strndup(&a->arena, name, strlen(name));
		t->name_ix = name_index(a, name, strlen(name));
		a->tv = op_xrealloc(a->tv, (a->nt + 1) * sizeof *a->tv);
		a->tv[a->nt++] = t;
		*slot = t;
	}
	return *slot;
}

/* ---- the table of ids ---- */

/* An id's text in ids: its escaped length as a base-128 varint, then the
 * escaped bytes (the form the file writes, so dumping copies it). */
static const char *id_text(const op_assigner *a, const op_assigned *e, size_t *n)
{
	const unsigned char *p = (const unsigned char *)a->ids.p + e->text;
	size_t len = 0;
	for (int sh = 0;; sh += 7) {
		len |= (size_t)(*p & 0x7f) << sh;
		if (!(*p++ & 0x80))
			break;
	}
	*n = len;
	return (const char *)p;
}

/* a->key := id escaped; its hash */
static uint64_t make_key(op_assigner *a, const char *id, size_t n)
{
	op_buf_reset(&a->key);
	op_state_escape(&a->key, id, n);
	return op_hash(id, n);
}

/* the slot of the entry of key (hash h), or the empty one where it goes */
static uint32_t *probe(const op_assigner *a, uint64_t h, int match)
{
	size_t mask = a->nslot - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		uint32_t s = a->slot[i];
		if (!s)
			return &a->slot[i];
		const op_assigned *e = &a->av[s - 1];
		size_t n;
		const char *t;
		if (match && e->hash == h && (t = id_text(a, e, &n), n == a->key.len) &&
		    !memcmp(t, a->key.p, n))
			return &a->slot[i];
	}
}

static void grow_slots(op_assigner *a, size_t n)
{
	if (n * 3 <= a->nslot * 2)
		return;
	size_t want = a->nslot ? a->nslot : 64;
	while (n * 3 > want * 2)
		want *= 2;
	free(a->slot);
	a->nslot = want;
	a->slot = op_xcalloc(want, sizeof *a->slot);
	for (size_t i = 0; i < a->na; i++)
		*probe(a, a->av[i].hash, 0) = (uint32_t)(i + 1);
}

void op_assign_reserve(op_assigner *a, size_t n)
{
	if (n > UINT32_MAX / 2)
		n = UINT32_MAX / 2;
	if (a->na + n > a->capa) {
		a->capa = a->na + n;
		a->av = op_xrealloc(a->av, a->capa * sizeof *a->av);
	}
	grow_slots(a, a->na + n);
}

/* the entry of the id in a->key (hash h), NULL when it has none */
static op_assigned *find(const op_assigner *a, uint64_t h)
{
	if (!a->na)
		return NULL;
	uint32_t s = *probe(a, h, 1);
	return s ? &a->av[s - 1] : NULL;
}

/* a new entry for the id in a->key (hash h), which has none */
static op_assigned *remember(op_assigner *a, uint64_t h)
{
	if (a->na >= UINT32_MAX / 2)
		op_die(OP_EXIT_SOFTWARE, "more than 2 billion enquiries in the state");
	grow_slots(a, a->na + 1);
	a->av = op_grow(a->av, a->na, &a->capa, sizeof *a->av);
	op_assigned *e = &a->av[a->na];
	*probe(a, h, 0) = (uint32_t)++a->na;
	e->hash = h;
	e->text = a->ids.len;
	for (size_t n = a->key.len; ; n >>= 7) {
		op_buf_addc(&a->ids, (char)((n & 0x7f) | (n > 0x7f ? 0x80 : 0)));
		if (n <= 0x7f)
			break;
	}
	op_buf_add(&a->ids, a->key.p, a->key.len);
	return e;
}

/* "open", or "closed TIME" (version 1: "closed", closed at a->now) */
static int get_status(op_assigner *a, const char *q, const char *eol, op_time *closed_at)
{
	size_t n = (size_t)(eol - q);
	if (n == 5 && !memcmp(q, " open", 5)) {
		*closed_at = OP_ASSIGN_OPEN;
		return 0;
	}
	if (n < 7 || memcmp(q, " closed", 7))
		return -1;
	if (n == 7) {
		*closed_at = a->now;
		return 0;
	}
	int naive;
	return q[7] != ' ' || op_time_parse(q + 8, n - 8, closed_at, &naive) || naive ||
	       !op_time_in_range(*closed_at) ? -1 : 0;
}

int op_assign_load(op_assigner *a, const char *body, size_t n, const char *file,
		   unsigned long line0, op_err *err)
{
	a->stateful = 1;
	op_buf f[3] = { { 0 } };
	int rc = 0;
	const char *p = body, *end = body + n;
	for (unsigned long line = line0; p < end && !rc; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *q;
		if (eol - p > 3 && !memcmp(p, "rr ", 3)) {
			q = p + 2;
			char *e = NULL;
			unsigned long long pos = 0;
			if (!op_state_get_field(&q, eol, &f[0]) && q + 1 < eol && q[1] >= '0' && q[1] <= '9')
				pos = strtoull(q + 1, &e, 10);
			if (e != eol)
				goto bad;
			op_team *t = op_hmap_get(&a->teams, f[0].p, f[0].len);
			if (t)
				t->rr = pos;
		} else if (eol - p > 2 && !memcmp(p, "a ", 2)) {
			q = p + 1;
			op_time closed_at;
			for (int i = 0; i < 3; i++)
				if (op_state_get_field(&q, eol, &f[i]))
					goto bad;
			if (get_status(a, q, eol, &closed_at))
				goto bad;
			/* names are C strings, and an owner's goes into records */
			if (memchr(f[1].p, 0, f[1].len) || memchr(f[2].p, 0, f[2].len) || op_utf8_valid_prefix(f[2].p, f[2].len) != f[2].len)
				goto bad;
			uint64_t h = make_key(a, f[0].p, f[0].len);
			if (find(a, h)) {
				op_errf(err, OP_EXIT_CONFIG, "%s:%lu: enquiry '%.60s' twice", file, line, f[0].p);
				rc = -1;
				break;
			}
			op_assigned *e = remember(a, h);
			e->team = name_index(a, f[1].p, f[1].len);
			op_owner *o = op_assign_owner(a, f[2].p);
			e->owner = o->index;
			e->closed_at = closed_at;
			o->open += closed_at == OP_ASSIGN_OPEN;
		} else {
			goto bad;
		}
		p = nl ? nl + 1 : end;
		continue;
	bad:
		op_errf(err, OP_EXIT_CONFIG, "%s:%lu: damaged line \"%.*s\"", file, line,
			 (int)(eol - p > 60 ? 60 : eol - p), p);
		rc = -1;
	}
	for (int i = 0; i < 3; i++)
		op_buf_free(&f[i]);
	return rc;
}

int op_assign_dump(op_assigner *a, op_buf *out, size_t *at)
{
	size_t from = *at;
	if (!from) {
		for (size_t i = 0; i < a->nt; i++) {
			if (a->tv[i]->mode != OP_ASSIGN_ROUND_ROBIN)
				continue;
			op_buf_adds(out, "rr");
			op_state_put_field(out, a->tv[i]->name, strlen(a->tv[i]->name));
			op_buf_printf(out, " %llu\n", (unsigned long long)a->tv[i]->rr);
		}
	}
	/* one entry at least a call, however long the rr lines were */
	for (; *at < a->na && (*at == from || out->len < DUMP_CHUNK); ++*at) {
		const op_assigned *e = &a->av[*at];
		if (e->closed_at != OP_ASSIGN_OPEN && e->closed_at < a->forget_before)
			continue;
		size_t n;
		const char *t = id_text(a, e, &n);
		op_buf_adds(out, "a ");
		op_buf_add(out, t, n);
		op_state_put_field(out, a->tnames[e->team], strlen(a->tnames[e->team]));
		const op_owner *o = a->ov[e->owner];
		op_state_put_field(out, o->name, strlen(o->name));
		if (e->closed_at == OP_ASSIGN_OPEN) {
			op_buf_adds(out, " open\n");
		} else {
			char ts[21];
			op_buf_adds(out, " closed ");
			op_buf_add(out, ts, op_time_format(e->closed_at, ts));
			op_buf_addc(out, '\n');
		}
	}
	return *at < a->na;
}

static void set_closed(op_assigner *a, op_assigned *e, op_time now)
{
	if (e->closed_at == OP_ASSIGN_OPEN) {
		e->closed_at = now;
		a->ov[e->owner]->open--;
	}
}

void op_assign_close(op_assigner *a, const char *id, size_t n)
{
	op_assigned *e = find(a, make_key(a, id, n));
	if (e)
		set_closed(a, e, a->now);
}

static int present(const op_owner *o, op_time now)
{
	return now >= o->away_until;
}

static op_owner *choose(op_assigner *a, op_team *t, const char *id, size_t n, op_time now)
{
	size_t avail = 0;
	for (size_t i = 0; i < t->n; i++)
		avail += present(t->owners[i], now);
	if (!avail || t->mode == OP_ASSIGN_NONE)
		return NULL;
	if (t->mode == OP_ASSIGN_FIRST) {
		for (size_t i = 0;; i++)
			if (present(t->owners[i], now))
				return t->owners[i];
	}
	if (!a->stateful) {
		/* the k-th owner present, k from the id: stable across runs */
		uint64_t k = op_hash(id, n) % avail;
		for (size_t i = 0;; i++)
			if (present(t->owners[i], now) && !k--)
				return t->owners[i];
	}
	if (t->mode == OP_ASSIGN_LEAST_OPEN) {
		op_owner *best = NULL;
		for (size_t i = 0; i < t->n; i++)
			if (present(t->owners[i], now) && (!best || t->owners[i]->open < best->open))
				best = t->owners[i];
		return best;
	}
	for (size_t i = 0;; i++) {
		size_t k = (size_t)((t->rr + i) % t->n);
		if (present(t->owners[k], now)) {
			t->rr = k + 1;
			return t->owners[k];
		}
	}
}

int op_assign_id_ok(const char *id, size_t n)
{
	(void)id;
	return n > 0;
}

static int in_team(const op_team *t, const op_owner *o)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->owners[i] == o)
			return 1;
	return 0;
}

/* e's owner has left t or is away: an open enquiry goes to one present */
static void reassign(op_assigner *a, op_team *t, op_assigned *e, const char *id, size_t n, op_time now,
		     const op_owner **from)
{
	op_owner *had = a->ov[e->owner];
	if (e->closed_at != OP_ASSIGN_OPEN || (in_team(t, had) && present(had, now)))
		return;
	op_owner *o = choose(a, t, id, n, now);
	if (!o)
		return;		/* nobody else: it stays where it was */
	*from = had;
	had->open--;
	e->owner = o->index;
	o->open++;
	a->fresh++;
}

const op_owner *op_assign_pick(op_assigner *a, op_team *t, const char *id, size_t n, op_time now,
			       int closed, const op_owner **from)
{
	*from = NULL;
	if (!op_assign_id_ok(id, n))
		return NULL;
	if (!a->stateful)
		return choose(a, t, id, n, now);
	uint64_t h = make_key(a, id, n);
	op_assigned *e = find(a, h);
	if (e && e->team == t->name_ix) {
		if (closed)
			set_closed(a, e, now);
		reassign(a, t, e, id, n, now, from);
		return a->ov[e->owner];
	}
	op_owner *o = choose(a, t, id, n, now);
	if (!o)
		return NULL;	/* nothing to remember: a later run may find someone */
	if (e)
		set_closed(a, e, now);	/* moved from another team */
	else
		e = remember(a, h);
	e->team = t->name_ix;
	e->owner = o->index;
	e->closed_at = closed ? now : OP_ASSIGN_OPEN;
	o->open += !closed;
	a->fresh++;
	return o;
}

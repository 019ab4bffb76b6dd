/* assign.c - teams, owners and assignment state (assign.h).
 * MIT licence, see COPYING. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "charset.h"
#include "lex.h"

const char *const op_assign_modes[] = { "round-robin", "least-open", "first", "none", NULL };

struct op_assigned {
	const char *id, *team;
	size_t idlen;		/* an id may hold a NUL (JSON's \u0000) */
	op_owner *owner;
	int open;
};

int op_assign_mode(const char *s)
{
	return op_p_index(s, op_assign_modes);
}

void op_assign_init(op_assigner *a)
{
	memset(a, 0, sizeof *a);
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
	op_hmap_free(&a->ids, NULL);
	op_hmap_free(&a->names, NULL);
	free(a->tv);
	free(a->av);
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
		*slot = o;
	}
	return *slot;
}

op_team *op_assign_team(op_assigner *a, const char *name, int *isnew)
{
	void **slot = op_hmap_put(&a->teams, name, strlen(name), isnew);
	if (*isnew) {
		op_team *t = op_arena_alloc(&a->arena, sizeof *t);
		t->name = op_arena_strndup(&a->arena, name, strlen(name));
		a->tv = op_xrealloc(a->tv, (a->nt + 1) * sizeof *a->tv);
		a->tv[a->nt++] = t;
		*slot = t;
	}
	return *slot;
}

/* ---- state lines ---- */

static void put_field(op_buf *b, const char *s, size_t n)
{
	op_buf_addc(b, ' ');
	size_t run = 0;		/* bytes written as they are, in one go */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c > ' ' && c != '%' && c != 0x7f) {
			run++;
			continue;
		}
		op_buf_add(b, s + i - run, run);
		run = 0;
		op_buf_printf(b, "%%%02X", c);
	}
	op_buf_add(b, s + n - run, run);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* the next space-separated field of the line, %XX decoded into d */
static int get_field(const char **p, const char *end, op_buf *d)
{
	op_buf_reset(d);
	if (*p >= end || **p != ' ')
		return -1;
	const char *s = ++*p, *sp = memchr(s, ' ', (size_t)(end - s));
	*p = sp ? sp : end;
	size_t n = (size_t)(*p - s);
	if (!n)
		return -1;
	if (!memchr(s, '%', n)) {
		op_buf_add(d, s, n);
		return 0;
	}
	op_buf_grow(d, n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			d->p[d->len++] = s[i];
			continue;
		}
		int h = i + 2 < n ? hexval(s[i + 1]) : -1, l = h >= 0 ? hexval(s[i + 2]) : -1;
		if (l < 0)
			return -1;
		d->p[d->len++] = (char)(h * 16 + l);
		i += 2;
	}
	d->p[d->len] = 0;
	return 0;
}

/* a team name from the state: the rules' team, or one kept once */
static const char *team_name(op_assigner *a, const op_buf *b)
{
	for (size_t i = 0; i < a->nt; i++)	/* a handful: cheaper than a hash */
		if (!strcmp(a->tv[i]->name, b->p))
			return a->tv[i]->name;
	int isnew;
	void **slot = op_hmap_put(&a->names, b->p, b->len, &isnew);
	if (isnew)
		*slot = op_arena_strndup(&a->arena, b->p, b->len);
	return *slot;
}

static op_assigned *remember(op_assigner *a, const char *id, size_t n)
{
	int isnew;
	void **slot = op_hmap_put(&a->ids, id, n, &isnew);
	if (!isnew)
		return *slot;
	op_assigned *e = op_arena_alloc(&a->arena, sizeof *e);
	e->id = op_arena_strndup(&a->arena, id, n);
	e->idlen = n;
	*slot = e;
	a->av = op_grow(a->av, a->na, &a->capa, sizeof *a->av);
	a->av[a->na++] = e;
	return e;
}

int op_assign_load(op_assigner *a, const char *body, size_t n, const char *file,
		   unsigned long line0, op_err *err)
{
	a->stateful = 1;
	op_buf f[4] = { { 0 } };
	int rc = 0;
	const char *p = body, *end = body + n;
	for (unsigned long line = line0; p < end && !rc; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *q;
		if (eol - p > 3 && !memcmp(p, "rr ", 3)) {
			q = p + 2;
			char *e = NULL;
			unsigned long long pos = 0;
			if (!get_field(&q, eol, &f[0]) && q + 1 < eol && q[1] >= '0' && q[1] <= '9')
				pos = strtoull(q + 1, &e, 10);
			if (e != eol)
				goto bad;
			op_team *t = op_hmap_get(&a->teams, f[0].p, f[0].len);
			if (t)
				t->rr = pos;
		} else if (eol - p > 2 && !memcmp(p, "a ", 2)) {
			q = p + 1;
			for (int i = 0; i < 4; i++)
				if (get_field(&q, eol, &f[i]))
					goto bad;
			if (q != eol || (strcmp(f[3].p, "open") && strcmp(f[3].p, "closed")))
				goto bad;
			/* names are C strings, and an owner's goes into records */
			if (memchr(f[1].p, 0, f[1].len) || memchr(f[2].p, 0, f[2].len) || op_utf8_valid_prefix(f[2].p, f[2].len) != f[2].len)
				goto bad;
			op_assigned *e = remember(a, f[0].p, f[0].len);
			if (e->owner) {
				op_errf(err, OP_EXIT_CONFIG, "%s:%lu: enquiry '%.60s' twice", file, line, f[0].p);
				rc = -1;
				break;
			}
			e->team = team_name(a, &f[1]);
			e->owner = op_assign_owner(a, f[2].p);
			e->open = f[3].p[0] == 'o';
			e->owner->open += e->open;
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
	for (int i = 0; i < 4; i++)
		op_buf_free(&f[i]);
	return rc;
}

void op_assign_dump(const op_assigner *a, op_buf *out)
{
	for (size_t i = 0; i < a->nt; i++) {
		if (a->tv[i]->mode != OP_ASSIGN_ROUND_ROBIN)
			continue;
		op_buf_adds(out, "rr");
		put_field(out, a->tv[i]->name, strlen(a->tv[i]->name));
		op_buf_printf(out, " %llu\n", (unsigned long long)a->tv[i]->rr);
	}
	for (size_t i = 0; i < a->na; i++) {
		const op_assigned *e = a->av[i];
		if (!e->owner)
			continue;
		op_buf_adds(out, "a");
		put_field(out, e->id, e->idlen);
		put_field(out, e->team, strlen(e->team));
		put_field(out, e->owner->name, strlen(e->owner->name));
		op_buf_adds(out, e->open ? " open\n" : " closed\n");
	}
}

static void set_closed(op_assigned *e)
{
	if (e->open && e->owner) {
		e->open = 0;
		e->owner->open--;
	}
}

void op_assign_close(op_assigner *a, const char *id, size_t n)
{
	op_assigned *e = op_hmap_get(&a->ids, id, n);
	if (e)
		set_closed(e);
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
static void reassign(op_assigner *a, op_team *t, op_assigned *e, op_time now, const op_owner **from)
{
	if (!e->open || (in_team(t, e->owner) && present(e->owner, now)))
		return;
	op_owner *o = choose(a, t, e->id, e->idlen, now);
	if (!o)
		return;		/* nobody else: it stays where it was */
	*from = e->owner;
	e->owner->open--;
	e->owner = o;
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
	op_assigned *e = op_hmap_get(&a->ids, id, n);
	if (e && e->owner && !strcmp(e->team, t->name)) {
		if (closed)
			set_closed(e);
		reassign(a, t, e, now, from);
		return e->owner;
	}
	op_owner *o = choose(a, t, id, n, now);
	if (!o)
		return NULL;	/* nothing to remember: a later run may find someone */
	if (!e)
		e = remember(a, id, n);
	set_closed(e);		/* moved from another team */
	e->team = t->name;
	e->owner = o;
	e->open = !closed;
	o->open += e->open;
	a->fresh++;
	return o;
}

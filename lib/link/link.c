/* link.c - thread enquiries, count follow-ups and replies, join CRM rows.
 * MIT licence, see COPYING.
 *
 * Threading is a union-find over Message-IDs (RFC 5322 §3.6.4): a message
 * is united with its In-Reply-To and with every id of its References, so
 * the thread is the connected set, whatever order the messages arrive in
 * and whatever loops a broken References field draws; union by rank and
 * path halving keep a 10,000-message thread linear.  Neither headers nor
 * bodies are held: per message a node, its kind and time; per enquiry or
 * CRM row, where its line lies (lines.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hmap.h"
#include "idmap.h"
#include "lines.h"
#include "link.h"

#define NOTIME INT64_MAX	/* undated: after every time */
#define NONE UINT32_MAX

typedef struct {
	uint32_t parent;
	uint8_t rank, seen;	/* seen: a message with this id was read */
} node;

/* The arrays below are many: 4-byte alignment keeps their 64-bit members
 * from padding each element (x86 and ARM read them unaligned at no cost;
 * the compiler knows the alignment elsewhere). */
#define PACKED __attribute__((packed, aligned(4)))

typedef struct PACKED {	/* an incoming message: 28 bytes */
	op_time at;
	uint64_t pos;		/* its line (lines.h; input order) */
	uint64_t email;		/* hash of the lower-cased address */
	uint32_t node : 31, by_subject : 1;	/* ids are fewer than 2^31 (idmap) */
} in_msg;

typedef struct {		/* a message of ours: 16 bytes */
	op_time at;
	uint32_t who;		/* sender (NONE: none) */
	uint32_t node : 31, by_subject : 1;
} out_msg;

typedef struct PACKED {	/* one CRM row or form, by deal id or id: 56 bytes */
	op_time at;		/* the oldest snapshot's received_at */
	op_time updated, first_updated;	/* the newest and the oldest snapshot's */
	uint64_t pos, first_pos, email;	/* first_pos: its place in the output */
	uint32_t enq;		/* the node of its enquiry_id; after threading,
				 * that thread's enquiry (NONE: none) */
	uint8_t deal, joined;
} row;

typedef struct PACKED {	/* one record to write: 68 bytes */
	op_time at, last_in, first_out;
	uint64_t pos;		/* output order: a thread's enquiry's line, a
				 * row's oldest snapshot's (its line: the row's) */
	uint64_t email;
	uint32_t followups, responses, early, who;
	uint32_t row, deal;	/* row: NONE for a mail thread */
	uint8_t deal_by;	/* 1 by id, 2 by email */
	uint8_t by_subject;	/* a message joined by sender and subject */
} enq;

/* The members enq-link reads, found in one pass over a record. */
enum { K_MESSAGE_ID, K_IN_REPLY_TO, K_REFERENCES, K_DIRECTION, K_AUTO, K_RECEIVED_AT,
       K_UPDATED_AT, K_EMAIL, K_TO, K_SUBJECT, K_DEAL_ID, K_ID, K_STATUS, K_STAGE,
       K_ENQUIRY_ID, NKEYS };
static const char *const key_names[NKEYS] = {
	"message_id", "in_reply_to", "references", "direction", "auto", "received_at",
	"updated_at", "email", "to", "subject", "deal_id", "id", "status", "stage",
	"enquiry_id",
};

struct op_link {
	op_link_opt o;
	node *nodes;
	size_t nnodes, capnodes;
	in_msg *ins;
	size_t nins, capins;
	out_msg *outs;
	size_t nouts, capouts;
	row *rows;
	size_t nrows, caprows;
	op_idmap ids, keys;	/* Message-ID -> node, row key -> row */
	op_hmap whos;		/* sender -> who */
	op_hmap subjects;		/* --by-subject: address and subject -> last */
	struct last { uint32_t node; op_time at; } *last;
	size_t nlast, caplast;
	char **who;
	size_t nwho, capwho;
	op_lines *lines;
	unsigned long long autos, dups, snapshots, orphans, early, followups, responses, joined;
	op_buf tmp, key;
	const op_field *k[NKEYS];	/* the current record's members, by K_ */
};


op_link *op_link_new(const op_link_opt *o)
{
	op_link *l = op_xcalloc(1, sizeof *l);
	l->o = *o;
	l->lines = op_lines_new();
	return l;
}

/* ---- union-find over Message-IDs ---- */

/* The node of a Message-ID (n > 0) or of a message without one; a node's
 * number is its id's in l->ids. */
static uint32_t node_of(op_link *l, const char *id, size_t n)
{
	int isnew = 1;
	uint32_t k = n ? op_idmap_put(&l->ids, id, n, &isnew) : op_idmap_new(&l->ids);
	if (isnew) {
		l->nodes = op_grow(l->nodes, l->nnodes, &l->capnodes, sizeof *l->nodes);
		l->nodes[l->nnodes++] = (node){ .parent = k };
	}
	return k;
}

static uint32_t find(node *nd, uint32_t x)
{
	while (nd[x].parent != x) {
		nd[x].parent = nd[nd[x].parent].parent;	/* path halving */
		x = nd[x].parent;
	}
	return x;
}

static void unite(node *nd, uint32_t a, uint32_t b)
{
	a = find(nd, a);
	b = find(nd, b);
	if (a == b)
		return;
	if (nd[a].rank < nd[b].rank) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	nd[b].parent = a;
	if (nd[a].rank == nd[b].rank)
		nd[a].rank++;
}

#define ROOT 255	/* rank of a flattened root: union by rank stays below 32 */

/* After the last union: every node points at its root, and a root's
 * parent field is free to hold its thread's enquiry (NONE so far). */
static void flatten(node *nd, size_t n)
{
	for (size_t i = 0; i < n; i++)
		nd[i].parent = find(nd, (uint32_t)i);
	for (size_t i = 0; i < n; i++)
		if (nd[i].parent == i) {
			nd[i].rank = ROOT;
			nd[i].parent = NONE;
		}
}

/* The enquiry slot of x's thread, once flattened. */
static uint32_t *thread_of(node *nd, uint32_t x)
{
	return &nd[nd[x].rank == ROOT ? x : nd[x].parent].parent;
}

/* ---- reading a record ---- */

static void gather(op_link *l, op_rec *r)
{
	int esc = 0;
	memset(l->k, 0, sizeof l->k);
	for (size_t i = 0; i < r->nf; i++) {
		const op_field *f = &r->f[i];
		esc |= f->kesc;
		for (int j = 0; j < NKEYS && !f->kesc; j++)
			if (f->klen && f->k[0] == key_names[j][0] && !strncmp(f->k, key_names[j], f->klen) &&
			    !key_names[j][f->klen]) {
				l->k[j] = f;
				break;
			}
	}
	/* a key written with escapes: the scanner decodes it */
	for (int j = 0; j < NKEYS && esc; j++)
		l->k[j] = op_rec_get(r, key_names[j], strlen(key_names[j]));
}

/* Member k is there and not null. */
static int has(op_link *l, int k)
{
	return l->k[k] && l->k[k]->type != OP_JNULL;
}

/* Member k's string, or n = 0 when missing or null; -1 when it is there
 * but no string. */
static int str_of(op_link *l, int k, const char **s, size_t *n)
{
	const op_field *f = l->k[k];
	*n = 0;
	if (!has(l, k))
		return 0;
	if (f->type != OP_JSTR)
		return -1;
	op_jstr(f->v, f->vlen, f->vesc, &l->tmp, s, n);
	return 0;
}

/* A Message-ID as the record gives it, without blanks and <>. */
static void bare_id(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '<'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '>'))
		(*n)--;
}

/* A time member: 0 (NOTIME when missing or null), or -1 with the record
 * rejected. */
static int time_of(op_stream *st, op_link *l, int k, op_time *t)
{
	const char *s;
	size_t n;
	*t = NOTIME;
	if (str_of(l, k, &s, &n) || (n && op_time_parse(s, n, t, NULL))) {
		op_reject(st, "%s: an RFC 3339 time with a zone expected", key_names[k]);
		return -1;
	}
	return 0;
}

/* s[0..n) with ASCII letters in lower case, appended to b */
static void lower_into(op_buf *b, const char *s, size_t n)
{
	op_buf_grow(b, n);
	for (size_t i = 0; i < n; i++)
		b->p[b->len++] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	b->p[b->len] = 0;
}

static uint64_t email_of(op_link *l)
{
	const char *s;
	size_t n;
	if (str_of(l, K_EMAIL, &s, &n) || !n)
		return 0;
	op_buf_reset(&l->key);
	lower_into(&l->key, s, n);
	return op_hash(l->key.p, l->key.len) | 1;	/* 0 is "no email" */
}

static uint32_t who_of(op_link *l)
{
	const char *s;
	size_t n;
	int isnew;
	if (str_of(l, K_EMAIL, &s, &n) || !n)
		return NONE;
	void **v = op_hmap_put(&l->whos, s, n, &isnew);
	if (isnew) {
		l->who = op_grow(l->who, l->nwho, &l->capwho, sizeof *l->who);
		l->who[l->nwho] = op_xstrndup(s, n);
		*v = (void *)(uintptr_t)++l->nwho;
	}
	return (uint32_t)((uintptr_t)*v - 1);
}

static int is_message(op_link *l)
{
	return has(l, K_MESSAGE_ID) || has(l, K_IN_REPLY_TO) || has(l, K_REFERENCES) ||
	       has(l, K_DIRECTION);
}

/* direction: 0 in, 1 out, -1 not "in" or "out"; auto: 1 when set */
static int kind_of(op_stream *st, op_link *l, int *out, int *autom)
{
	const char *s;
	size_t n;
	if (str_of(l, K_DIRECTION, &s, &n) || (n && !(n == 2 && !memcmp(s, "in", 2)) &&
							 !(n == 3 && !memcmp(s, "out", 3)))) {
		op_reject(st, "direction: \"in\" or \"out\" expected");
		return -1;
	}
	*out = n == 3;
	if (str_of(l, K_AUTO, &s, &n) ||
	    (n && !(n == 5 && !memcmp(s, "reply", 5)) && !(n == 6 && !memcmp(s, "bounce", 6)) &&
	     !(n == 4 && !memcmp(s, "bulk", 4)))) {
		op_reject(st, "auto: \"reply\", \"bounce\" or \"bulk\" expected");
		return -1;
	}
	*autom = n > 0;
	return 0;
}

/* The thread links of r, checked before anything is kept. */
static int check_links(op_stream *st, op_link *l)
{
	const char *s;
	size_t n;
	if (str_of(l, K_MESSAGE_ID, &s, &n) || str_of(l, K_IN_REPLY_TO, &s, &n)) {
		op_reject(st, "message_id and in_reply_to: strings expected");
		return -1;
	}
	const op_field *f = l->k[K_REFERENCES];
	if (has(l, K_REFERENCES)) {
		const char *e;
		size_t en, pos = 0;
		if (f->type != OP_JARR)
			goto bad;
		while (op_jarr_next(f->v, f->vlen, &pos, &e, &en))
			if (op_jtype_of(e) != OP_JSTR)
				goto bad;
	}
	return 0;
bad:
	op_reject(st, "references: an array of strings expected");
	return -1;
}

/* 1 when s names a Message-ID to thread by */
static int link_to(op_link *l, uint32_t self, const char *s, size_t n)
{
	bare_id(&s, &n);
	if (n)
		unite(l->nodes, self, node_of(l, s, n));
	return n > 0;
}

/* --by-subject: the customer's address (ours on their side: `to` of a
 * message we sent) and the subject without Re:, Fwd: and the like, lower
 * case with blanks collapsed, into l->key; 0 when either is missing. */
static int subject_key(op_link *l, int out)
{
	static const char *const prefixes[] = { "re", "fwd", "fw", "aw", "sv", NULL };
	const char *s;
	size_t n;
	op_buf_reset(&l->key);
	if (str_of(l, out ? K_TO : K_EMAIL, &s, &n) || !n)
		return 0;
	lower_into(&l->key, s, n);
	op_buf_addc(&l->key, '\n');
	size_t start = l->key.len;
	if (str_of(l, K_SUBJECT, &s, &n))
		return 0;
	const char *end = s + n;
	for (int again = 1; again;) {
		again = 0;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		for (int p = 0; prefixes[p]; p++) {
			size_t k = strlen(prefixes[p]);
			if ((size_t)(end - s) > k && !strncasecmp(s, prefixes[p], k) && s[k] == ':') {
				s += k + 1;
				again = 1;
				break;
			}
		}
	}
	for (int blank = 0; s < end; s++) {
		if (*s == ' ' || *s == '\t') {
			blank = 1;
			continue;
		}
		if (blank && l->key.len > start)
			op_buf_addc(&l->key, ' ');
		blank = 0;
		op_buf_addc(&l->key, (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s));
	}
	return l->key.len > start;
}

/* Every message becomes the last of its address and subject; one with no
 * In-Reply-To or References (not linked) joins the one before, when
 * within the window of it: 1 when it did. */
static int subject_link(op_link *l, uint32_t self, op_time at, int out, int linked)
{
	int isnew;
	if (!subject_key(l, out))
		return 0;
	void **v = op_hmap_put(&l->subjects, l->key.p, l->key.len, &isnew);
	if (isnew) {
		l->last = op_grow(l->last, l->nlast, &l->caplast, sizeof *l->last);
		*v = (void *)(uintptr_t)++l->nlast;
		l->last[l->nlast - 1] = (struct last){ self, at };
		return 0;
	}
	struct last *p = &l->last[(uintptr_t)*v - 1];
	int near = !linked && at != NOTIME && p->at != NOTIME &&
		   (at > p->at ? at - p->at : p->at - at) <= l->o.window;
	if (near)
		unite(l->nodes, self, p->node);
	*p = (struct last){ self, at };
	return near;
}

static int add_message(op_stream *st, op_link *l)
{
	int out, autom;
	op_time at;
	const char *s;
	size_t n;
	if (kind_of(st, l, &out, &autom) || check_links(st, l))
		return 0;
	if (time_of(st, l, K_RECEIVED_AT, &at))
		return 0;
	if (autom && !l->o.keep_auto) {
		l->autos++;
		return 0;
	}
	str_of(l, K_MESSAGE_ID, &s, &n);
	bare_id(&s, &n);
	uint32_t self = node_of(l, s, n);
	if (l->nodes[self].seen) {
		l->dups++;	/* the same mail in two exports: the first counts */
		return 0;
	}
	l->nodes[self].seen = 1;
	str_of(l, K_IN_REPLY_TO, &s, &n);
	int linked = link_to(l, self, s, n);
	const op_field *f = l->k[K_REFERENCES];
	if (f && f->type == OP_JARR) {
		const char *e;
		size_t en, pos = 0;
		while (op_jarr_next(f->v, f->vlen, &pos, &e, &en)) {
			op_jstr(e, en, 1, &l->tmp, &s, &n);
			linked |= link_to(l, self, s, n);
		}
	}
	unsigned by_subject = l->o.by_subject && subject_link(l, self, at, out, linked);
	if (out) {
		l->outs = op_grow(l->outs, l->nouts, &l->capouts, sizeof *l->outs);
		l->outs[l->nouts++] = (out_msg){ .at = at, .who = who_of(l), .node = self,
						 .by_subject = by_subject };
	} else {
		l->ins = op_grow(l->ins, l->nins, &l->capins, sizeof *l->ins);
		l->ins[l->nins++] = (in_msg){ .at = at, .email = email_of(l),
					      .pos = op_lines_keep(l->lines, st), .node = self,
					      .by_subject = by_subject };
	}
	return 0;
}

static int is_deal(op_link *l)
{
	return has(l, K_DEAL_ID) || has(l, K_STATUS) || has(l, K_STAGE);
}

/* The key of a row: deal_id, else id (strings, or numbers as written). */
static int row_key(op_link *l, const char **s, size_t *n)
{
	const op_field *f = l->k[has(l, K_DEAL_ID) ? K_DEAL_ID : K_ID];
	if (!f || (f->type != OP_JSTR && f->type != OP_JNUM))
		return -1;
	if (f->type == OP_JNUM) {
		*s = f->v;
		*n = f->vlen;
	} else {
		op_jstr(f->v, f->vlen, f->vesc, &l->tmp, s, n);
	}
	return *n ? 0 : -1;
}

static int add_row(op_stream *st, op_link *l)
{
	op_time at, updated;
	const char *s;
	size_t n;
	if (time_of(st, l, K_RECEIVED_AT, &at) || time_of(st, l, K_UPDATED_AT, &updated))
		return 0;
	if (str_of(l, K_ENQUIRY_ID, &s, &n)) {
		op_reject(st, "enquiry_id: a string expected");
		return 0;
	}
	bare_id(&s, &n);
	uint32_t enq_node = n ? node_of(l, s, n) : NONE;
	if (row_key(l, &s, &n)) {
		op_reject(st, "no deal_id or id to know the row by");
		return 0;
	}
	int isnew;
	uint32_t k = op_idmap_put(&l->keys, s, n, &isnew);
	row *w;
	if (isnew) {
		l->rows = op_grow(l->rows, l->nrows, &l->caprows, sizeof *l->rows);
		w = &l->rows[l->nrows++];
		*w = (row){ .updated = NOTIME, .first_updated = NOTIME, .enq = NONE };
	} else {
		w = &l->rows[k];
		l->snapshots++;
	}
	/* Snapshots of one row: the newest by updated_at is written, else
	 * the last in input order; the oldest (else the first) keeps its
	 * received_at and created_at, so the order of the exports does not
	 * matter when they have updated_at. */
	int newest = isnew || !(w->updated != NOTIME && updated != NOTIME && updated < w->updated);
	int oldest = isnew || (updated != NOTIME && w->first_updated != NOTIME && updated < w->first_updated);
	if (!newest && !oldest)
		return 0;
	uint64_t pos = op_lines_keep(l->lines, st);
	if (newest) {
		w->pos = pos;
		w->updated = updated;
		w->email = email_of(l);
		w->deal |= (uint8_t)is_deal(l);
		if (enq_node != NONE)
			w->enq = enq_node;
	}
	if (oldest) {
		w->first_pos = pos;
		w->first_updated = updated;
		w->at = at;
	}
	return 0;
}

int op_link_add(op_stream *st, op_rec *r, void *ctx)
{
	op_link *l = ctx;
	gather(l, r);
	return is_message(l) ? add_message(st, l) : add_row(st, l);
}

/* ---- settling threads and joins ---- */

typedef struct {
	enq *e;
	size_t n, cap;
} enqs;

static uint32_t new_enq(enqs *q, op_time at, uint64_t pos, uint64_t email)
{
	q->e = op_grow(q->e, q->n, &q->cap, sizeof *q->e);
	q->e[q->n] = (enq){ .at = at, .last_in = at, .first_out = NOTIME, .pos = pos,
			    .email = email, .who = NONE, .row = NONE, .deal = NONE };
	return (uint32_t)q->n++;
}

/* The enquiry of a thread is its earliest incoming message (the first in
 * input order among equals); the other incoming ones are follow-ups. */
static void incoming(op_link *l, enqs *q)
{
	for (size_t i = 0; i < l->nins; i++) {
		const in_msg *m = &l->ins[i];
		uint32_t *t = thread_of(l->nodes, m->node);
		if (*t == NONE) {
			*t = new_enq(q, m->at, m->pos, m->email);
			continue;
		}
		enq *e = &q->e[*t];
		e->by_subject |= m->by_subject;
		e->followups++;
		if (m->at < e->at) {
			e->at = m->at;
			e->pos = m->pos;
			e->email = m->email;
		}
		if (e->last_in == NOTIME || (m->at != NOTIME && m->at > e->last_in))
			e->last_in = m->at;
	}
}

/* Our messages: responses when not dated before the enquiry. */
static void outgoing(op_link *l, enqs *q)
{
	for (size_t i = 0; i < l->nouts; i++) {
		const out_msg *m = &l->outs[i];
		uint32_t t = *thread_of(l->nodes, m->node);
		if (t == NONE) {
			l->orphans++;
			continue;
		}
		enq *e = &q->e[t];
		e->by_subject |= m->by_subject;
		if (m->at != NOTIME && e->at != NOTIME && m->at < e->at) {
			e->early++;
			continue;
		}
		e->responses++;
		if (m->at < e->first_out || e->who == NONE) {
			if (m->at < e->first_out)
				e->first_out = m->at;
			e->who = m->who;
		}
	}
}

typedef struct {
	uint64_t email;
	op_time at;
	uint32_t enq;
} bymail;

static int cmp_bymail(const void *a, const void *b)
{
	const bymail *x = a, *y = b;
	if (x->email != y->email)
		return x->email < y->email ? -1 : 1;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->enq < y->enq ? -1 : x->enq > y->enq;
}

/* The enquiry from the row's address received last at or before it and
 * not more than the window before: the nearest after which it came. */
static uint32_t nearest(const bymail *ix, size_t n, const row *w, op_time window)
{
	size_t lo = 0, hi = n;	/* first entry after (email, at) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix[mid].email < w->email || (ix[mid].email == w->email && ix[mid].at <= w->at))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || ix[lo - 1].email != w->email || w->at - ix[lo - 1].at > window)
		return NONE;
	return ix[lo - 1].enq;
}

/* Joins each CRM row to its enquiry: by enquiry_id, else by email.  An
 * enquiry takes one row, the earliest created; another stands alone. */
static void join(op_link *l, enqs *q)
{
	bymail *ix = op_xcalloc(q->n + 1, sizeof *ix);
	size_t nix = 0;
	for (size_t i = 0; i < q->n; i++)
		if (q->e[i].email && q->e[i].at != NOTIME)
			ix[nix++] = (bymail){ q->e[i].email, q->e[i].at, (uint32_t)i };
	qsort(ix, nix, sizeof *ix, cmp_bymail);
	for (size_t i = 0; i < l->nrows; i++) {
		row *w = &l->rows[i];
		if (!w->deal)
			continue;
		uint32_t t = w->enq;
		uint8_t by = 1;
		if (t == NONE && w->email && w->at != NOTIME) {
			t = nearest(ix, nix, w, l->o.window);
			by = 2;
		}
		if (t == NONE)
			continue;
		enq *e = &q->e[t];
		if (e->deal != NONE) {
			row *had = &l->rows[e->deal];
			if (had->at <= w->at)
				continue;
			had->joined = 0;
		}
		e->deal = (uint32_t)i;
		e->deal_by = by;
		w->joined = 1;
	}
	free(ix);
}

static int cmp_order(const void *a, const void *b, void *vq)
{
	const enqs *q = vq;
	uint64_t x = q->e[*(const uint32_t *)a].pos, y = q->e[*(const uint32_t *)b].pos;
	return x < y ? -1 : x > y;
}

/* The enquiries' numbers in input order (sorting numbers, not the
 * enquiries, keeps qsort's scratch at 4 bytes each). */
/* The threads' enquiries, and each CRM row's by enquiry_id; what only
 * threading needed is freed as soon as it is done with, for the peak. */
static void threads(op_link *l, enqs *q)
{
	op_idmap_free(&l->ids);
	op_hmap_free(&l->subjects, NULL);
	flatten(l->nodes, l->nnodes);
	incoming(l, q);
	free(l->ins);
	l->ins = NULL;
	l->nins = l->capins = 0;
	outgoing(l, q);
	free(l->outs);
	l->outs = NULL;
	l->nouts = l->capouts = 0;
	for (size_t i = 0; i < l->nrows; i++)
		if (l->rows[i].enq != NONE)
			l->rows[i].enq = *thread_of(l->nodes, l->rows[i].enq);
	free(l->nodes);
	l->nodes = NULL;
	l->nnodes = l->capnodes = 0;
}

/* Rows that are enquiries of their own: forms before the join (they can
 * be joined), CRM rows that joined nothing after it. */
static void row_enquiries(op_link *l, enqs *q, int deals)
{
	for (size_t i = 0; i < l->nrows; i++) {
		row *w = &l->rows[i];
		if (w->deal == deals && !w->joined) {
			uint32_t e = new_enq(q, w->at, w->first_pos, w->email);
			q->e[e].row = (uint32_t)i;
		}
	}
}

static uint32_t *settle(op_link *l, enqs *q)
{
	op_idmap_free(&l->keys);
	threads(l, q);
	row_enquiries(l, q, 0);
	join(l, q);
	row_enquiries(l, q, 1);
	for (size_t i = 0; i < l->nrows; i++)
		l->joined += l->rows[i].joined;
	uint32_t *order = op_xcalloc(q->n + 1, sizeof *order);
	for (size_t i = 0; i < q->n; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, q->n, sizeof *order, cmp_order, q);
	return order;
}

/* ---- writing ---- */

typedef struct {
	op_kv kv[16];
	size_t n;
	char times[2][23], nums[3][24];
	op_buf who;
} fields;

static void put(fields *f, const char *key, const char *v, size_t vn)
{
	f->kv[f->n++] = (op_kv){ key, strlen(key), v, vn };
}

static void put_time(fields *f, const char *key, op_time t, int i)
{
	char *b = f->times[i];
	if (t == NOTIME) {
		put(f, key, "null", 4);
		return;
	}
	b[0] = '"';
	op_time_format(t, b + 1);
	b[21] = '"';
	put(f, key, b, 22);
}

static void put_num(fields *f, const char *key, unsigned long long v, int i)
{
	put(f, key, f->nums[i], (size_t)snprintf(f->nums[i], sizeof f->nums[i], "%llu", v));
}

/* key's value in r as it was written, when r has it */
static void put_from(fields *f, const char *key, op_rec *r)
{
	const op_field *x = op_rec_get(r, key, strlen(key));
	if (x)
		put(f, key, x->v, x->vlen);
}

static const char *const crm_fields[] = { "status", "stage", "won", "value", "resolved_at" };

/* The CRM row's outcome, as the row wrote it. */
static void put_deal(fields *f, const enq *e, op_rec *d)
{
	const op_field *k = op_rec_get(d, "deal_id", 7);
	if (!k || k->type == OP_JNULL)
		k = op_rec_get(d, "id", 2);
	put(f, "deal_id", k->v, k->vlen);
	put(f, "crm_by", e->deal_by == 1 ? "\"id\"" : "\"email\"", e->deal_by == 1 ? 4 : 7);
	for (size_t i = 0; i < sizeof crm_fields / sizeof *crm_fields; i++)
		put_from(f, crm_fields[i], d);
}

/* No reply of ours in the mail: the CRM's responded_at, if it has one. */
static void put_first_response(fields *f, const enq *e, op_rec *crm)
{
	const op_field *x = crm ? op_rec_get(crm, "responded_at", 12) : NULL;
	if (e->first_out == NOTIME && x)
		put(f, "first_response_at", x->v, x->vlen);
	else
		put_time(f, "first_response_at", e->first_out, 1);
}

static void warn_early(const enq *e, op_rec *r, op_buf *tmp)
{
	const char *s = "(no id)";
	size_t n = 7;
	const op_field *id = op_rec_get(r, "id", 2);
	if (id && id->type == OP_JSTR)
		op_jstr(id->v, id->vlen, id->vesc, tmp, &s, &n);
	op_warn("%.*s: %u %s dated before the enquiry, not counted", (int)n, s, e->early,
		e->early == 1 ? "reply" : "replies");
}

static void emit_one(op_link *l, op_stream *st, const enq *e, op_line ln[3], fields *f)
{
	op_rec *crm = NULL;
	const row *own = e->row != NONE ? &l->rows[e->row] : NULL;
	op_rec *r = op_lines_get(l->lines, &ln[0], own ? own->pos : e->pos);
	if (e->deal != NONE)
		crm = op_lines_get(l->lines, &ln[1], l->rows[e->deal].pos);
	else if (e->row != NONE)
		crm = r;
	f->n = 0;
	put_num(f, "followups", e->followups, 0);
	put_time(f, "last_customer_at", e->last_in, 0);
	put_num(f, "responses", e->responses, 1);
	put_first_response(f, e, crm);
	op_buf_reset(&f->who);
	if (e->who != NONE)
		op_buf_json_cstr(&f->who, l->who[e->who]);
	put(f, "responded_by", e->who != NONE ? f->who.p : "null", e->who != NONE ? f->who.len : 4);
	if (e->by_subject)
		put(f, "thread_by", "\"subject\"", 9);
	if (e->deal != NONE)
		put_deal(f, e, crm);
	if (own && own->first_pos != own->pos) {
		/* a snapshot row keeps the oldest export's creation times */
		op_rec *first = op_lines_get(l->lines, &ln[2], own->first_pos);
		put_from(f, "received_at", first);
		put_from(f, "created_at", first);
	}
	if (e->early)
		warn_early(e, r, &l->tmp);
	l->followups += e->followups;
	l->responses += e->responses;
	l->early += e->early;
	op_emit_rec(st, r, f->kv, f->n);
}

void op_link_write(op_link *l, op_stream *st)
{
	enqs q = {0};
	op_line ln[3];
	fields f = {0};
	memset(ln, 0, sizeof ln);
	op_lines_seal(l->lines);
	uint32_t *order = settle(l, &q);
	unsigned long long outside = 0;
	for (size_t i = 0; i < q.n && !st->stop; i++) {
		const enq *e = &q.e[order[i]];
		/* every record was linked; only the range's are written (no
		 * time: in no range) */
		if ((l->o.has_from && (e->at == NOTIME || e->at < l->o.from)) ||
		    (l->o.has_to && (e->at == NOTIME || e->at >= l->o.to)))
			outside++;
		else
			emit_one(l, st, e, ln, &f);
	}
	if (l->o.has_from || l->o.has_to)
		op_buf_printf(&st->extra, ",\"outside\":%llu", outside);
	op_buf_printf(&st->extra, ",\"enquiries\":%zu,\"followups\":%llu,\"responses\":%llu,"
		      "\"early_replies\":%llu,\"auto\":%llu,\"duplicates\":%llu,\"snapshots\":%llu,"
		      "\"crm_joined\":%llu,\"orphan_replies\":%llu",
		      q.n, l->followups, l->responses, l->early, l->autos, l->dups, l->snapshots,
		      l->joined, l->orphans);
	for (int i = 0; i < 3; i++)
		op_line_free(&ln[i]);
	op_buf_free(&f.who);
	free(order);
	free(q.e);
}

void op_link_free(op_link *l)
{
	if (!l)
		return;
	op_lines_free(l->lines);
	op_idmap_free(&l->ids);
	op_idmap_free(&l->keys);
	op_hmap_free(&l->whos, NULL);
	op_hmap_free(&l->subjects, NULL);
	free(l->last);
	for (size_t i = 0; i < l->nwho; i++)
		free(l->who[i]);
	free(l->who);
	free(l->nodes);
	free(l->ins);
	free(l->outs);
	free(l->rows);
	op_buf_free(&l->tmp);
	op_buf_free(&l->key);
	free(l);
}

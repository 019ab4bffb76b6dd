/* state.c - fuzz the state file of enq-route --state: lib/state (the
 * header, its version, the closing "end N" count) and the body lines
 * lib/assign reads from it ("rr TEAM POS", "a ID TEAM OWNER open", "a ID
 * TEAM OWNER closed [TIME]", %XX escapes), as enq-route reads them.  A bad file is refused with
 * "FILE:LINE: what", never a crash; a good one's body, committed to a new
 * file, reads back the same; and whatever the assigner then writes (after
 * it has assigned more) it reads back, to the same lines again.
 * MIT licence, see COPYING. */
#include "fuzz.h"
#include "assign.h"
#include "state.h"

FUZZ_SEEDS("tests/data/fuzz-seeds/state/*.state");

#define KIND "enq-route"	/* as enq-route's */
#define VERSION 2

static char dir[64], in_path[96], out_path[96];

static void cleanup(void)
{
	char p[128];
	unlink(in_path);
	unlink(out_path);
	snprintf(p, sizeof p, "%s.lock", in_path);
	unlink(p);
	snprintf(p, sizeof p, "%s.lock", out_path);
	unlink(p);
	rmdir(dir);
	dir[0] = 0;
}

/* a directory of our own for each input, on tmpfs when there is one
 * (commits fsync); removed after it (libFuzzer ends without atexit) */
static void setup(void)
{
	snprintf(dir, sizeof dir, "%s/fuzz-state-XXXXXX", access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(dir))
		fuzz_fail("mkdtemp failed");
	snprintf(in_path, sizeof in_path, "%s/in", dir);
	snprintf(out_path, sizeof out_path, "%s/out", dir);
}

static void write_file(const char *path, const uint8_t *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(d, 1, n, f) != n || fclose(f))
		fuzz_fail("cannot write %s", path);
}

/* the teams of tests/data/route/route.rules, one of each mode */
static void teams(op_assigner *a)
{
	static const struct {
		const char *name;
		int mode;
		const char *owners[4];
	} tv[] = {
		{ "sales", OP_ASSIGN_ROUND_ROBIN, { "alice", "bob", "carol", NULL } },
		{ "service", OP_ASSIGN_LEAST_OPEN, { "dave", "eve", NULL } },
		{ "accounts", OP_ASSIGN_FIRST, { "frank", "grace", NULL } },
		{ "triage", OP_ASSIGN_NONE, { NULL } },
	};
	op_assign_init(a);
	for (size_t i = 0; i < sizeof tv / sizeof *tv; i++) {
		int isnew;
		op_team *t = op_assign_team(a, tv[i].name, &isnew);
		t->mode = tv[i].mode;
		t->owners = op_xmalloc(4 * sizeof *t->owners);
		for (; tv[i].owners[t->n]; t->n++)
			t->owners[t->n] = op_assign_owner(a, tv[i].owners[t->n]);
	}
}

/* err is "FILE:LINE: what" with LINE in [lo, hi] */
static void check_err(const char *err, const char *file, unsigned long lo, unsigned long hi)
{
	size_t fl = strlen(file);
	char *end;
	if (strncmp(err, file, fl) || err[fl] != ':')
		fuzz_fail("error without the file: \"%s\"", err);
	unsigned long line = strtoul(err + fl + 1, &end, 10);
	if (end == err + fl + 1 || strncmp(end, ": ", 2) || !end[2])
		fuzz_fail("error without a line: \"%s\"", err);
	if (line < lo || line > hi)
		fuzz_fail("error at line %lu, not in %lu-%lu: \"%s\"", line, lo, hi, err);
}

static unsigned long lines_of(const char *s, size_t n)
{
	unsigned long k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

/* the body of an open state, all of it: 0, or -1 with err */
static int read_body(op_state *st, op_buf *body, op_err *err)
{
	const char *p;
	size_t n;
	unsigned long line;
	int k;
	while ((k = op_state_next(st, &p, &n, &line, err)) > 0) {
		if (line != 2 + lines_of(body->p ? body->p : "", body->len))
			fuzz_fail("a chunk at line %lu after %zu bytes", line, body->len);
		op_buf_add(body, p, n);
	}
	return k;
}

/* an op_state_commit source: one buffer in one go */
static int whole(void *arg, op_buf *out)
{
	const op_buf *b = arg;
	op_buf_add(out, b->p ? b->p : "", b->len);
	return 0;
}

/* all a's state, as op_assign_dump writes it in chunks */
static void dump_all(op_assigner *a, op_buf *out)
{
	size_t at = 0;
	while (op_assign_dump(a, out, &at))
		;
}

/* assigner a's state, committed to a state file as enq-route does: the
 * file opens and loads into a new assigner, which writes it the same */
static void check_dump(op_assigner *a, const char *what)
{
	op_buf d1 = {0}, d2 = {0}, body = {0};
	dump_all(a, &d1);
	if (d1.len && d1.p[d1.len - 1] != '\n')
		fuzz_fail("%s: state not in lines", what);
	op_state so;
	op_err err = { 0 };
	unlink(out_path);
	if (op_state_open(&so, out_path, KIND, VERSION, 0, &err) ||
	    op_state_commit(&so, KIND, VERSION, whole, &d1, &err))
		fuzz_fail("%s: commit: %s", what, err.msg);
	op_state_close(&so);
	if (op_state_open(&so, out_path, KIND, VERSION, 1, &err) || read_body(&so, &body, &err))
		fuzz_fail("%s: the state written does not open: %s", what, err.msg);
	op_assigner b;
	teams(&b);
	if (op_assign_load(&b, body.p ? body.p : "", body.len, out_path, 2, &err))
		fuzz_fail("%s: the state written does not load: %s", what, err.msg);
	op_state_close(&so);
	op_buf_free(&body);
	dump_all(&b, &d2);
	if (d1.len != d2.len || (d1.len && memcmp(d1.p, d2.p, d1.len)))
		fuzz_fail("%s: state written, read and written again differs", what);
	op_assign_free(&b);
	op_buf_free(&d1);
	op_buf_free(&d2);
}

/* a later run: alice is away and eve has left service; what the state
 * gave them goes to someone present if open, stays if closed */
static void rerun(op_assigner *a, const uint8_t *d, size_t n)
{
	op_assign_owner(a, "alice")->away_until = INT64_MAX;
	op_team *service = op_hmap_get(&a->teams, "service", 7);
	service->n = 1;		/* dave only */
	for (size_t i = 0; i < a->nt; i++) {
		op_team *t = a->tv[i];
		for (size_t k = 0; k < 3 && n; k++) {
			const char *id = (const char *)d + k * n / 3;
			size_t idn = n / 3 < 40 ? n / 3 : 40;
			const op_owner *from, *o = op_assign_pick(a, t, id, idn, 1, 0, &from);
			if (from && (from == o || !o || !strcmp(o->name, "alice") || !strcmp(o->name, "eve")))
				fuzz_fail("team %s: '%.*s' reassigned from %s to %s", t->name, (int)idn, id,
					  from->name, o ? o->name : "nobody");
		}
	}
}

/* lib/assign on the body: refused with its line, or a state that is
 * written back loadable, before and after a run's assignments */
static void check_body(const char *body, size_t len, const uint8_t *d, size_t n)
{
	op_assigner a;
	teams(&a);
	op_err err = { 0 };
	unsigned long nl = lines_of(body, len);
	if (op_assign_load(&a, body, len, in_path, 2, &err)) {
		check_err(err.msg, in_path, 2, 2 + (nl ? nl - 1 : 0));
		op_assign_free(&a);
		return;
	}
	check_dump(&a, "as read");
	/* a run: ids of its own and the input's bytes as ids, in each team
	 * (a NUL in an id is a byte like any other: JSON's \u0000) */
	const char *ids[] = { "R01", "R02", "Q1", "14", "a b%20", "" };
	size_t nid = sizeof ids / sizeof *ids;
	for (size_t i = 0; i < a.nt; i++) {
		op_team *t = a.tv[i];
		for (size_t k = 0; k < nid + 3; k++) {
			const char *id = k < nid ? ids[k] : (const char *)d + (k - nid) * n / 3;
			size_t idn = k < nid ? strlen(id) : (n / 3 < 40 ? n / 3 : 40);
			const op_owner *from, *o = op_assign_pick(&a, t, id, idn, 0, k == 1, &from);
			if (!op_assign_id_ok(id, idn)) {
				/* enq-route refuses the record; nothing is kept */
				if (o)
					fuzz_fail("team %s: an owner for an id the state cannot hold", t->name);
				continue;
			}
			if (o && (!o->name[0] || !fuzz_utf8(o->name, strlen(o->name)) ||
				  o != op_assign_pick(&a, t, id, idn, 0, 0, &from) || from))
				fuzz_fail("team %s: a bad or changing owner for '%.*s'", t->name, (int)idn, id);
			if (!o && t->n && t->mode != OP_ASSIGN_NONE)
				fuzz_fail("team %s: nobody for '%.*s'", t->name, (int)idn, id);
			if (k == 2)
				op_assign_close(&a, id, idn);
		}
	}
	check_dump(&a, "after a run");
	rerun(&a, d, n);
	check_dump(&a, "after owners left");
	op_assign_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	setup();
	write_file(in_path, d, n);
	op_state st;
	op_err err = { 0 };
	op_buf all = {0};
	int rc = op_state_open(&st, in_path, KIND, VERSION, 1, &err);
	if (!rc)
		rc = read_body(&st, &all, &err);
	if (rc && err.code == OP_EXIT_CONFIG) {
		op_buf_free(&all);
		check_err(err.msg, in_path, 1, lines_of((const char *)d, n) + 1);
		op_state_close(&st);
		cleanup();
		return 0;
	}
	if (rc)
		fuzz_fail("op_state_open: %d, %s", err.code, err.msg);

	/* the body: the lines between the header and "end N", N of them */
	const char *nl = memchr(d, '\n', n);
	const char *body = all.p ? all.p : "";
	size_t len = all.len;
	if (!nl || len > n || (size_t)((const char *)d + n - nl) < len + 1 ||
	    memcmp(nl + 1, body, len) || (len && body[len - 1] != '\n'))
		fuzz_fail("the body is not the lines after the header");
	const char *last = nl + 1 + len;
	if ((size_t)((const char *)d + n - last) < 4 || memcmp(last, "end ", 4))
		fuzz_fail("no \"end N\" after the body");

	/* committed to a new file, read back: the same body */
	op_state so;
	unlink(out_path);
	op_buf back = {0};
	if (op_state_open(&so, out_path, KIND, VERSION, 0, &err) || read_body(&so, &back, &err) || back.len)
		fuzz_fail("a new state file: %s", err.msg);
	if (op_state_commit(&so, KIND, VERSION, whole, &all, &err))
		fuzz_fail("commit: %s", err.msg);
	op_state_close(&so);
	if (op_state_open(&so, out_path, KIND, VERSION, 1, &err) || read_body(&so, &back, &err))
		fuzz_fail("the state committed does not read back: %s", err.msg);
	if (back.len != len || (len && memcmp(back.p, body, len)))
		fuzz_fail("the state committed reads back different");
	op_state_close(&so);
	op_buf_free(&back);

	check_body(body, len, d, n);
	op_state_close(&st);
	op_buf_free(&all);
	cleanup();
	return 0;
}

/* enq-route - give every enquiry an owner and an SLA clock.
 *
 *   enq-route [-r RULES] [--state FILE [--close FILE]] [file...]
 *   enq-route --check [-r RULES] [--sample FILE]
 *
 * The first `route NAME [when EXPR] -> TEAM ...` that holds for a record
 * names its team; the team's assignment (lib/assign) or the route's owner
 * names its owner; the route's SLA, added to received_at in wall or
 * business time (lib/calendar), gives due_at.  team, owner, route, sla,
 * due_at, needs_human (and task, priority when the route says so) are
 * spliced into the record.  The engine is lib/route.c; this is options,
 * --state and --close.  MIT licence. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fields.h"
#include "out.h"
#include "route.h"
#include "state.h"

#define STATE_KIND "enq-route"
#define STATE_VERSION 2		/* 2: "closed TIME" (1: "closed"), still read */
#define FORGET_AFTER (90 * 86400)	/* --forget-after's default, 90d */

/* --close FILE: enquiry ids, one a line, or records with an id */
static int read_close(op_assigner *as, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		op_die(OP_EXIT_NOINPUT, "%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int bad = 0;
	op_rec r = {0};
	op_jerr je;
	op_buf idbuf = {0};
	while ((n = op_xgetline(&line, &cap, f)) > 0) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (!n)
			continue;
		const char *id = line;
		size_t idn = (size_t)n;
		if (line[0] == '{') {
			const op_field *idf;
			if (op_rec_scan(&r, line, (size_t)n, &je) || !(idf = op_rec_get(&r, "id", 2)) ||
			    (idf->type != OP_JSTR && idf->type != OP_JNUM)) {
				op_warn("%s:%lu: a record with an id expected", path, lineno);
				bad = 1;
				continue;
			}
			if (idf->type == OP_JSTR)
				op_jstr(idf->v, idf->vlen, idf->vesc, &idbuf, &id, &idn);
			else
				id = idf->v, idn = idf->vlen;
		}
		op_assign_close(as, id, idn);
	}
	if (ferror(f))
		op_die(OP_EXIT_NOINPUT, "%s: read error: %s", path, strerror(errno));
	free(line);
	op_rec_free(&r);
	op_buf_free(&idbuf);
	if (f != stdin)
		fclose(f);
	return bad;
}

/* --state: the file read in chunks into the assigners (two with
 * --compare); dies on error */
static void load_state(op_state *st, op_assigner **as, int nas, const char *path, int replay)
{
	op_err e;
	const char *p;
	size_t n;
	unsigned long line;
	int k;
	if (op_state_open(st, path, STATE_KIND, STATE_VERSION, replay, &e))
		op_die_err(&e);
	/* room for the entries "end N" promises, but no more than the body
	 * can hold: a damaged N must reach the message, not exhaust memory */
	unsigned long long most = st->left / (sizeof "a I T O open\n" - 1);
	for (int i = 0; i < nas; i++) {
		as[i]->stateful = 1;
		op_assign_reserve(as[i], st->lines < most ? st->lines : (size_t)most);
	}
	while ((k = op_state_next(st, &p, &n, &line, &e)) > 0)
		for (int i = 0; i < nas; i++)
			if (op_assign_load(as[i], p, n, path, line, &e))
				op_die_err(&e);
	if (k < 0)
		op_die_err(&e);
}

/* ---- --compare: each record routed by the old rules and the new ---- */

enum { C_TEAM, C_OWNER, C_DUE, C_BREACH, C_KINDS };
static const char *const compared[C_KINDS] = { "team", "owner", "due_at", "breach" };
#define EXAMPLES 5

typedef struct {
	op_route *old, *new;
	const op_cli *cli;
	unsigned long long n, changed[C_KINDS];
	op_buf examples[C_KINDS], id, tmp;
} compare;

/* the value of key in what a route gave (kv), "null" when unrouted */
static void value_of(const op_kv *kv, size_t n, const char *key, const char **v, size_t *vn)
{
	*v = "null";
	*vn = 4;
	for (size_t i = 0; i < n; i++)
		if (kv[i].klen == strlen(key) && !memcmp(kv[i].key, key, kv[i].klen)) {
			*v = kv[i].val;
			*vn = kv[i].vlen;
		}
}

/* a time field of r (a naive one in tz), 0 when it has none (or not a
 * time) */
static int time_of(compare *c, op_rec *r, const char *key, const op_tz *tz, op_time *t)
{
	const op_field *f = op_rec_get(r, key, strlen(key));
	const char *s;
	size_t n;
	int naive;
	if (!f || f->type != OP_JSTR)
		return 0;
	op_jstr(f->v, f->vlen, f->vesc, &c->tmp, &s, &n);
	if (op_time_parse(s, n, t, &naive))
		return 0;
	if (naive)
		*t = op_tz_to_utc(tz, *t, NULL);
	return 1;
}

/* As the built-in KPIs count a breach (share/rules/kpis.conf): the first
 * response, or --now while there is none, after due_at.  due: the JSON
 * due_at route gave; a naive response time is read as route reads it. */
static const char *outcome(compare *c, op_rec *r, const op_route *route, const char *due, size_t n)
{
	const op_tz *tz = op_route_naive_tz(route);
	op_time d, t;
	int naive;
	if (n < 2 || due[0] != '"' || op_time_parse(due + 1, n - 2, &d, &naive))
		return "none";
	if (time_of(c, r, "first_response_at", tz, &t) || time_of(c, r, "responded_at", tz, &t))
		return t > d ? "breached" : "met";
	return c->cli->now > d ? "breached" : "open";
}

static void differ(compare *c, int kind, const char *a, size_t an, const char *b, size_t bn)
{
	if (an == bn && !memcmp(a, b, an))
		return;
	if (c->changed[kind]++ < EXAMPLES)
		op_buf_printf(&c->examples[kind], "  %.*s: %.*s -> %.*s\n", (int)(c->id.len > 60 ? 60 : c->id.len),
			      c->id.p, (int)an, a, (int)bn, b);
}

static int compare_record(op_stream *st, op_rec *r, void *arg)
{
	compare *c = arg;
	unsigned long long rejected = st->rejected;
	size_t on, nn, an, bn;
	op_route_record(st, r, c->old);
	const op_kv *okv = op_route_result(c->old, &on);
	if (st->rejected != rejected)
		return 0;
	op_route_record(st, r, c->new);
	const op_kv *nkv = op_route_result(c->new, &nn);
	if (st->rejected != rejected)
		return 0;
	c->n++;
	/* the id as the record writes it, a string's escapes kept, so that
	 * one holding a line end cannot start a line of the report */
	const op_field *idf = op_rec_get(r, "id", 2);
	int str = idf->type == OP_JSTR;
	op_buf_reset(&c->id);
	op_buf_add(&c->id, idf->v + str, idf->vlen - 2 * (size_t)str);
	const char *a, *b;
	for (int k = C_TEAM; k <= C_DUE; k++) {
		value_of(okv, on, compared[k], &a, &an);
		value_of(nkv, nn, compared[k], &b, &bn);
		differ(c, k, a, an, b, bn);
	}
	value_of(okv, on, "due_at", &a, &an);
	value_of(nkv, nn, "due_at", &b, &bn);
	a = outcome(c, r, c->old, a, an);
	b = outcome(c, r, c->new, b, bn);
	differ(c, C_BREACH, a, strlen(a), b, strlen(b));
	return 0;
}

static void compare_report(compare *c)
{
	printf("enquiries: %llu\n", c->n);
	for (int k = 0; k < C_KINDS; k++) {
		printf("%s changed: %llu\n", compared[k], c->changed[k]);
		fwrite(c->examples[k].p ? c->examples[k].p : "", 1, c->examples[k].len, stdout);
		op_buf_free(&c->examples[k]);
	}
	op_buf_free(&c->id);
	op_buf_free(&c->tmp);
}

typedef struct {
	op_assigner *as;
	size_t at;
} dump_pos;

static int dump_next(void *arg, op_buf *out)
{
	dump_pos *d = arg;
	return op_assign_dump(d->as, out, &d->at);
}

static const char usage[] =
	"Usage: enq-route [-r RULES] [options] [file...]\n"
	"Give each enquiry a team, an owner and a due time (first matching route).\n"
	"  -r, --rules FILE      route rules (default: the built-in route.rules)\n"
	"      --state FILE      remember assignments between runs (locked, atomic)\n"
	"      --close FILE      enquiry ids (or records) now closed; needs --state\n"
	"      --forget-after D  drop from the state what was closed D ago (default 90d)\n"
	"      --explain         add an `explain` object: the route (file:line), the\n"
	"                        values it compared, the SLA day by day\n"
	"      --replay          route as at each received_at; the state is not written\n"
	"      --compare OLD     replay with the rules OLD and RULES: what changes\n"
	"      --check           run the rules' tests and lint them (opflow-rules(5));\n"
	"                        exit 78 when a test fails or the lint warns\n"
	"      --sample FILE     with --check: records whose fields count as known\n";

static void *load(void *rules, const op_cli *cli)
{
	op_err e;
	op_route *r = op_route_load(rules, cli, &e);
	if (!r && *e.msg)
		op_warn("%s", e.msg);
	if (r)
		op_route_assigner(r)->now = cli->now;
	return r;
}

static void drop(void *r)
{
	op_route_free(r);
}

/* --check: the rules' tests, each on the rules loaded afresh (no state:
 * an owner from the enquiry's id), and lint */
static int check(const op_route *route, const char *rules, const op_cli *cli, const char *sample)
{
	op_check_filter f = { load, op_route_record, drop, (void *)rules, cli };
	op_check_opts o = { .rules = op_route_rules(route), .stage = OP_STAGE_ROUTE, .sample = sample,
			    .now = cli->now, .run = op_check_filter_run, .ctx = &f };
	return op_check(&o);
}

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_CONFIG, .output = &op_records_out,
		       .with_calendar = 1 };
	const char *rules = NULL, *state_path = NULL, *close_path = NULL, *old_rules = NULL, *sample = NULL;
	int ch, replay = 0, explain = 0, checking = 0;
	int64_t forget = FORGET_AFTER;
	enum { O_STATE = 1, O_CLOSE, O_FORGET, O_REPLAY, O_COMPARE, O_EXPLAIN, O_CHECK, O_SAMPLE };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "state", required_argument, NULL, O_STATE },
		{ "close", required_argument, NULL, O_CLOSE },
		{ "forget-after", required_argument, NULL, O_FORGET },
		{ "replay", no_argument, NULL, O_REPLAY },
		{ "explain", no_argument, NULL, O_EXPLAIN },
		{ "compare", required_argument, NULL, O_COMPARE },
		{ "check", no_argument, NULL, O_CHECK },
		{ "sample", required_argument, NULL, O_SAMPLE },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "r:", longopts)) != -1) {
		switch (ch) {
		case 'r':
			rules = optarg;
			op_cli_file(&cli, "-r", optarg, OP_FILE_IN);
			break;
		case O_STATE:
			state_path = optarg;
			op_cli_file(&cli, "--state", optarg, OP_FILE_IN | OP_FILE_OUT);
			break;
		case O_CLOSE:
			close_path = optarg;
			op_cli_file(&cli, "--close", optarg, OP_FILE_IN);
			break;
		case O_FORGET:
			if (op_duration_parse(optarg, strlen(optarg), &forget, NULL))
				op_usage_error(&cli, "--forget-after: '%s' is not a duration (such as 90d or 26w)", optarg);
			break;
		case O_REPLAY:
			replay = 1;
			break;
		case O_EXPLAIN:
			explain = 1;
			break;
		case O_COMPARE:
			old_rules = optarg;
			replay = 1;
			op_cli_file(&cli, "--compare", optarg, OP_FILE_IN);
			break;
		case O_CHECK:
			checking = 1;
			break;
		case O_SAMPLE:
			sample = optarg;
			op_cli_file(&cli, "--sample", optarg, OP_FILE_IN);
			break;
		}
	}
	if (close_path && replay)
		op_usage_error(&cli, "--close cannot be replayed (a replay closes what its records close)");
	if (close_path && !state_path)
		op_usage_error(&cli, "--close needs --state");
	if (close_path && !strcmp(close_path, "-")) {
		/* it would read all of stdin, and the records would find it empty */
		int stdin_too = optind == argc;
		for (int i = optind; i < argc; i++)
			stdin_too |= !strcmp(argv[i], "-");
		if (stdin_too)
			op_usage_error(&cli, "--close - and the records cannot both come from standard input");
	}

	op_check_usage(&cli, checking, sample, rules, argc - optind);
	if (checking && (state_path || old_rules || replay))
		op_usage_error(&cli, "--check runs the rules' tests alone: no --state, --replay or --compare");

	op_err e;
	op_route *route = op_route_load(rules, &cli, &e), *old = NULL;
	if (!route)
		op_die_err(&e);
	if (checking) {
		int rc = check(route, rules, &cli, sample);
		op_route_free(route);
		op_cli_free(&cli);
		return rc;
	}
	if (old_rules && !(old = op_route_load(old_rules, &cli, &e))) {
		op_route_free(route);
		op_die_err(&e);
	}
	op_assigner *as = op_route_assigner(route), *both[2] = { as, old ? op_route_assigner(old) : NULL };
	if (replay)
		op_route_replay(route, old != NULL);
	if (explain)
		op_route_explain(route);
	if (old)
		op_route_replay(old, 1);

	op_state state = { .lockfd = -1, .fd = -1 };
	int bad_close = 0;
	as->now = cli.now;
	if (old)
		both[1]->now = cli.now;	/* the time version 1 closed lines are taken to */
	if (__builtin_sub_overflow(cli.now, forget, &as->forget_before))
		as->forget_before = OP_ASSIGN_OPEN;	/* before all time: nothing is forgotten */
	if (state_path) {
		load_state(&state, both, old ? 2 : 1, state_path, replay);
		if (close_path)
			bad_close = read_close(as, close_path);
	}

	op_stream st;
	op_stream_init(&st, &cli);
	compare cmp = { .old = old, .new = route, .cli = &cli };
	if (old) {
		op_stream_run(&st, argc - optind, argv + optind, compare_record, &cmp);
		compare_report(&cmp);
	} else {
		op_stream_run(&st, argc - optind, argv + optind, op_route_record, route);
	}
	unsigned long long unrouted = op_route_unrouted(route);
	op_buf_printf(&st.extra, ",\"unrouted\":%llu,\"assigned\":%llu", unrouted, as->fresh);
	int rc = op_stream_finish(&st);
	if (rc == OP_EXIT_OK && (unrouted || bad_close))
		rc = OP_EXIT_DATAERR;

	/* records that reached the output are the ones to remember; after an
	 * output error the next run assigns them again, the same way; a
	 * replay remembers nothing */
	if (state_path && !replay) {
		dump_pos d = { as, 0 };
		if (rc != OP_EXIT_IOERR && op_state_commit(&state, STATE_KIND, STATE_VERSION, dump_next, &d, &e)) {
			op_warn("%s", e.msg);
			rc = OP_EXIT_IOERR;
		}
	}
	op_state_close(&state);

	op_route_free(route);
	op_route_free(old);
	op_cli_free(&cli);
	return rc;
}

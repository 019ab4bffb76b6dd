/* enq-route - give every enquiry an owner and an SLA clock.
 *
 *   enq-route [-r RULES] [--state FILE [--close FILE]] [file...]
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

/* --state: the file read in chunks into the assigner; dies on error */
static void load_state(op_state *st, op_assigner *as, const char *path)
{
	op_err e;
	const char *p;
	size_t n;
	unsigned long line;
	int k;
	if (op_state_open(st, path, STATE_KIND, STATE_VERSION, &e))
		op_die_err(&e);
	as->stateful = 1;
	op_assign_reserve(as, st->lines);
	while ((k = op_state_next(st, &p, &n, &line, &e)) > 0)
		if (op_assign_load(as, p, n, path, line, &e))
			op_die_err(&e);
	if (k < 0)
		op_die_err(&e);
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
	"      --forget-after D  drop from the state what was closed D ago (default 90d)\n";

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_CONFIG };
	const char *rules = NULL, *state_path = NULL, *close_path = NULL;
	int ch;
	int64_t forget = FORGET_AFTER;
	enum { O_STATE = 1, O_CLOSE, O_FORGET };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "state", required_argument, NULL, O_STATE },
		{ "close", required_argument, NULL, O_CLOSE },
		{ "forget-after", required_argument, NULL, O_FORGET },
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
		}
	}
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

	op_err e;
	op_route *route = op_route_load(rules, &cli, &e);
	if (!route)
		op_die_err(&e);
	op_assigner *as = op_route_assigner(route);

	op_state state = { .lockfd = -1 };
	int bad_close = 0;
	as->now = cli.now;
	if (__builtin_sub_overflow(cli.now, forget, &as->forget_before))
		as->forget_before = OP_ASSIGN_OPEN;	/* before all time: nothing is forgotten */
	if (state_path) {
		load_state(&state, as, state_path);
		if (close_path)
			bad_close = read_close(as, close_path);
	}

	op_stream st;
	op_stream_init(&st, &cli);
	op_stream_run(&st, argc - optind, argv + optind, op_route_record, route);
	unsigned long long unrouted = op_route_unrouted(route);
	op_buf_printf(&st.extra, ",\"unrouted\":%llu,\"assigned\":%llu", unrouted, as->fresh);
	int rc = op_stream_finish(&st);
	if (rc == OP_EXIT_OK && (unrouted || bad_close))
		rc = OP_EXIT_DATAERR;

	/* records that reached the output are the ones to remember; after an
	 * output error the next run assigns them again, the same way */
	if (state_path) {
		dump_pos d = { as, 0 };
		if (rc != OP_EXIT_IOERR && op_state_commit(&state, STATE_KIND, STATE_VERSION, dump_next, &d, &e)) {
			op_warn("%s", e.msg);
			rc = OP_EXIT_IOERR;
		}
		op_state_close(&state);
	}

	op_route_free(route);
	op_cli_free(&cli);
	return rc;
}

/* exc-flag - surface the exceptions management must see.
 *
 *   exc-flag [-r RULES] [--only] [--fail-on SEVERITY] [--by FIELD,...] [file...]
 *
 * Each `flag NAME SEVERITY when EXPR [owner NAME] [message "TEMPLATE"]`
 * that holds for a record adds {name, severity, message, owner} to the
 * record's `flags` array; every record passes through.  MIT licence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "stream.h"

static const char *const severities[] = { "low", "medium", "high", "critical", NULL };

typedef struct {
	const char *name, *owner;
	int severity;
	op_expr *when, *message;
	unsigned line;
	unsigned long long fired;
} flag;

typedef struct {
	flag *flags;
	size_t n, cap;
	op_rules *rules;
	op_eval ev;
	op_buf out, group;
	const char **by;
	size_t nby;
	int only, fail_on;
	unsigned long long flagged;
	int worst;		/* highest severity that fired, -1 none */
} ctx;

static int severity_of(const char *s)
{
	for (int i = 0; severities[i]; i++)
		if (!strcmp(s, severities[i]))
			return i;
	return -1;
}

static void parse_flag(op_parser *p, void *vc)
{
	ctx *c = vc;
	flag f = { .line = op_p_line(p) };
	f.name = op_p_name(p, "flag name");
	size_t at = op_p_skip(p);
	const char *sev = op_p_word(p, "severity (low, medium, high, critical)");
	f.severity = severity_of(sev);
	if (f.severity < 0) {
		const char *hint = op_p_suggest(sev, severities);
		op_p_error_at(p, at, "unknown severity '%s'%s%s%s (low, medium, high, critical)", sev,
			      hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
	}
	op_p_expect(p, "when");
	f.when = op_parse_expr(p);
	for (;;) {
		if (op_p_accept(p, "owner"))
			f.owner = op_p_name(p, "owner");
		else if (op_p_accept(p, "message"))
			f.message = op_p_template(p, "message");
		else
			break;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->flags = op_xrealloc(c->flags, c->cap * sizeof *c->flags);
	}
	c->flags[c->n++] = f;
}

static const op_stmt statements[] = {
	{ "flag", parse_flag, "flag NAME SEVERITY when EXPR [owner NAME] [message \"TEXT {field}\"]" },
	{ NULL, NULL, NULL },
};

/* the --by fields' values, joined, name the history group */
static void set_group(ctx *c, op_rec *r)
{
	op_buf_reset(&c->group);
	for (size_t i = 0; i < c->nby; i++) {
		const op_field *f = op_rec_get(r, c->by[i], strlen(c->by[i]));
		if (i)
			op_buf_addc(&c->group, '\x1f');
		if (f)
			op_buf_add(&c->group, f->v, f->vlen);
	}
	c->ev.group = c->group.p ? c->group.p : "";
	c->ev.grouplen = c->group.len;
}

static int on_record(op_stream *st, op_rec *r, void *vc)
{
	ctx *c = vc;
	size_t fired = 0;
	op_eval_record(&c->ev, r);
	if (c->nby)
		set_group(c, r);
	op_buf_reset(&c->out);
	op_buf_addc(&c->out, '[');
	for (size_t i = 0; i < c->n; i++) {
		flag *f = &c->flags[i];
		int t = op_eval_cond(&c->ev, f->when);
		if (t < 0) {
			op_reject(st, "%s:%u: flag %s: %s", c->rules->file, f->line, f->name, c->ev.err);
			return 0;
		}
		if (!t)
			continue;
		if (fired++)
			op_buf_addc(&c->out, ',');
		op_buf_adds(&c->out, "{\"name\":");
		op_buf_json_str(&c->out, f->name, strlen(f->name));
		op_buf_printf(&c->out, ",\"severity\":\"%s\",\"message\":", severities[f->severity]);
		if (f->message) {
			size_t start = c->out.len;
			op_buf tmp = {0};
			int rc = op_render(&c->ev, f->message, &tmp);
			if (rc) {
				op_buf_free(&tmp);
				op_reject(st, "%s:%u: flag %s: %s", c->rules->file, f->line, f->name, c->ev.err);
				return 0;
			}
			(void)start;
			op_buf_json_str(&c->out, tmp.p ? tmp.p : "", tmp.len);
			op_buf_free(&tmp);
		} else {
			op_buf_adds(&c->out, "null");
		}
		op_buf_adds(&c->out, ",\"owner\":");
		if (f->owner)
			op_buf_json_str(&c->out, f->owner, strlen(f->owner));
		else
			op_buf_adds(&c->out, "null");
		op_buf_addc(&c->out, '}');
		f->fired++;
		if (f->severity > c->worst)
			c->worst = f->severity;
	}
	op_history_commit(&c->ev);
	if (fired) {
		op_buf_addc(&c->out, ']');
		op_kv kv = { "flags", 5, c->out.p, c->out.len };
		c->flagged++;
		op_emit_rec(st, r, &kv, 1);
	} else if (!c->only) {
		op_emit_rec(st, r, NULL, 0);
	}
	return 0;
}

static const char usage[] =
	"Usage: exc-flag [-r RULES] [options] [file...]\n"
	"Add a `flags` array to the records for which a flag rule holds.\n"
	"  -r, --rules FILE      flag rules (default: the built-in alerts.rules)\n"
	"      --only            pass only records that were flagged\n"
	"      --fail-on SEV     exit 1 when a flag of SEV or worse fired\n"
	"                        (low, medium, high, critical)\n"
	"      --by FIELD,...    history groups for prev(), mean_prev(), stddev_prev()\n"
	"      --summary         counts per flag on stderr at the end\n";

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_FLAGGED | OP_EXITS_CONFIG };
	ctx c = { .fail_on = -1, .worst = -1 };
	const char *rules = NULL;
	char *byarg = NULL;
	int summary = 0, ch;
	enum { O_ONLY = 1, O_FAILON, O_BY, O_SUMMARY };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "only", no_argument, NULL, O_ONLY },
		{ "fail-on", required_argument, NULL, O_FAILON },
		{ "by", required_argument, NULL, O_BY },
		{ "summary", no_argument, NULL, O_SUMMARY },
		{ NULL, 0, NULL, 0 },
	};
	while ((ch = op_getopt(&cli, argc, argv, "r:", longopts)) != -1) {
		switch (ch) {
		case 'r': rules = optarg; op_cli_file(&cli, "-r", optarg, OP_FILE_IN); break;
		case O_ONLY: c.only = 1; break;
		case O_FAILON:
			c.fail_on = severity_of(optarg);
			if (c.fail_on < 0)
				op_usage_error(&cli, "--fail-on: '%s' is not a severity (low, medium, high, critical)", optarg);
			break;
		case O_BY: byarg = optarg; break;
		case O_SUMMARY: summary = 1; break;
		}
	}
	if (byarg) {
		c.by = op_xcalloc(strlen(byarg) + 1, sizeof *c.by);
		for (char *f = strtok(byarg, ","); f; f = strtok(NULL, ","))
			c.by[c.nby++] = f;
	}

	op_err e;
	if (!(c.rules = op_rules_load(rules, "alerts.rules", statements, &c, OP_FEAT_HISTORY, &e)))
		op_die_err(&e);
	op_eval_init(&c.ev, cli.now, cli.tz);
	c.ev.lang = &c.rules->lang;

	op_stream st;
	op_stream_init(&st, &cli);
	op_stream_run(&st, argc - optind, argv + optind, on_record, &c);
	op_buf_printf(&st.extra, ",\"flagged\":%llu", c.flagged);
	int rc = op_stream_finish(&st);

	if (summary) {
		fprintf(stderr, "%-24s %-9s %10s\n", "flag", "severity", "records");
		for (size_t i = 0; i < c.n; i++)
			fprintf(stderr, "%-24s %-9s %10llu\n", c.flags[i].name,
				severities[c.flags[i].severity], c.flags[i].fired);
	}
	if (rc == OP_EXIT_OK && c.fail_on >= 0 && c.worst >= c.fail_on)
		rc = OP_EXIT_FLAGGED;

	op_eval_free(&c.ev);
	op_rules_free(c.rules);
	op_buf_free(&c.out);
	op_buf_free(&c.group);
	free(c.flags);
	free(c.by);
	op_cli_free(&cli);
	return rc;
}

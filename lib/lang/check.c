/* check.c - a program's --check (opflow-rules(5) TESTS and LINT): the
 * fields of --sample, the tests, the lint, the one-line summary and the
 * exit status.  MIT licence, see COPYING. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hmap.h"

/* --sample FILE: the top-level members of its records, NULL-terminated
 * (the names in *keep), or NULL with e */
static const char **sample_fields(const char *path, op_buf *keep, op_err *e)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		op_errf(e, OP_EXIT_NOINPUT, "%s: %s", path, strerror(errno));
		return NULL;
	}
	op_hmap seen = {0};
	op_rec r = {0};
	op_jerr je;
	op_buf name = {0};
	char *line = NULL;
	size_t cap = 0, n = 0;
	unsigned long lineno = 0, skipped = 0, first = 0;
	ssize_t len;
	while ((len = op_xgetline(&line, &cap, f)) > 0) {
		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (!len)
			continue;
		if (op_rec_scan(&r, line, (size_t)len, &je)) {
			/* nothing to learn from it, but said: a sample that is
			 * not JSON lines would otherwise pass for one whose
			 * fields are all unknown */
			if (!skipped++)
				first = lineno;
			continue;
		}
		for (size_t i = 0; i < r.nf; i++) {
			const char *k;
			size_t kn;
			op_jstr(r.f[i].k - 1, r.f[i].klen + 2, r.f[i].kesc, &name, &k, &kn);
			int isnew;
			if (memchr(k, 0, kn))
				continue;	/* "a\u0000b" is no field a rule can name */
			op_hmap_put(&seen, k, kn, &isnew);
			if (isnew) {
				op_buf_add(keep, k, kn);
				op_buf_addc(keep, 0);
				n++;
			}
		}
	}
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	free(line);
	op_rec_free(&r);
	op_buf_free(&name);
	op_hmap_free(&seen, NULL);
	if (bad) {
		op_errf(e, OP_EXIT_NOINPUT, "%s: read error", path);
		return NULL;
	}
	if (skipped)
		op_warn("%s:%lu: not a record, its fields not learned (%lu such line%s in all)",
			path, first, skipped, skipped == 1 ? "" : "s");
	const char **v = op_xcalloc(n + 1, sizeof *v);
	for (size_t i = 0, at = 0; i < n; i++, at += strlen(keep->p + at) + 1)
		v[i] = keep->p + at;
	return v;
}

void op_check_usage(const op_cli *cli, int checking, const char *sample, const char *rules, int nfiles)
{
	if (checking && nfiles)
		op_usage_error(cli, "--check reads no records (no files)");
	if (checking && rules && !strcmp(rules, "-"))
		op_usage_error(cli, "--check loads the rules once per test: not from standard input");
	if (sample && !checking)
		op_usage_error(cli, "--sample goes with --check");
}

int op_check_filter_run(void *vf, const op_note *t, op_time now, op_buf *out)
{
	const op_check_filter *f = vf;
	op_cli cli = *f->cli;
	cli.now = now;
	void *engine = f->load(f->arg, &cli);
	if (!engine)
		return -1;
	int rc = op_stream_one(&cli, t->file, t->line, t->in, t->inlen, f->record, engine, out);
	f->drop(engine);
	return rc;
}

int op_check(const op_check_opts *o)
{
	op_buf keep = {0};
	const char **seen = NULL;
	op_err e;
	if (o->sample && !(seen = sample_fields(o->sample, &keep, &e))) {
		op_warn("%s", e.msg);
		return e.code;
	}
	unsigned ntests, rules = 0;
	unsigned failed = op_tests_run(o, &ntests);
	unsigned warnings = op_lint(o, seen);
	for (const op_note *x = op_notes(o->rules); x; x = x->next)
		rules += x->what == OP_NOTE_RULE && x->file == o->rules->file;
	if (!ntests)
		op_warn("%s: note: no tests (test {record} -> {fields}, opflow-rules(5) TESTS)", o->rules->file);
	printf("%s: %u rule%s, ", o->rules->file, rules, rules == 1 ? "" : "s");
	if (failed)
		printf("%u of %u tests passed", ntests - failed, ntests);
	else
		printf("%u test%s passed", ntests, ntests == 1 ? "" : "s");
	printf(", %u lint warning%s\n", warnings, warnings == 1 ? "" : "s");
	free(seen);
	op_buf_free(&keep);
	if (fflush(stdout) || ferror(stdout)) {
		op_warn("standard output: write error");
		return OP_EXIT_IOERR;
	}
	return failed || warnings ? OP_EXIT_CONFIG : OP_EXIT_OK;
}

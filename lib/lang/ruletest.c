/* ruletest.c - a rule file's own tests (opflow-rules(5) TESTS):
 * `test {record} -> {expected fields} [at TIME]`, read for every program
 * and run by --check through the program, each output compared with
 * what the test expects, field by field.  MIT licence, see COPYING. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* A JSON value at the cursor, consumed: its text (in the line) in *s, *n.
 * The record layer's scanner, not jansson: every run reads the test
 * lines of its rules, and nothing of them may fail but the form. */
static void json_value(op_parser *p, const char *what, int array_too, const char **s, size_t *n)
{
	size_t at = op_p_skip(p);
	op_jerr je;
	char c = at < p->len ? p->text[at] : 0;
	if (c != '{' && !(array_too && c == '['))
		op_p_error_at(p, at, "%s expected", what);
	if (op_json_prefix(p->text + at, p->len - at, n, &je))
		op_p_error_at(p, at + je.pos, "%s: %s", what, je.msg);
	*s = p->text + at;
	p->pos = at + *n;
}

void op_test_parse(op_parser *p)
{
	const char *in, *want;
	size_t inlen, wantlen;
	json_value(p, "a JSON object (a record; for kpi-rollup, an array of them)", 1, &in, &inlen);
	op_lex_expect(p, OP_T_ARROW);
	json_value(p, "a JSON object (the fields expected)", 0, &want, &wantlen);
	int has_at = op_p_accept(p, "at");
	op_time t = 0;
	if (has_at) {
		size_t at = op_p_skip(p);
		const char *w = op_p_word(p, "a time (RFC 3339)");
		int naive;
		if (op_time_parse(w, strlen(w), &t, &naive) || naive)
			op_p_error_at(p, at, "at: '%s' is not an RFC 3339 time with its zone (2026-10-05T09:00:00Z)", w);
	}
	op_note *x = op_note_add(p, OP_NOTE_TEST);
	x->in = op_arena_strndup(p->arena, in, inlen);
	x->inlen = inlen;
	x->want = op_arena_strndup(p->arena, want, wantlen);
	x->wantlen = wantlen;
	x->has_at = has_at;
	x->at = t;
}

/* The test's clock: `at`, else the record's received_at (the last
 * record's, for a list), else o's */
static op_time clock_of(const op_check_opts *o, const op_note *x, const json_t *in)
{
	if (x->has_at)
		return x->at;
	if (json_is_array(in))
		in = json_array_get(in, json_array_size(in) - 1);
	const char *s = json_string_value(json_object_get(in, "received_at"));
	op_time t;
	int naive;
	if (s && !op_time_parse(s, strlen(s), &t, &naive))
		return t;
	return o->now;
}

static void show(op_buf *b, const json_t *v)
{
	if (!v) {
		op_buf_adds(b, "absent");
		return;
	}
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
	op_buf_adds(b, s);
	free(s);
}

typedef struct {
	const op_note *x;
	const char *file;
	unsigned wrong;
	op_buf path;
} comparing;

static void differs(comparing *c, const json_t *want, const json_t *got)
{
	op_buf e = {0}, g = {0};
	show(&e, want);
	show(&g, got);
	op_warn("%s:%u: test failed: field %s: expected %s, got %s", c->file, c->x->line, c->path.p, e.p, g.p);
	op_buf_free(&e);
	op_buf_free(&g);
	c->wrong++;
}

/* An object expected matches one with at least its members, each
 * matching; an array one of as many items, each matching; null matches
 * null or nothing; numbers match by value; the rest by equality. */
static void compare(comparing *c, const json_t *want, const json_t *got)
{
	size_t mark = c->path.len;
	if (json_is_null(want)) {
		if (got && !json_is_null(got))
			differs(c, want, got);
	} else if (json_is_object(want) && json_is_object(got)) {
		const char *k;
		const json_t *v;
		json_object_foreach((json_t *)want, k, v) {
			op_buf_printf(&c->path, "%s%s", c->path.len ? "." : "", k);
			compare(c, v, json_object_get(got, k));
			c->path.len = mark;
			c->path.p[mark] = 0;
		}
	} else if (json_is_array(want) && json_is_array(got) && json_array_size(want) == json_array_size(got)) {
		for (size_t i = 0; i < json_array_size(want); i++) {
			op_buf_printf(&c->path, "[%zu]", i);
			compare(c, json_array_get(want, i), json_array_get(got, i));
			c->path.len = mark;
			c->path.p[mark] = 0;
		}
	} else if (json_is_number(want) && json_is_number(got)) {
		if (json_number_value(want) != json_number_value(got))
			differs(c, want, got);
	} else if (!got || !json_equal((json_t *)want, (json_t *)got)) {
		differs(c, want, got);
	}
}

/* One test: 1 when it passed */
static int run_one(const op_check_opts *o, const op_note *x)
{
	const char *file = o->rules->file;
	/* "\u0000" is valid JSON and a record may hold it: jansson takes it
	 * in a value when asked, never in a name */
	json_error_t je;
	json_t *in = json_loadb(x->in, x->inlen, JSON_ALLOW_NUL, &je);
	json_t *want = in ? json_loadb(x->want, x->wantlen, JSON_ALLOW_NUL, &je) : NULL;
	op_buf out = {0};
	int ok = 0;
	if (!want) {
		op_warn("%s:%u: test cannot be run: %s", file, x->line, je.text);
		goto done;
	}
	if (o->run(o->ctx, x, clock_of(o, x, in), &out)) {
		op_warn("%s:%u: test failed: the input was turned away", file, x->line);
		goto done;
	}
	size_t lines = 0;
	for (size_t i = 0; i < out.len; i++)
		lines += out.p[i] == '\n';
	if (lines != 1) {
		op_warn("%s:%u: test failed: %zu %s written, one expected", file, x->line, lines,
			lines == 1 ? "line" : "lines");
		goto done;
	}
	json_t *got = json_loadb(out.p, out.len - 1, JSON_ALLOW_NUL, &je);
	if (!got) {
		op_warn("%s:%u: test cannot be run: its output: %s", file, x->line, je.text);
		goto done;
	}
	comparing c = { .x = x, .file = file };
	op_buf_adds(&c.path, "");
	compare(&c, want, got);
	ok = !c.wrong;
	op_buf_free(&c.path);
	json_decref(got);
done:
	op_buf_free(&out);
	json_decref(in);
	json_decref(want);
	return ok;
}

unsigned op_tests_run(const op_check_opts *o, unsigned *ntests)
{
	unsigned failed = 0;
	*ntests = 0;
	for (const op_note *x = op_notes(o->rules); x; x = x->next)
		if (x->what == OP_NOTE_TEST && x->file == o->rules->file) {
			++*ntests;
			failed += !run_one(o, x);
		}
	return failed;
}

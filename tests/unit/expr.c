/* expr.c - the rule language: statements read through the shared reader,
 * expressions parsed and evaluated against records, and the exact error
 * messages with their positions.  MIT licence. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules.h"
#include "tap.h"

/* A statement "e EXPR" keeps the expression; "w WORD NUMBER DURATION" and
 * "s \"template\"" exercise the other op_p_ readers. */
static op_expr *kept[64];
static size_t nkept;

static void st_e(op_parser *p, void *ctx)
{
	(void)ctx;
	if (nkept < 64)
		kept[nkept++] = op_parse_expr(p);
}

static void st_s(op_parser *p, void *ctx)
{
	(void)ctx;
	kept[nkept++] = op_p_template(p, "template");
}

static char words[200];
static void st_w(op_parser *p, void *ctx)
{
	(void)ctx;
	const char *n = op_p_name(p, "name");
	double d = op_p_number(p, "number");
	int bus;
	int64_t dur = op_p_duration(p, "duration", &bus);
	op_p_expect(p, "end");
	snprintf(words, sizeof words, "%s %g %lld %d line %u", n, d, (long long)dur, bus, op_p_line(p));
}

static const op_stmt kinds[] = {
	{ "e", st_e, "e EXPR" }, { "s", st_s, "s \"TEMPLATE\"" }, { "w", st_w, "w NAME N DUR end" },
	{ NULL, NULL, NULL },
};

/* stderr of a parse, captured through a pipe */
static char errs[4096];
static op_rules *parse(const char *text, unsigned feat, int *nerr)
{
	int fds[2], saved = dup(2);
	if (pipe(fds))
		return NULL;
	dup2(fds[1], 2);
	nkept = 0;
	op_rules *r = op_rules_parse("t.rules", text, strlen(text), kinds, NULL, feat, nerr);
	fflush(stderr);
	dup2(saved, 2);
	close(fds[1]);
	close(saved);
	ssize_t n = read(fds[0], errs, sizeof errs - 1);
	errs[n > 0 ? n : 0] = 0;
	close(fds[0]);
	return r;
}

static const char *error_of(const char *text)
{
	int nerr;
	op_rules *r = parse(text, 0, &nerr);
	op_rules_free(r);
	char *nl = strchr(errs, '\n');
	if (nl)
		*nl = 0;
	/* drop the program name */
	char *c = strstr(errs, "t.rules");
	return c ? c : errs;
}

/* evaluate "e EXPR" against a record; the value as JSON text */
static const char *eval_on(const char *expr, const char *record)
{
	static char out[512];
	char text[1024];
	snprintf(text, sizeof text, "e %s", expr);
	int nerr;
	op_rules *r = parse(text, OP_FEAT_HISTORY, &nerr);
	if (nerr) {
		snprintf(out, sizeof out, "parse error: %.400s", errs);
		op_rules_free(r);
		return out;
	}
	op_rec rec = {0};
	if (op_rec_scan(&rec, record, strlen(record), NULL)) {
		op_rules_free(r);
		return "bad record";
	}
	op_err e;
	op_tz *tz = op_tz_load("Europe/London", &e);
	op_eval ev;
	op_eval_init(&ev, 1792000000 /* 2026-10-14T17:46:40Z */, tz);
	op_eval_record(&ev, &rec);
	op_val v;
	op_buf b = {0};
	if (op_eval_expr(&ev, kept[0], &v))
		snprintf(out, sizeof out, "error: %s", ev.err);
	else {
		op_val_json(&b, &v);
		snprintf(out, sizeof out, "%s", b.p);
	}
	op_buf_free(&b);
	op_eval_free(&ev);
	op_tz_free(tz);
	op_rec_free(&rec);
	op_rules_free(r);
	return out;
}

static const char *R = "{\"id\":\"E1\",\"n\":10,\"s\":\"Hello World\",\"v\":\"12.5\",\"price\":1.10,"
		       "\"t\":\"2026-10-01T09:00:00Z\",\"u\":\"2026-10-01T10:30:00Z\",\"naive\":\"2026-07-01 12:00\","
		       "\"tags\":[\"vip\",\"new\"],\"o\":{\"a\":{\"b\":[1,{\"c\":\"deep\"}]},\"x y\":5},"
		       "\"nul\":null,\"yes\":true,\"subject\":\"Quote\",\"body\":\"How much?\\nThanks\","
		       "\"Full Name\":\"Ann Lee\",\"esc\":\"a\\u00e9b\"}";

static void evaluation(void)
{
	/* paths and literals */
	is(eval_on("n", R), "10", "number field");
	is(eval_on("price", R), "1.10", "number keeps its text");
	is(eval_on("o.a.b[1].c", R), "\"deep\"", "nested path");
	is(eval_on("o.\"x y\"", R), "5", "quoted path segment");
	is(eval_on(".\"Full Name\"", R), "\"Ann Lee\"", "quoted top-level name");
	is(eval_on("tags[1]", R), "\"new\"", "array index");
	is(eval_on("tags[5]", R), "null", "index past the end");
	is(eval_on("missing.field", R), "null", "missing is null");
	is(eval_on("esc", R), "\"a\xc3\xa9" "b\"", "escapes decoded");
	is(eval_on("text", R), "\"Quote\\nHow much?\\nThanks\"", "text is subject, newline, body");
	is(eval_on("[1, \"a\", null]", R), "[1,\"a\",null]", "list literal");
	/* null semantics */
	is(eval_on("nul == null", R), "true", "null == null");
	is(eval_on("missing == null", R), "true", "missing == null");
	is(eval_on("missing != \"x\"", R), "true", "!= is the negation of ==");
	is(eval_on("missing < 5", R), "false", "ordering with null is false");
	is(eval_on("missing > 5", R), "false", "both ways");
	is(eval_on("missing =~ /x/", R), "false", "regex on null is false");
	is(eval_on("missing + 1", R), "null", "arithmetic with null is null");
	/* coercion */
	is(eval_on("v > 12", R), "true", "numeric string compared as a number");
	is(eval_on("v == 12.5", R), "true", "and equal");
	is(eval_on("s == 12", R), "false", "non-numeric string is not a number");
	is(eval_on("v + 1", R), "13.5", "numeric string in arithmetic");
	is(eval_on("s + \"!\"", R), "\"Hello World!\"", "string concatenation");
	is(eval_on("10 / 0", R), "null", "division by zero");
	is(eval_on("7 / 2 * 2 - -1", R), "8", "precedence and unary minus");
	is(eval_on("1 + 2 * 3 == 7 && !(2 > 3) || false", R), "true", "boolean precedence");
	is(eval_on("n > 5 and not yes or nul", R), "false", "and/or/not words");
	/* times */
	is(eval_on("u > t", R), "true", "RFC 3339 strings compare as times");
	is(eval_on("\"2026-10-01T10:00:00+01:00\" == t", R), "true", "same instant, other zone");
	is(eval_on("hours(t, u)", R), "1.5", "hours()");
	is(eval_on("minutes(t, u)", R), "90", "minutes()");
	is(eval_on("days(t, now())", R), "13.36574074074074", "days() to now()");
	is(eval_on("t + 2h", R), "\"2026-10-01T11:00:00Z\"", "time + duration");
	is(eval_on("u - t", R), "\"1h30m\"", "time - time is a duration");
	is(eval_on("u - t > 1h", R), "true", "durations compare");
	is(eval_on("now() - 2d > t", R), "true", "now() - 2d");
	is(eval_on("naive < \"2026-07-01T11:30:00Z\"", R), "true", "naive time read in the zone (BST)");
	is(eval_on("month(t)", R), "\"2026-10\"", "month()");
	is(eval_on("week(\"2027-01-01T12:00:00Z\")", R), "\"2026-W53\"", "ISO week()");
	is(eval_on("day(\"2026-10-31T23:30:00Z\")", R), "\"2026-10-31\"", "day() after the clocks went back");
	is(eval_on("day(\"2026-07-31T23:30:00Z\")", R), "\"2026-08-01\"", "day() in summer time");
	is(eval_on("weekday(t)", R), "\"thu\"", "weekday()");
	is(eval_on("hour(t)", R), "10", "hour() in the zone");
	is(eval_on("quarter(t)", R), "\"2026-Q4\"", "quarter()");
	is(eval_on("year(t)", R), "2026", "year()");
	is(eval_on("t + 4bh", R), "error: business time (bh) needs working hours (`hours` in the rules, or --calendar FILE)",
	   "business durations need a calendar");
	/* strings, lists, functions */
	is(eval_on("s =~ /^hello/i", R), "true", "regex, caseless");
	is(eval_on("s !~ /^hello/", R), "true", "!~");
	is(eval_on("\"vip\" in tags", R), "true", "in a JSON array");
	is(eval_on("\"old\" in tags", R), "false", "not in it");
	is(eval_on("n in [1, 10, 100]", R), "true", "in a list");
	is(eval_on("\"World\" in s", R), "true", "in a string");
	is(eval_on("\"a\" in o", R), "true", "key in an object");
	is(eval_on("len(s)", R), "11", "len of a string");
	is(eval_on("len(esc)", R), "3", "len counts characters");
	is(eval_on("len(tags)", R), "2", "len of an array");
	is(eval_on("lower(s) + upper(\"x\")", R), "\"hello worldX\"", "lower, upper");
	is(eval_on("trim(\"  a b \")", R), "\"a b\"", "trim");
	is(eval_on("has(s)", R), "true", "has(present)");
	is(eval_on("has(missing)", R), "false", "has(missing)");
	is(eval_on("has(\"\")", R), "false", "has(empty)");
	is(eval_on("has(tags, \"new\")", R), "true", "has(list, item)");
	is(eval_on("coalesce(missing, \"\", s)", R), "\"Hello World\"", "coalesce skips null and empty");
	is(eval_on("startswith(s, \"Hell\") && endswith(s, \"ld\") && contains(s, \"o W\")", R), "true",
	   "startswith, endswith, contains");
	is(eval_on("number(v) * 2", R), "25", "number()");
	is(eval_on("string(n) + \"x\"", R), "\"10x\"", "string()");
	is(eval_on("round(2.345, 2)", R), "2.35", "round(x, n)");
	is(eval_on("abs(-3) + min(4, 2) + max(1, 5)", R), "10", "abs, min, max");
	is(eval_on("1.5e3", R), "1500", "number with exponent");
}

static void errors(void)
{
	is(error_of("e x ==\n"), "t.rules:1:7: value expected, found end of line", "incomplete comparison");
	is(error_of("# c\n\ne (a\n"), "t.rules:3:5: ')' expected, found end of line", "line numbers skip comments");
	is(error_of("e a ==\\\n  \\\n  = 1\n"), "t.rules:3:3: value expected, found '='", "position on a continued line");
	is(error_of("e lenn(x)\n"), "t.rules:1:3: unknown function 'lenn' (did you mean 'len'?)", "function hint");
	is(error_of("e len(x, y)\n"), "t.rules:1:3: len() takes 1 argument, not 2", "arity");
	is(error_of("e prev(x)\n"), "t.rules:1:3: prev() is only available in exc-flag rules", "history is exc-flag's");
	is(error_of("e x =~ \"a\"\n"), "t.rules:1:8: /regex/ expected after =~, found '\"a\"'", "regex literal required");
	is(error_of("e x =~ /a(/\n"), "t.rules:1:11: regex error: missing closing parenthesis", "regex error offset");
	is(error_of("e x =~ /a/q\n"), "t.rules:1:11: unknown regex flag 'q' (flags are i m s x u)", "regex flag");
	is(error_of("e \"abc\n"), "t.rules:1:3: unterminated string", "unterminated string");
	is(error_of("e 3xyz\n"), "t.rules:1:3: bad duration '3xyz' (units: s m h d w, business bh bd)", "bad duration");
	is(error_of("e x == 1 )\n"), "t.rules:1:10: unexpected ')' in expression", "stray parenthesis");
	is(error_of("e /a/\n"), "t.rules:1:3: a /regex/ goes on the right of =~ or !~", "bare regex");
	is(error_of("w n 1 2h ends\n"), "t.rules:1:10: 'end' expected, found 'ends' (did you mean 'end'?)", "keyword hint");
	is(error_of("w n x\n"), "t.rules:1:5: number: 'x' is not a number", "number");
	is(error_of("w n 1 2y end\n"), "t.rules:1:7: duration: '2y' is not a duration (30m 4h 2d 1w, business 4bh 2bd)", "duration");
	is(error_of("w n/ 1 2h end\n"), "t.rules:1:3: name: 'n/' is not a name (letters, digits, _ - .)", "name");
	is(error_of("x 1\n"), "t.rules:1:1: unknown statement 'x' (did you mean 'e'?)", "unknown statement");
	is(error_of("flag a b\n"), "t.rules:1:1: 'flag' is a statement of exc-flag, not of unit (which reads: e, s, w)",
	   "another program's statement");
	is(error_of("e a\n\"x\"\n"), "t.rules:2:1: unknown statement '\"x\"' (unit reads: e, s, w)", "listing");
	is(error_of("s \"{a\"\n"), "t.rules:1:3: '{' without '}' in template (write \\{ for a brace)", "template brace");
	is(error_of("s \"{a ==}\"\n"), "t.rules:1:3: value expected, found end of line", "error in a placeholder");

	char deep[600];
	snprintf(deep, sizeof deep, "e %.*s1%.*s\n", 130, "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
		 130, "))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))");
	is(error_of(deep), "t.rules:1:131: expression nested too deeply (over 128 levels)", "nesting limit");

	op_buf chain = {0};
	op_buf_adds(&chain, "e a");
	for (int i = 0; i < 600; i++)
		op_buf_adds(&chain, " || a");
	is(error_of(chain.p), "t.rules:1:2565: expression too long (over 512 operators in a chain)", "chain limit");
	op_buf_free(&chain);

	int nerr;
	op_rules *r = parse("e (\ne (\ne (\n", 0, &nerr);
	ok(nerr == 3, "every bad statement is reported (%d)", nerr);
	op_rules_free(r);
	op_buf many = {0};
	for (int i = 0; i < 30; i++)
		op_buf_adds(&many, "e (\n");
	r = parse(many.p, 0, &nerr);
	ok(nerr == 20 && strstr(errs, "too many errors, stopped"), "at most 20 errors (%d)", nerr);
	op_rules_free(r);
	op_buf_free(&many);

	r = parse("w the-name 2.5 1h30m end  # comment\n\n  w x 1 4bh end\n", 0, &nerr);
	is(words, "x 1 240 1 line 3", "words, numbers, business durations, line numbers");
	op_rules_free(r);
}

static void templates(void)
{
	int nerr;
	op_rules *r = parse("s \"{id}: {round(n / 3, 2)} \\{x\\} {missing}| {\\\"lit\\\"}\"\n", 0, &nerr);
	ok(nerr == 0 && nkept == 1, "template parses");
	op_rec rec = {0};
	op_rec_scan(&rec, R, strlen(R), NULL);
	op_eval ev;
	op_eval_init(&ev, 0, NULL);
	op_eval_record(&ev, &rec);
	op_buf b = {0};
	op_render(&ev, kept[0], &b);
	is(b.p, "E1: 3.33 {x} | lit", "template renders; null is empty; braces escaped");
	op_buf_free(&b);
	op_eval_free(&ev);
	op_rec_free(&rec);
	op_rules_free(r);
}

/* one template rendered against rec, in zone tz, names in language lang */
static void render_is(const char *tmpl, const char *rec, int strict, int lang, const char *want, const char *what)
{
	int nerr;
	char line[400];
	snprintf(line, sizeof line, "s \"%s\"\n", tmpl);
	op_rules *r = parse(line, 0, &nerr);
	if (nerr) {
		is(errs, want, "%s", what);
		op_rules_free(r);
		return;
	}
	op_err e;
	op_tz *tz = op_tz_load("Europe/Berlin", &e);
	op_rec rr = {0};
	op_rec_scan(&rr, rec, strlen(rec), NULL);
	op_eval ev;
	op_eval_init(&ev, 0, tz);
	ev.strict = strict;
	ev.datelang = lang;
	op_eval_record(&ev, &rr);
	op_buf b = {0};
	if (op_render(&ev, kept[0], &b))
		is(ev.err, want, "%s", what);
	else
		is(b.p ? b.p : "", want, "%s", what);
	op_buf_free(&b);
	op_eval_free(&ev);
	op_rec_free(&rr);
	op_tz_free(tz);
	op_rules_free(r);
}

/* the extensions for enq-draft: fallbacks, time formats, strictness */
static void template_ext(void)
{
	const char *rec = "{\"name\":\"{x}\",\"e\":\"\",\"t\":\"2026-10-05T11:58:00Z\",\"l\":[\"a\",\"b\"],"
			  "\"z\":0}";
	render_is("Dear {name|there}", rec, 1, 0, "Dear {x}", "a value is not expanded again");
	render_is("Dear {e|there}, {nope|you}", rec, 1, 0, "Dear there, you", "fallback for empty and missing");
	render_is("[{e}]", rec, 0, 0, "[]", "not strict: empty is empty");
	render_is("Dear {e}", rec, 1, 0, "{e} has no value", "strict: empty is an error naming it");
	render_is("{z} {z|none}", rec, 1, 0, "0 0", "0 is a value");
	render_is("{t:%A %e %B %Y, %H:%M}", rec, 1, 0, "Monday 5 October 2026, 13:58", "a time in the zone");
	render_is("{t:%A %a %B %b}", rec, 1, 1, "Montag Mo Oktober Okt", "German names");
	render_is("{t:%A %B}", rec, 1, 7, "poniedziałek październik", "Polish names");
	render_is("{t:%d.%m.%y %I%p %j %%}", rec, 1, 2, "05.10.26 01pm 278 %", "numbers");
	render_is("{nope:%H|soon}", rec, 1, 0, "soon", "format with fallback");
	render_is("{name:%H}", rec, 1, 0, "{name:%H}: the value is not a time", "not a time");
	render_is("{t:%Q}", rec, 1, 0, "unit: t.rules:1:3: placeholder {t:%Q}: unknown directive '%Q' (%Y %y %m %d %e %H %I %M %S %p %A %a %B %b %j %%)\n",
		  "unknown directive");
	render_is("{join(l)} / {join(l, \\\"+\\\")} / {l}", rec, 1, 0, "a, b / a+b / [\"a\",\"b\"]", "join");
	render_is("{coalesce(e, \\\"a|b\\\")}", rec, 1, 0, "a|b", "a bar inside a string is no fallback");
	render_is("{e||nope}", rec, 0, 0, "false", "|| is or, not a fallback");
}

static void history(void)
{
	int nerr;
	op_rules *r = parse("e [prev(n), mean_prev(n, 2), stddev_prev(n, 3)]\n", OP_FEAT_HISTORY, &nerr);
	op_eval ev;
	op_eval_init(&ev, 0, NULL);
	ev.lang = &r->lang;
	const char *recs[] = { "{\"n\":1}", "{\"n\":2}", "{\"g\":1,\"n\":100}", "{\"n\":6}", "{\"n\":\"x\"}" };
	const char *want[] = { "[null,null,null]", "[1,1,null]", "[2,1.5,0.7071067811865476]",
			       "[100,51,56.87119950672161]", "[6,53,55.46169849544819]" };
	for (int i = 0; i < 5; i++) {
		op_rec rec = {0};
		op_rec_scan(&rec, recs[i], strlen(recs[i]), NULL);
		op_eval_record(&ev, &rec);
		op_val v;
		op_buf b = {0};
		op_eval_expr(&ev, kept[0], &v);
		op_val_json(&b, &v);
		is(b.p, want[i], "history after %d records", i);
		op_history_commit(&ev);
		op_buf_free(&b);
		op_rec_free(&rec);
	}
	op_eval_free(&ev);
	op_rules_free(r);
}

/* op_rules_load returns its errors to the caller (lib/README) */
static void loading(void)
{
	op_err e = { 0 };
	ok(!op_rules_load("/nonexistent/t.rules", NULL, kinds, NULL, 0, &e), "no rule file: NULL");
	is_num(e.code, OP_EXIT_NOINPUT, "... 66");
	is(e.msg, "/nonexistent/t.rules: No such file or directory", "... and why");
	ok(!op_rules_load(NULL, "nosuch.rules", kinds, NULL, 0, &e), "no such built-in set: NULL");
	is_num(e.code, OP_EXIT_SOFTWARE, "... 70");
	is(e.msg, "no built-in rules 'nosuch.rules'", "... and why");

	char path[] = "/tmp/unit-rules-XXXXXX";
	int fd = mkstemp(path);
	ok(fd >= 0 && write(fd, "e 1 +\n", 6) == 6, "a bad rule file");
	close(fd);
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	dup2(null, 2);	/* its error is reported on stderr, as it was */
	op_rules *r = op_rules_load(path, NULL, kinds, NULL, 0, &e);
	dup2(saved, 2);
	close(saved);
	close(null);
	ok(!r && e.code == OP_EXIT_CONFIG && !*e.msg, "... NULL, 78, already reported");
	unlink(path);
}

int main(void)
{
	op_progname = "unit";
	evaluation();
	errors();
	templates();
	template_ext();
	history();
	loading();
	return done_testing();
}

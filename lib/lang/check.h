/* check.h - a program's --check of its rule file (opflow-rules(5) TESTS
 * and LINT): the notes the parsers leave as they read it (the rules, the
 * fields expressions read, the regexes, `test` lines, `# lint: allow`),
 * the tests run through the program, the lint, and the summary.  MIT
 * licence, see COPYING. */
#ifndef OP_CHECK_H
#define OP_CHECK_H
#include "rules.h"
#include "stream.h"

/* ---- for statement parsers ---- */
/* Note a rule as the parser reads it: its kind ("route"), its name (NULL
 * where rules of the kind have none), its condition (NULL: it always
 * holds), and first_match when the program takes only the first rule
 * of the kind that holds (so one that always holds hides those after
 * it). */
void op_p_rule(op_parser *p, const char *kind, const char *name, const op_expr *when, int first_match);

/* ---- for the language (parse.c, rules.c) ---- */
typedef struct op_note op_note;
struct op_note {
	op_note *next;
	enum { OP_NOTE_RULE, OP_NOTE_READ, OP_NOTE_RX, OP_NOTE_TEST, OP_NOTE_ALLOW } what;
	const char *file;		/* the parser's: a template file's are not the rules' */
	unsigned line, last;		/* the statement's first and last line */
	const char *kind, *name;	/* RULE; READ: name the field; ALLOW: kind */
	const op_expr *when;		/* RULE */
	int first_match;		/* RULE */
	op_rx *rx;			/* RX */
	const char *in, *want;		/* TEST: the JSON texts as written */
	size_t inlen, wantlen;
	int has_at;			/* TEST: `at TIME` given */
	op_time at;
};
/* The notes of a rule file in the order read (NULL: none). */
const op_note *op_notes(const op_rules *r);
op_note *op_note_add(op_parser *p, int what);
/* A path's first field, read by an expression (parse.c). */
void op_note_read(op_parser *p, const char *field, size_t len);
/* `# lint: allow KIND...` in the logical line: notes (rules.c). */
void op_note_allows(op_parser *p, unsigned last);
/* The `test` statement at the cursor (rules.c reads it for every
 * program): test JSON -> JSON [at TIME]. */
void op_test_parse(op_parser *p);

/* ---- for the programs ---- */
/* A test's input (a JSON object, or for kpi-rollup an array) through the
 * program with "now" fixed: what it writes into out, a line each; 0, or
 * -1 when it turned the input away (and said why, naming file:line). */
typedef int (*op_test_fn)(void *ctx, const op_note *test, op_time now, op_buf *out);

typedef struct {
	const op_rules *rules;
	int stage;			/* the input holds the fields of the stages
					 * up to this one (fields.h op_stage): the
					 * program's own may come from a CRM export
					 * or an earlier run */
	const char *const *known;	/* and these (NULL-terminated), or NULL */
	const char *sample;		/* --sample FILE: and the fields it has */
	op_time now;			/* a test's clock with no `at`, no received_at */
	op_test_fn run;
	void *ctx;
} op_check_opts;

/* The op_test_fn of a program that filters records (all but kpi-rollup):
 * for each test its engine loaded afresh, so that no test sees another's
 * state (a round-robin team's next owner), with "now" the test's; the
 * record through it; the engine dropped.  ctx: an op_check_filter. */
typedef struct {
	void *(*load)(void *arg, const op_cli *cli);	/* NULL: the reason said */
	op_record_fn record;
	void (*drop)(void *engine);
	void *arg;
	const op_cli *cli;
} op_check_filter;
int op_check_filter_run(void *filter, const op_note *test, op_time now, op_buf *out);

/* --check and --sample on the command line: --check reads no records
 * (nfiles 0) and, as it loads the rules once per test, no rules from
 * standard input; --sample goes with it.  Exits 64 otherwise. */
void op_check_usage(const op_cli *cli, int checking, const char *sample, const char *rules, int nfiles);

/* --check: the tests run, the lint, problems one a line on stderr
 * ("prog: FILE:LINE: ..."), the summary on stdout.  The exit status: 0,
 * 78 (a test failed, a lint warning), 66 (the sample cannot be read). */
int op_check(const op_check_opts *o);
/* The names of the rules of kind noted in r, NULL-terminated; the
 * caller frees the array (the names are r's). */
const char **op_check_names(const op_rules *r, const char *kind);

/* inside --check: */
unsigned op_tests_run(const op_check_opts *o, unsigned *ntests);	/* failed */
unsigned op_lint(const op_check_opts *o, const char *const *seen);	/* warnings */
#endif

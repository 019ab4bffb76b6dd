/* rules.h - rule files: one statement per line, `#` comments, `\` at the
 * end of a line continues it.  The reader is shared; each program
 * registers the statement kinds it accepts, and the parse of each
 * statement uses the op_p_* calls below, the tokens of lex.h and the
 * expressions of expr.h.  Errors name file:line:col and
 * what was expected; the program then exits 78.  See opflow-rules(5).  MIT. */
#ifndef OP_RULES_H
#define OP_RULES_H

#include "expr.h"
#include "hmap.h"
#include "operr.h"

typedef struct {
	const char *kw;
	void (*parse)(op_parser *p, void *ctx);
	const char *synopsis;		/* shown when the statement is misused */
} op_stmt;

/* Every program's statement table (lib/registry/engines.c), so that a
 * line meant for another program is named as such instead of "unknown".
 * The language does not include the engines: they sit above it. */
typedef struct { const op_stmt *kinds; const char *prog; } op_engine;
extern const op_engine op_engines[];	/* ends with { NULL, NULL } */

typedef struct op_rules op_rules;
struct op_rules {
	op_arena arena;			/* every tree and string of the file */
	op_lang lang;			/* what the trees own besides */
	const char *file;		/* the name errors and --explain use */
};

/* Load the rule file at path, or when path is NULL the default rule set
 * compiled in under `embedded` (share/rules/NAME).  NULL with e when the
 * file cannot be read (66), or on any error in it (78, after reporting up
 * to 20: e's message is empty). */
op_rules *op_rules_load(const char *path, const char *embedded, const op_stmt *kinds,
			void *ctx, unsigned features, op_err *e);
/* The same from text in memory (tests, embedded sets). */
op_rules *op_rules_parse(const char *name, const char *text, size_t len, const op_stmt *kinds,
			 void *ctx, unsigned features, int *nerrors);
void op_rules_free(op_rules *r);
/* A line of a template file (enq-draft), n bytes of UTF-8 text where \{
 * \} and \\ stand for themselves, parsed as a template into r's arena;
 * NULL after "file:line:col: what" on stderr. */
op_expr *op_rules_template(op_rules *r, const char *file, unsigned line, const char *text, size_t n);
const char *op_embedded(const char *name);	/* build/embed.c */

/* ---- for statement parsers ---- */
int op_p_end(op_parser *p);				/* nothing more on the line */
void op_p_expect_end(op_parser *p);
const char *op_p_word(op_parser *p, const char *what);	/* next blank-separated word */
int op_p_peek(op_parser *p, const char *word);		/* is the next word this? */
int op_p_accept(op_parser *p, const char *word);	/* consume it if so */
void op_p_expect(op_parser *p, const char *word);	/* or an error, with a hint */
const char *op_p_name(op_parser *p, const char *what);	/* a word of op_name_char */
double op_p_number(op_parser *p, const char *what);
int64_t op_p_duration(op_parser *p, const char *what, int *business);
unsigned op_p_line(const op_parser *p);			/* the statement's line */
void *op_p_alloc(op_parser *p, size_t n);		/* lives as long as the rules */
char *op_p_strdup(op_parser *p, const char *s);
#endif

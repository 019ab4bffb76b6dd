/* lex.h - the tokens of the rule language (opflow-rules(5)): the parser
 * state every statement and expression parser shares, tokens read on
 * demand from the logical line, and the errors that name where they are.
 * MIT licence. */
#ifndef OP_LEX_H
#define OP_LEX_H

#include <stddef.h>
#include <stdnoreturn.h>
#include "arena.h"
#include "opflow.h"

typedef struct op_lang op_lang;

/* The parser state statements and expressions share (rules.c reads the
 * file into logical lines; the statement and expression parsers read
 * tokens from them). */
typedef struct op_parser {
	const char *file;
	const char *text;		/* the logical line, continuations joined */
	size_t len, pos, tokpos;
	unsigned line;			/* physical line of the statement's start */
	const size_t *seg;		/* logical offsets where physical lines start */
	size_t nseg;
	op_arena *arena;
	op_lang *lang;			/* what the trees own (expr.h) */
	unsigned features;
	int depth;
	void *jmp;			/* jmp_buf* of the loader */
	char *errmsg;			/* shared by copies of the parser */
	size_t errmsglen;
	size_t *errpos;
	long fixed_pos;			/* >= 0: errors are reported here (inside
					 * a template, whose text is decoded) */
} op_parser;

/* Token kinds.  A `/` is OP_T_SLASH: whether it opens a /regex/ is the
 * parser's to say (op_lex_regex), as in awk.  The operators that may not
 * follow a whole expression (there they are a mistake, not the next word
 * of the statement) come in one run, OP_T_ASSIGN..OP_T_BAR. */
enum op_tok {
	OP_T_END, OP_T_IDENT, OP_T_NUMBER, OP_T_STRING, OP_T_OTHER,
	OP_T_LPAREN, OP_T_RPAREN, OP_T_LBRACK, OP_T_RBRACK, OP_T_LBRACE, OP_T_RBRACE,
	OP_T_COMMA, OP_T_COLON, OP_T_DOT, OP_T_ARROW, OP_T_MINUS,
	OP_T_ASSIGN, OP_T_EQ, OP_T_NE, OP_T_MATCH, OP_T_NMATCH, OP_T_LT, OP_T_LE, OP_T_GT,
	OP_T_GE, OP_T_PLUS, OP_T_STAR, OP_T_SLASH, OP_T_NOT, OP_T_AND, OP_T_OR, OP_T_AMP, OP_T_BAR,
};

typedef struct {
	int kind;
	size_t pos, len;		/* where it stands in the logical line */
	const char *s;			/* its text there (len bytes, no NUL) */
} op_token;

/* Skip blanks and a comment; the offset of the next token. */
size_t op_p_skip(op_parser *p);
/* The token at the cursor, after blanks, not consumed; its kind. */
int op_lex_peek(op_parser *p, op_token *t);
/* The same, only when it follows the cursor with no blank between. */
int op_lex_glued(op_parser *p, op_token *t);
/* Consume the next token when it is of this kind. */
int op_lex_accept(op_parser *p, int kind);
/* Consume the next token when it is the identifier w. */
int op_lex_accept_word(op_parser *p, const char *w);
/* Consume t (from op_lex_peek). */
void op_lex_take(op_parser *p, const op_token *t);
/* The next token or an error: "'->' expected, found ..." */
void op_lex_expect(op_parser *p, int kind);
/* The length of the blank-separated word at the cursor (after blanks). */
size_t op_lex_word(op_parser *p);
/* How a kind is written, for messages ("->"). */
const char *op_lex_spelling(int kind);
/* The text at the cursor, quoted, for "found ..." in messages. */
const char *op_lex_describe(op_parser *p);

/* Names: the one rule for the names of things (categories, teams,
 * owners, kpis, group keys, aggregates): letters, digits, _ - . and any
 * byte of a UTF-8 sequence.  Identifiers in expressions are the names
 * that start with a letter or _ and hold no - or . (a-b is a subtraction,
 * a.b a path). */
int op_name_char(int c);
/* The name at the cursor (after blanks), consumed, or NULL. */
const char *op_lex_name(op_parser *p);
/* A path's member name right at the cursor (after its '.'): letters,
 * digits and _, or a "string"; consumed, or NULL when there is none. */
const char *op_lex_field(op_parser *p, size_t *len);

/* The text of the line from `from` to `to`, blanks trimmed (an
 * expression as written, for signatures and messages). */
const char *op_lex_text(op_parser *p, size_t from, size_t to);

/* A "string" at the cursor, decoded (\" \\ \n \t \r \/ \uXXXX), or NULL
 * when the cursor is not at one.  In a template (tmpl), \{ and \} become
 * 0x01 and 0x02, bytes no template may otherwise hold. */
char *op_lex_string(op_parser *p, size_t *len, int tmpl);
/* A /pattern/flags literal at the cursor: the pattern (\/ unescaped) into
 * pat, the flags into flags (NUL-terminated, at most flagsz - 1); *at the
 * offset of the opening '/', *flagsat that of the flags. */
void op_lex_regex(op_parser *p, op_buf *pat, char *flags, size_t flagsz, size_t *at, size_t *flagsat);
/* A number at the cursor: the extent of its digits, then that of any
 * unit letters (a duration: 30m 4h 1h30m 4bh). */
void op_lex_number(op_parser *p, size_t *digits, size_t *len);
/* An array index, the cursor just after its '[': N, with the ']' consumed,
 * or -1 when it is not a whole number and ']'. */
long op_lex_index(op_parser *p);

noreturn void op_p_error(op_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, pointing at the token that starts at offset `at` of the line. */
noreturn void op_p_error_at(op_parser *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "'what' expected, found 'WORD'", with "did you mean" when it is near. */
noreturn void op_p_expected(op_parser *p, const char *what);
/* "did you mean" among candidates (NULL-terminated), or NULL. */
const char *op_p_suggest(const char *word, const char *const *cands);
/* word's index among the words of list (NULL-terminated), or -1: a
 * severity, a priority, an assignment mode. */
int op_p_index(const char *word, const char *const *list);
#endif

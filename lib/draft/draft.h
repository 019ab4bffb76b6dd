/* draft.h - the engine of enq-draft (man/enq-draft.1): draft rules and
 * a set of reply templates, loaded once; each record given a reply
 * draft from the template its rules choose, or a task for a person,
 * and with a maildir the draft as a message in it.  MIT licence. */
#ifndef OP_DRAFT_H
#define OP_DRAFT_H
#include "rules.h"
#include "stream.h"

#define OP_DRAFT_MAX_TEMPLATE (64u << 10)	/* bytes of one template file */

typedef struct op_draft op_draft;

typedef struct {
	const char *rules;	/* NULL: the built-in draft.rules */
	const char *templates;	/* NULL: the rules' `templates` directory, if any */
	const char *maildir;	/* NULL: no messages */
	int all;		/* draft answered and automatic mail too */
} op_draft_opts;

/* The statements; pass an op_draft_new() as the rules' ctx. */
extern const op_stmt op_draft_statements[];
op_draft *op_draft_new(void);
/* Load the rules and the templates; NULL with e: 66 (a file that cannot
 * be read) or 78 (errors in them, reported one a line: e's msg empty). */
op_draft *op_draft_load(const op_draft_opts *o, const op_cli *cli, op_err *e);
/* An op_record_fn: draft r and write it (or reject it).  A maildir that
 * cannot be written stops the run: op_draft_error says why. */
int op_draft_record(op_stream *st, op_rec *r, void *draft);
const op_err *op_draft_error(const op_draft *d);	/* NULL: none */
/* ,"drafted":N,... for --stats */
void op_draft_stats(const op_draft *d, op_buf *extra);
/* --check: every template rendered with the sample record (enq-draft(1)),
 * its placeholders against the record's fields (those of
 * opflow-record(7) and extra, NULL-terminated: the classify rules'
 * extracted fields), the categories without a template and the required
 * fields without a question, one problem a line on out.  Returns the
 * number of problems. */
size_t op_draft_check(op_draft *d, const char *const *categories, const char *const *required,
		      const char *const *extra, FILE *out);
/* The rules as loaded (--check). */
const op_rules *op_draft_rules(const op_draft *d);
void op_draft_free(op_draft *d);
#endif

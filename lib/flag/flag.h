/* flag.h - the engine of exc-flag (man/exc-flag.1): `flag` statements,
 * loaded once; each record given the `flags` its rules raise, and with
 * --state the alerts they start, repeat and end across runs.  MIT
 * licence. */
#ifndef OP_FLAG_H
#define OP_FLAG_H
#include "rules.h"
#include "severity.h"
#include "stream.h"

typedef struct {
	const char *name, *owner;	/* owner may be NULL */
	const char *title;		/* the name when the rule gives none */
	size_t titlelen;
	int severity;
	op_expr *when, *message;	/* message may be NULL */
	const char *about;		/* the field `when` reads first, or NULL */
	unsigned line;
	unsigned forn;			/* --state: observations in a row before it fires */
	int64_t renotify;		/* --state: told again after (seconds); 0 never */
	unsigned long long fired;	/* records it held for */
	unsigned long long active;	/* --state: alerts firing after the run */
} op_flag;

typedef struct op_flagger op_flagger;

/* The statement; pass an op_flagger_new() as the rules' ctx. */
extern const op_stmt op_flag_statements[];
op_flagger *op_flagger_new(void);
/* Load the rules (NULL: the built-in alerts.rules); exits 66 or 78.  by
 * (borrowed): the fields whose values name the history group; only: pass
 * only the records flagged. */
op_flagger *op_flagger_load(const char *rules, const char **by, size_t nby, int only, const op_cli *cli,
			    op_err *e);	/* NULL with e: 66 or 78 */
/* --state: lock and read the alerts of earlier runs (all_status: write
 * the ongoing alerts not told again too).  0, or -1 with e (66, 78). */
int op_flagger_state(op_flagger *c, const char *path, int all_status, op_err *e);
/* --nagios: count, write no record. */
void op_flagger_quiet(op_flagger *c);
/* An op_record_fn: flag r and write it (or reject it). */
int op_flagger_record(op_stream *st, op_rec *r, void *flagger);
/* After op_stream_run, with --state: the KPI rows held back written, and
 * the alerts of records the run did not see resolved (when it read all
 * its input). */
void op_flagger_end(op_flagger *c, op_stream *st);
/* With --state, after op_stream_finish: the state written back.  0, or -1
 * with e (74). */
int op_flagger_save(op_flagger *c, op_err *e);
/* --explain: an `explain` field in each flagged record (man/exc-flag.1). */
void op_flagger_explain(op_flagger *c);
/* The rules in their order, with what each fired. */
const op_flag *op_flagger_flags(const op_flagger *c, size_t *n);
unsigned long long op_flagger_flagged(const op_flagger *c);	/* records flagged */
int op_flagger_worst(const op_flagger *c);	/* highest severity written, -1 none */
int op_flagger_stateful(const op_flagger *c);
/* The rules as loaded (--check). */
const op_rules *op_flagger_rules(const op_flagger *c);
void op_flagger_free(op_flagger *c);

/* monitor.c: --nagios and --prom (man/exc-flag.1 MONITORING) */
/* The Nagios plugin status line on stdout; its exit status (0 OK, 1
 * WARNING, 2 CRITICAL, 3 UNKNOWN: rc, the run's status, is not 0). */
int op_flag_nagios(const op_flagger *c, int rc);
/* "EXC-FLAG UNKNOWN - why" on stdout: 3. */
int op_flag_nagios_unknown(const char *why);
/* The Prometheus textfile metrics, written whole to path: 0 or -1 (errno). */
int op_flag_prom(const op_flagger *c, const char *path);
#endif

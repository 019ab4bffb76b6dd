/* kpitab.h - kpi-rollup's rows (with exc-flag's flags) held as a table
 * of groups x periods x KPIs, for kpi-report.  The row is the contract of
 * kpi-rollup(1) and opflow-record(7): "period", the group keys, the KPIs,
 * optionally "prev", "delta", "delta_pct", the "kpi" metadata and "flags".
 * MIT licence. */
#ifndef OP_KPITAB_H
#define OP_KPITAB_H

#include <stddef.h>
#include "arena.h"
#include "hmap.h"
#include "jsonl.h"
#include "operr.h"
#include "render.h"
#include "severity.h"

enum { OP_KV_NULL, OP_KV_NUM, OP_KV_TEXT };

typedef struct {
	int t;			/* OP_KV_* */
	double n;		/* OP_KV_NUM */
	const char *s;		/* OP_KV_TEXT: a string, or other JSON as written */
} op_kval;


typedef struct {
	const char *name, *message, *owner;	/* message, owner: NULL when null */
	const char *title;	/* exc-flag's "title", else the name */
	const char *about;	/* exc-flag's "about": the field it is about, or NULL */
	int sev;
	int resolved;		/* "status":"resolved": an alert that stopped */
} op_kflag;

typedef struct {
	size_t group, period;	/* period: its rank once op_kpitab_finish ran */
	op_kval *v;		/* nv values, in KPI order; later KPIs are null */
	size_t nv;
	op_kval *prev;		/* "prev" as given (nprev values), or NULL */
	size_t nprev;
	const char *prev_period;
	double *n, *prev_n;	/* "n" and "prev"."n" in KPI order (nv of
				 * each), NaN where not given; or NULL */
	unsigned char *low;	/* "low_n": 1 for each KPI named, or NULL */
	op_kflag *flag;
	size_t nflag;
} op_krow;

typedef struct {
	const char *label;	/* the group values joined by " / "; "all" without keys */
	size_t *rows;		/* its rows, by period (after op_kpitab_finish) */
	size_t nrows, cap;
} op_kgroup;

/* "kpi"."kind": what a person reads (op_numfmt in render.h) */
typedef struct {
	const char *name, *owner, *unit;	/* owner, unit: NULL when none */
	const char *label;	/* "kpi"."label", else the name */
	const char *definition;	/* NULL when none */
	int kind;		/* OP_NUM_* (render.h); OP_NUM_ANY without "kind" */
	int digits;		/* "kpi"."digits", -1 when none */
	long min_n;		/* "kpi"."min_n", -1 when none */
} op_kpi;

typedef struct {
	op_arena a;		/* every string and array below */
	const char **by;	/* group key names */
	size_t nby;
	int by_set, has_meta;
	op_kpi *kpi;
	size_t nkpi, capkpi;
	op_kgroup *group;
	size_t ngroup, capgroup;
	const char **period;	/* labels; sorted once finished */
	size_t nperiod, capperiod;
	op_krow *row;
	size_t nrow, caprow;
	/* exc-flag --state's resolved alerts of groups no longer in the
	 * rows (a record of group keys and flags, no period): their titles
	 * are "TITLE, GROUP" */
	op_kflag *gone;
	size_t ngone, capgone;
	op_hmap groups, periods, kpis, cells;
	op_buf meta, key, tmp;
	unsigned long long undated;	/* records no row counts ("kpi"."undated",
					 * once per kpi-rollup run) */
	const char *input;		/* the file the rows come from */
} op_kpitab;

void op_kpitab_init(op_kpitab *t);
/* The rows that follow come from file name (compared as a pointer): a
 * new file is another kpi-rollup run, its undated count added even when
 * its metadata is the same as the last file's. */
void op_kpitab_input(op_kpitab *t, const char *name);
/* Add one row; 0, or -1 with err (65; the row is not added). */
int op_kpitab_add(op_kpitab *t, op_rec *r, op_err *err);
/* Sort the periods (labels compare as text: 2026-03 < 2026-10, 2026-W09 <
 * 2026-W10) and each group's rows by period. */
void op_kpitab_finish(op_kpitab *t);
/* The rank of a period label, or (size_t)-1. */
size_t op_kpitab_period(const op_kpitab *t, const char *label);
/* The most severe flag on the rows of period p (op_severities), -1: none. */
int op_kpitab_worst(const op_kpitab *t, size_t p);
/* The row of group g for period rank p, or NULL. */
const op_krow *op_kpitab_at(const op_kpitab *t, size_t g, size_t p);
/* Value k of a row (null past its end). */
const op_kval *op_krow_val(const op_krow *r, size_t k);
/* The value KPI k of group g had before period p: the row's own "prev"
 * when it has one (kpi-rollup --compare), else the group's row for the
 * period before p in the input.  1 with *v (and *label) set, or 0 (and
 * for a rate over no records, as op_kpitab_num). */
int op_kpitab_prev(const op_kpitab *t, size_t g, size_t p, size_t k, double *v, const char **label);
/* The change of KPI k on row r against its previous value is on a small
 * base: the row names it in "low_n", or its "n" (or the previous one's)
 * is below the KPI's min_n.  1 with *n the smaller base known (NaN when
 * none is), else 0. */
int op_kpitab_low(const op_kpitab *t, const op_krow *r, size_t k, double *n);
/* The number a person reads for KPI k on row r: 1 with *v, or 0 for null,
 * text, or a rate over no records (its "n" 0: no rate, never 0 %). */
int op_kpitab_num(const op_kpitab *t, const op_krow *r, size_t k, double *v);
/* The base of KPI k on row r ("n"), NaN when not given. */
double op_krow_n(const op_krow *r, size_t k);
/* How a person reads KPI k. */
op_numfmt op_kpi_fmt(const op_kpi *kp);
void op_kpitab_free(op_kpitab *t);

#endif

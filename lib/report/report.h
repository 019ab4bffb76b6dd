/* report.h - the KPI report as a document: Markdown, a self-contained
 * HTML page (inline CSS and SVG, no external resource), or text for a
 * terminal.  MIT licence. */
#ifndef OP_REPORT_H
#define OP_REPORT_H

#include <stddef.h>
#include "kpitab.h"

enum { OP_REPORT_MD, OP_REPORT_HTML, OP_REPORT_TEXT };

typedef struct {
	int format;
	const char *title;	/* NULL: "KPI report PERIOD" */
	const char *period;	/* the period reported on; NULL: the latest */
	size_t periods;		/* periods in charts and trends, ending with it */
	size_t series;		/* groups drawn in one chart */
	size_t sentences;	/* the summary's sentences, at most (3 or more) */
	const char *notes;	/* a person's notes (Markdown) put first, or NULL */
	size_t notes_len;
} op_report_opts;

/* The report of a finished table into out. */
void op_report(op_buf *out, const op_kpitab *t, const op_report_opts *o);

#endif

/* engines.c - every engine's statement table in one list, for the rule
 * reader's "that is a statement of enq-route" messages (lib/rules.c).  It
 * lives above the engines, so the language below them needs none of
 * their headers.  MIT licence, see COPYING. */
#include "calfile.h"
#include "classify.h"
#include "draft.h"
#include "flag.h"
#include "rollup.h"
#include "route.h"
#include "rules.h"

const op_engine op_engines[] = {
	{ op_classify_statements, "enq-classify" },
	/* before enq-route, whose rules hold them too */
	{ op_calendar_statements, "a calendar file (--calendar) and enq-route" },
	{ op_route_statements, "enq-route" },
	{ op_flag_statements, "exc-flag" }, { op_rollup_statements, "kpi-rollup" },
	{ op_draft_statements, "enq-draft" },
	{ NULL, NULL },
};

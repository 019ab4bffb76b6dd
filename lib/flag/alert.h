/* alert.h - exc-flag --state (man/exc-flag.1 ALERT STATE): the alerts
 * that outlive a run, each a rule's name and a key, and what one run's
 * observations make of them: new, ongoing, resolved, told or kept
 * quiet.  The body of an op_state file of kind "exc-flag".  MIT licence. */
#ifndef OP_ALERT_H
#define OP_ALERT_H
#include "hmap.h"
#include "opflow.h"
#include "operr.h"
#include "timefmt.h"

/* A key or a period longer than these is not kept (the caller turns the
 * record away), and a state line longer than OP_ALERT_LINE_MAX is damage:
 * a state file stays lines of bounded length whatever the input held. */
#define OP_ALERT_KEY_MAX 1024
#define OP_ALERT_PERIOD_MAX 64
#define OP_ALERT_LINE_MAX 16384
#define OP_ALERT_FOR_MAX 1000	/* a rule's `for` */
/* How much later than now a time of the state may be and still be
 * believed: the clocks of two hosts that share a state drift apart by
 * seconds; one an hour or a year out is wrong (alert.c future()). */
#define OP_ALERT_SKEW 300

/* What an observation tells: nothing (the condition does not hold, or
 * holds on fewer observations than `for` asks), the alert started, it
 * holds and is told again (renotify), it holds and is not told again,
 * it stopped. */
enum { OP_ALERT_NONE, OP_ALERT_NEW, OP_ALERT_ONGOING, OP_ALERT_QUIET, OP_ALERT_RESOLVED };
extern const char *const op_alert_status[];	/* "new", "ongoing", "ongoing", "resolved" */

typedef struct {
	char *rule;		/* the rule's name */
	char *key;		/* a JSON object naming the record or group: {"id":"E1"} */
	size_t keylen;
	char *since;		/* RFC 3339 time, or the period, the condition started */
	char *period;		/* the last period observed (KPI rows); NULL: runs */
	unsigned streak;	/* consecutive observations it held, up to `for`;
				 * 0: broken by a period of this run's history */
	int firing;		/* told as new (else pending, for `for`) */
	int broke;		/* firing, and broken by a period of the history */
	op_time notified;	/* last told, when firing */
	int overdue;		/* the state said told later than now: tell again */
	int seen, told;		/* observed this run, and what that told */
	int gone;		/* stopped: not written back */
} op_alert;

typedef struct {
	op_alert **v;
	size_t n, cap;
	op_hmap by;		/* "RULE\nKEY" -> op_alert */
	op_buf id, f[7];
	op_time now;
	char nowtext[21];
} op_alerts;

void op_alerts_init(op_alerts *a, op_time now);
/* Body lines of the state (chunks of op_state_next): 0, or -1 with e (78,
 * "FILE:LINE: damaged line ...").  A time in a line later than now is
 * warned of, once, with its line, and taken as now (see load_line). */
int op_alerts_load(op_alerts *a, const char *body, size_t n, const char *file, unsigned long line0,
		   op_err *e);
/* One observation of rule's condition for key: holds or not, in period
 * (NULL: a record, one observation a run; a period seen already does not
 * count again), needing `forn` in a row and told again after renotify
 * seconds (0: never).  The status, *since when not NONE.  An alert
 * observed twice in a run tells the same both times. */
int op_alerts_observe(op_alerts *a, const char *rule, const char *key, size_t keylen, const char *period,
		      int holds, unsigned forn, int64_t renotify, const char **since);
/* A KPI row of a period before its group's latest in this run (rows in
 * the order of their periods): the streak grows or breaks, nothing is
 * told; the latest row's op_alerts_observe tells.  A period observed
 * before is skipped. */
void op_alerts_history(op_alerts *a, const char *rule, const char *key, size_t keylen, const char *period,
		       int cond, unsigned forn);
/* After the run, the alerts no record of it observed, in the state's
 * order (*at from 0): 1 with *al, 0 at the end. */
int op_alerts_unseen(op_alerts *a, size_t *at, op_alert **al);
/* Write the alerts that go on, about 64 KiB a call from *at: 1 while more
 * is to come (an op_state_commit source with a size_t position). */
int op_alerts_dump(op_alerts *a, op_buf *out, size_t *at);
void op_alerts_free(op_alerts *a);
#endif

/* sla.h - SLA policies of enq-route (man/enq-route.1, SLA POLICIES): the
 * `sla` statement, and per record up to three targets (first reply, next
 * reply, resolution) judged on a clock that stops while the enquiry waits
 * on the customer.  MIT licence.
 *
 * A target's clock is business time (its team's calendar) or wall time;
 * paused spans are taken out of it.  Its budget is its duration as that
 * clock's seconds (a business day: the business seconds op_cal_add gives
 * from the start); the due time is where the running, unpaused clock has
 * used the budget up. */
#ifndef OP_SLA_H
#define OP_SLA_H
#include "calendar.h"
#include "fields.h"
#include "rules.h"
#include "stream.h"

#define OP_SLA_MAX_HISTORY 10000	/* status changes read per record */

enum { OP_SLA_FIRST, OP_SLA_NEXT, OP_SLA_RESOLVE, OP_SLA_NTARGETS };
enum { OP_SLA_OPEN, OP_SLA_MET, OP_SLA_BREACHED, OP_SLA_UNKNOWN };

typedef struct {
	int64_t amount;		/* as op_p_duration gives it */
	int unit;		/* -1 none, 0 seconds, 1 business minutes, 2 business days */
} op_sla_dur;

typedef struct {
	op_time from, to;	/* [from, to) */
} op_sla_span;

/* What a target is judged against: the calendar of business targets,
 * the paused spans (sorted, disjoint), "now" for open targets, and the
 * warning share in percent (0: never at risk). */
typedef struct {
	const op_cal *cal;
	const op_sla_span *pause;
	size_t npause;
	op_time now;
	int warn;
} op_sla_clock;

typedef struct {
	op_time due;
	int state;		/* OP_SLA_OPEN .. OP_SLA_UNKNOWN */
	int64_t budget, used, remaining;	/* minutes of the target's clock */
	int64_t late;		/* wall minutes past due, rounded up; 0 unless breached */
	int at_risk;
} op_sla_result;

/* Judge target d started at start, stopped at *stop (NULL: not yet).
 * 0, or OP_CAL_NOHOURS / OP_CAL_RANGE. */
int op_sla_target(const op_sla_clock *k, op_sla_dur d, op_time start, const op_time *stop, op_sla_result *out);

/* One status change: when, and whether the status pauses the clock. */
typedef struct {
	op_time at;
	int paused;
} op_sla_event;

/* Sort ev by time (stable: changes at one instant keep their order) and
 * turn it into paused spans in out (room for n), a pause still on at the
 * end lasting until `end`.  Returns the number of spans; *sorted is 0
 * when ev was out of order. */
size_t op_sla_spans(op_sla_event *ev, size_t n, op_time end, op_sla_span *out, int *sorted);

/* The policies of one rule file. */
typedef struct op_slas op_slas;
op_slas *op_slas_new(void);
void op_slas_free(op_slas *s);
/* The `sla` statement (see op_route_statements). */
void op_sla_parse(op_parser *p, op_slas *s);
int op_slas_any(const op_slas *s);
/* What a statement cannot check alone: business targets without hours,
 * targets that contradict; the number of errors, each said. */
int op_slas_check(op_slas *s, const char *file, const op_cal *cal);

/* The time in the record's field key (a naive one in tz) into *t: 1, 0
 * when it is absent or null, -1 after rejecting the record. */
int op_sla_rec_time(op_stream *st, op_rec *r, const char *key, const op_tz *tz, op_buf *tmp, op_time *t);

/* The record's policy, if one holds: its sla_status object appended to
 * json (null when none holds), and when it has a first-reply target its
 * due time and budget in minutes in *due and *minutes.  Returns 1 when a
 * first-reply target was judged, 0 when not, -1 after rejecting the
 * record. */
typedef struct {
	const char *file;	/* the rules, for messages */
	op_eval *ev;
	const op_cal *cal;	/* the routed team's */
	const op_tz *naive_tz;
	op_time start, now;
	op_buf *explain;	/* --explain: the policy and how each due time was
				 * counted, as JSON (NULL: not asked) */
} op_sla_env;
int op_sla_record(op_slas *s, const op_sla_env *env, op_stream *st, op_rec *r, op_buf *json, op_time *due,
		  int64_t *minutes);
#endif

/* ical.h - enquiries that need a person as iCalendar tasks (RFC 5545
 * VTODO), for -o ics: a calendar app or a CalDAV client imports them.
 * MIT licence. */
#ifndef OP_ICAL_H
#define OP_ICAL_H
#include "jsonl.h"
#include "timefmt.h"
#include "tz.h"

/* Scratch for the lines of a task, reused from one to the next. */
typedef struct {
	op_buf line, text, dec;
} op_ical;

/* BEGIN:VCALENDAR and its properties / END:VCALENDAR, into out. */
void op_ical_begin(op_buf *out);
void op_ical_end(op_buf *out);
/* The VTODO of the record r into out: 1; 0 when r is no task (its
 * needs_human is not true); -1 when it cannot be one, msg saying why (no
 * id for its UID, a due_at that is no time).  stamp: its DTSTAMP; tz:
 * the zone of a naive due_at. */
int op_ical_todo(op_ical *ic, op_buf *out, op_rec *r, op_time stamp, const op_tz *tz,
		 char *msg, size_t msgsz);
void op_ical_free(op_ical *ic);
#endif

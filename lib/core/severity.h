/* severity.h - the severities of exc-flag's flags, which kpi-report reads
 * back: one list for both; and the priorities of a record, which
 * enq-classify and enq-route set and the rules' lint knows.  MIT licence. */
#ifndef OP_SEVERITY_H
#define OP_SEVERITY_H

extern const char *const op_severities[];	/* low .. critical, NULL-terminated */
int op_severity(const char *s);			/* its index, or -1 */
extern const char *const op_priorities[];	/* low .. urgent, NULL-terminated */
#endif

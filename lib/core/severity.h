/* severity.h - the severities of exc-flag's flags, which kpi-report reads
 * back: one list for both.  MIT licence. */
#ifndef OP_SEVERITY_H
#define OP_SEVERITY_H

extern const char *const op_severities[];	/* low .. critical, NULL-terminated */
int op_severity(const char *s);			/* its index, or -1 */
#endif

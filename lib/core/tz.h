/* tz.h - IANA time zones read from the system tz database (TZif files,
 * RFC 9636): offsets at an instant, local wall clock to UTC, broken-down
 * local time.  MIT licence.
 *
 * A zone is loaded once (op_tz_load allocates and reads a file); after
 * that every query is pure computation with no allocation, safe to call
 * per record and from several threads at once.
 */
#ifndef OPFLOW_TZ_H
#define OPFLOW_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "operr.h"
#include "timefmt.h"

typedef struct op_tz op_tz;

/* name like "Europe/London", "UTC", "America/New_York", looked up under
 * $TZDIR or /usr/share/zoneinfo.  Names that are empty, start with '/',
 * contain ".." or are longer than 255 bytes are refused.  TZif v1 is read,
 * and for v2+ the 64-bit section and its POSIX TZ footer
 * ("GMT0BST,M3.5.0/1,M10.5.0"), which governs every instant after the last
 * transition (Mm.w.d, Jn and n rules, /time from -167 to 167 hours as in
 * v3).  Leap-second records (the right/ zones) are ignored.  "UTC",
 * "Etc/UTC", "GMT" and "Etc/GMT" work even without tzdata installed.
 * On failure returns NULL with e (78) holding a one-line reason, e.g.
 * "unknown time zone 'Europe/Lndon'". */
op_tz *op_tz_load(const char *name, op_err *e);
void op_tz_free(op_tz *z);
const char *op_tz_name(const op_tz *z);	/* z NULL: "UTC" */

/* seconds east of UTC at that instant; z NULL means UTC */
int32_t op_tz_offset(const op_tz *z, op_time utc);

/* Local wall-clock seconds (civil time counted as if it were UTC) to the
 * UTC instant.  In a gap (01:30 on the London spring-forward day) the time
 * is moved forward by the gap: 01:30 -> 02:30 BST = 01:30Z.  In an overlap
 * (autumn) the earlier instant is taken.  *kind (may be NULL) is set to 0
 * normal, 1 gap, 2 overlap. */
enum { OP_TZ_NORMAL, OP_TZ_GAP, OP_TZ_OVERLAP };
op_time op_tz_to_utc(const op_tz *z, int64_t local, int *kind);

typedef struct {
	int64_t year;
	unsigned month, day, hour, min, sec;
	int wday;	/* 0 = Monday .. 6 = Sunday */
	unsigned yday;	/* 0 = 1 January */
	int32_t off;	/* seconds east of UTC */
} op_tm;

/* the local calendar fields of instant t in zone z (NULL = UTC) */
void op_tz_local(const op_tz *z, op_time t, op_tm *tm);

#endif

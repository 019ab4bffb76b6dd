/* datefmt.h - times written for people in a letter: strftime-like
 * directives with the weekday and month names of eight languages, so a
 * German reply says "Montag" whatever the machine's locale.  MIT licence. */
#ifndef OP_DATEFMT_H
#define OP_DATEFMT_H
#include "opflow.h"
#include "tz.h"

/* The languages with names, ISO 639-1, NULL-terminated: en de fr es it nl
 * pt pl. */
extern const char *const op_datelangs[];
/* The index of code (n bytes) among them, or -1. */
int op_datelang(const char *code, size_t n);
/* Is fmt made only of the directives op_datefmt writes?  0, or -1 with
 * *bad at the first one it does not know. */
int op_datefmt_check(const char *fmt, const char **bad);
/* tm as fmt says, names in language lang (an op_datelang index), into b:
 * %Y %y %m %d %e %H %I %M %S %p %A %a %B %b %j %%, other bytes as they
 * are.  Names are UTF-8, %B the nominative (Polish "październik"). */
void op_datefmt(op_buf *b, const op_tm *tm, const char *fmt, int lang);
#endif

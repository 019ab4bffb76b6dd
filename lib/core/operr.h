/* operr.h - one error convention for lib/ (see lib/README): a function
 * that can fail returns NULL or -1 and fills an op_err; only cmd/ (and
 * op_die, for out of memory) ends the program.  MIT licence. */
#ifndef OP_OPERR_H
#define OP_OPERR_H
#include <stdnoreturn.h>

typedef struct { int code; char msg[512]; } op_err;

/* Fill e: code is the exit status the program ends with if it gives up
 * (opflow.h), msg what went wrong, without the program's name.  Returns
 * -1, for `return op_errf(e, ...)`.  An empty msg means the function has
 * already said what was wrong (a rule file's errors, one line each). */
int op_errf(op_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* For cmd/: "prog: msg" on stderr (unless msg is empty) and exit e->code. */
noreturn void op_die_err(const op_err *e);
#endif

/* operr.h - one error convention for lib/ (see lib/README): a loader that
 * meets a bad file returns NULL (or -1) and fills an op_err; only cmd/
 * and op_die exit.  MIT licence. */
#ifndef OP_OPERR_H
#define OP_OPERR_H

typedef struct { int code; char msg[512]; } op_err;

#endif

/* split.h - kpi-rollup -j: one regular file read in parts, cut at line
 * boundaries, a thread each, every part into a context of its own that
 * the caller then merges.  MIT licence. */
#ifndef OP_SPLIT_H
#define OP_SPLIT_H
#include <stdint.h>
#include "stream.h"

/* Reads the regular file open as fd (called name, size bytes long) in n
 * parts of about size / n bytes, part i through fn with ctxs[i], on n
 * threads, with whole's options.  0 when no part had anything to say
 * (no bad line, no read error): *in records were read.  -1 when one had:
 * the parts stopped, said nothing, and what they counted is to be thrown
 * away and the file read again on one thread, so that its messages and
 * --rejects come in the file's order with its line numbers. */
int op_split_read(const op_stream *whole, const char *name, int fd, uint64_t size, unsigned n,
		  op_record_fn fn, void **ctxs, unsigned long long *in);
#endif

/* split.c - a regular file read in parts on threads, see split.h.  MIT
 * licence, see COPYING.
 *
 * Each part has its stream, its context and its thread; they share the
 * file (pread(2), no offset in common) and one flag: something was said.
 * A part's messages would come out of the file's order and with line
 * numbers counted from the part's start, so none is printed: the first
 * one raises the flag, every part stops at its next record, and the
 * caller reads the file again the ordinary way.  A file with bad lines
 * costs that second reading; the clean one, the common case, pays
 * nothing for the order its messages would have had.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "split.h"

typedef struct {
	op_stream st;
	atomic_int *said;
	const char *name;
	int fd;
	uint64_t from, to;
	op_record_fn fn;
	void *ctx;
	pthread_t tid;
} part;

/* the start of the first line that starts at or after at */
static uint64_t line_start(int fd, uint64_t at, uint64_t size)
{
	char buf[4096];
	uint64_t off = at ? at - 1 : 0;	/* at starts a line when the byte before is a newline */
	if (!at)
		return 0;
	while (off < size) {
		ssize_t got = pread(fd, buf, sizeof buf, (off_t)off);
		if (got <= 0)	/* the part before meets the error and says so */
			return size;
		char *nl = memchr(buf, '\n', (size_t)got);
		if (nl)
			return off + (uint64_t)(nl - buf) + 1;
		off += (uint64_t)got;
	}
	return size;
}

static void hush(void *vp, const char *msg)
{
	part *p = vp;
	(void)msg;
	atomic_store(p->said, 1);
}

static int one(op_stream *st, op_rec *rec, void *vp)
{
	part *p = vp;
	if (atomic_load_explicit(p->said, memory_order_relaxed))
		return 1;
	return p->fn(st, rec, p->ctx);
}

static void *run(void *vp)
{
	part *p = vp;
	op_warn_divert(hush, p);
	op_stream_range(&p->st, p->name, p->fd, p->from, p->to, one, p);
	if (p->st.rejected || p->st.noinput || p->st.stop)
		atomic_store(p->said, 1);
	op_warn_divert(NULL, NULL);
	return NULL;
}

int op_split_read(const op_stream *whole, const char *name, int fd, uint64_t size, unsigned n,
		  op_record_fn fn, void **ctxs, unsigned long long *in)
{
	atomic_int said = 0;
	part *parts = op_xcalloc(n, sizeof *parts);
	uint64_t from = 0;
	for (unsigned i = 0; i < n; i++) {
		part *p = &parts[i];
		uint64_t to = i + 1 == n ? size : line_start(fd, size / n * (i + 1), size);
		op_stream_part_init(&p->st, whole);
		p->said = &said;
		p->name = name;
		p->fd = fd;
		p->from = from;
		p->to = from = to < from ? from : to;
		p->fn = fn;
		p->ctx = ctxs[i];
	}
	/* a thread that cannot be had: its part is read on this one */
	int *started = op_xcalloc(n, sizeof *started);
	for (unsigned i = 0; i < n; i++)
		started[i] = pthread_create(&parts[i].tid, NULL, run, &parts[i]) == 0;
	for (unsigned i = 0; i < n; i++)
		if (!started[i])
			run(&parts[i]);
	*in = 0;
	for (unsigned i = 0; i < n; i++) {
		if (started[i])
			pthread_join(parts[i].tid, NULL);
		*in += parts[i].st.in;
		op_stream_part_free(&parts[i].st);
	}
	free(started);
	free(parts);
	return said ? -1 : 0;
}

/* link.h - close the loop on enquiries: thread mail by Message-ID,
 * In-Reply-To and References, fold the customer's follow-ups and our
 * replies into the enquiry they belong to, drop auto-replies, and join
 * CRM rows (de-duplicated across snapshot exports) to their enquiry.
 * See man/enq-link.1.  MIT licence.
 *
 * Two phases: op_link_add takes every record of the input (the stream's
 * callback), keeping per message only its thread node, kind and time, and
 * per enquiry or CRM row where its line went in a spool file (an unlinked
 * temporary file): no bodies in memory.  op_link_write then settles every
 * thread and join and writes one record per enquiry, in input order. */
#ifndef OP_LINK_H
#define OP_LINK_H

#include "stream.h"
#include "timefmt.h"

typedef struct {
	int keep_auto;		/* auto-replies and bounces thread like mail */
	op_time window;		/* CRM row by email: at most this after the enquiry;
				 * --by-subject: at most this between messages */
	int by_subject;		/* unlinked mail threads by sender and subject */
	int has_from, has_to;	/* --from/--to: write only the enquiries */
	op_time from, to;	/* received in [from, to); all are linked */
} op_link_opt;

typedef struct op_link op_link;

op_link *op_link_new(const op_link_opt *o);
/* The op_stream callback: ctx is the op_link. */
int op_link_add(op_stream *st, op_rec *r, void *ctx);
/* Settle threads and joins, emit the enquiries, add the counts to
 * st->extra for --stats. */
void op_link_write(op_link *l, op_stream *st);
void op_link_free(op_link *l);

#endif

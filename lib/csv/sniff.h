/* sniff.h - what kind of input a file or stream holds (enq-parse -f auto),
 * and a stream whose first bytes can be looked at before it is read.
 * MIT licence, see COPYING. */
#ifndef OP_SNIFF_H
#define OP_SNIFF_H
#include <stddef.h>
#include <stdio.h>

#include "operr.h"

enum op_kind {
	OP_KIND_AUTO,
	OP_KIND_EMAIL,		/* one RFC 5322 message */
	OP_KIND_MBOX,
	OP_KIND_MAILDIR,
	OP_KIND_CSV,		/* delimited text, delimiter sniffed */
	OP_KIND_TSV,
	OP_KIND_JSONL,
};

/* "auto", "email" (or "eml"), "mbox", "maildir", "csv", "tsv", "jsonl"
 * (or "json", "ndjson"); -1 for anything else. */
int op_kind_parse(const char *name);
const char *op_kind_name(int kind);

/* The kind of the bytes buf[0..n), the start of a file in UTF-8 (a BOM
 * and leading blank lines are skipped):
 *   "From " at the start                    mbox
 *   '{'                                     JSONL
 *   a header field ("Name: value", the name
 *   printable ASCII without ':' or spaces)  one message
 *   more of the first lines start with '{'
 *   than not                                JSONL (its first line is bad)
 *   some of them start with '{'             -1: not clearly one kind
 *   anything else                           delimited text (OP_KIND_CSV)
 * Never OP_KIND_MAILDIR: that is a property of a directory (mailbox.h). */
int op_sniff_kind(const char *buf, size_t n);

/* A stream that can be peeked at: op_peek_open reads up to `want` bytes
 * of f (fewer at its end) into the buffer it returns through buf/n, and
 * returns a new FILE that gives those bytes again and then the rest of f.
 * Works on pipes; f stays the caller's to close, after the new FILE.
 * Returns NULL with errno set on a read error. */
FILE *op_peek_open(FILE *f, size_t want, const char **buf, size_t *n);

/* A file opened as input: its kind decided and its text read as UTF-8. */
typedef struct {
	FILE *in;		/* what to read */
	int kind;		/* the kind given, else sniffed */
	int decoded;		/* UTF-16 or UTF-32, read through a decoder */
	FILE *f, *pf, *df;	/* private */
} op_input;

/* f (name: for messages) as input of kind (OP_KIND_AUTO: sniffed from
 * its start), its charset `encoding` (NULL: UTF-8, or what a byte order
 * mark says): 0, or -1 with e->msg saying why and e->code
 *   OP_EXIT_NOINPUT  a read error
 *   OP_EXIT_DATAERR  no input enq-parse reads: a ZIP or OLE2 workbook,
 *                    UTF-16 without a byte order mark and no encoding
 *                    given, not clearly one kind; the message says what
 *                    to do.
 * Either way op_input_close(in) after, and f stays the caller's. */
int op_input_open(op_input *in, FILE *f, int kind, const char *encoding, const char *name,
		  op_err *e);
void op_input_close(op_input *in);

#endif

/* charset.h - bytes in some charset to valid UTF-8 (iconv from libc).
 * MIT licence, see COPYING. */
#ifndef OP_CHARSET_H
#define OP_CHARSET_H
#include <iconv.h>
#include <stddef.h>
#include <stdio.h>
#include "opflow.h"

/* Length of the longest valid UTF-8 prefix of s (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF).  == n when all of s is valid. */
size_t op_utf8_valid_prefix(const char *s, size_t n);

/* Append s, in charset `from` (any name iconv knows, case-insensitive;
 * NULL or "" means UTF-8/US-ASCII), to out as valid UTF-8.
 * Returns 0 when converted as declared; 1 when it fell back: the charset is
 * unknown to iconv, or the bytes are invalid in it, and the text was decoded
 * as Windows-1252 instead (valid UTF-8 stays as it is).  Never fails,
 * never writes invalid UTF-8. */
int op_to_utf8(op_buf *out, const char *s, size_t n, const char *from);

/* Windows-1252 (a superset of Latin-1 for text) to UTF-8. */
void op_cp1252_to_utf8(op_buf *out, const char *s, size_t n);

/* ---- UTF-16 and UTF-32 (Excel's "Unicode Text" is UTF-16LE) ---- */

/* The iconv name of the wide charset the start of a file b[0..n) is in:
 * the one `encoding` names (utf-16, utf-16le, ucs-2, utf-32be, ... any
 * case), its byte order taken from a byte order mark when there is one;
 * with encoding NULL, the one its byte order mark says.  NULL when it is
 * no such charset.  *bom = the mark's length (0 when none), *unit = 2 or
 * 4 bytes. */
const char *op_wide_charset(const char *b, size_t n, const char *encoding, size_t *bom,
			    size_t *unit);

/* "UTF-16LE" or "UTF-16BE" when b[0..n), which has no byte order mark,
 * looks like it (mostly ASCII text, every other byte NUL); else NULL. */
const char *op_utf16_guess(const char *b, size_t n);

/* iconv(cd) from *in to *out, as far as both go, each unit (`unit` bytes)
 * that does not convert written as U+FFFD.  eof: no more input comes, so
 * an incomplete unit at the end is bad too; else it is left in *in.
 * Returns the number of bad units. */
size_t op_iconv_lossy(iconv_t cd, char **in, size_t *inleft, char **out, size_t *outleft,
		      size_t unit, int eof);

/* A stream of f's bytes, after the first `skip` (a byte order mark), in
 * the wide charset `from` (an op_wide_charset name), as UTF-8; bad units
 * read as U+FFFD, with one warning "name: not valid FROM, ...".  f stays
 * the caller's, to close after the new stream. */
FILE *op_decode_open(FILE *f, const char *from, size_t unit, size_t skip, const char *name);
#endif

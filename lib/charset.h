/* charset.h - bytes in some charset to valid UTF-8 (iconv from libc).
 * MIT licence, see COPYING. */
#ifndef OP_CHARSET_H
#define OP_CHARSET_H
#include <stddef.h>
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
#endif

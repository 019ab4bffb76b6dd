/* rfc2047.h - the MIME encodings of header text and part bodies: RFC 2047
 * encoded words, RFC 2045 parameters with RFC 2231 extended values, and
 * the base64 and quoted-printable decoders both headers and bodies use.
 * All output is valid UTF-8 (see charset.h).  MIT licence, see COPYING. */
#ifndef OP_RFC2047_H
#define OP_RFC2047_H
#include <stddef.h>

#include "opflow.h"

/* Append the header text s[0..n) to out as UTF-8, with every encoded word
 * (=?charset?Q?...?= or =?charset?B?...?=, charset*lang allowed) decoded.
 * Whitespace between two encoded words is dropped (RFC 2047 section 6.2);
 * the bytes of adjacent words in the same charset are decoded together,
 * so a multibyte character split across two words survives.  Text outside
 * encoded words is read in charset raw (NULL: UTF-8 when valid, else
 * Windows-1252): some mailers send raw 8-bit headers in the body's charset.
 * Returns 0, or 1 when some text fell back to Windows-1252 (charset unknown
 * to iconv or bytes invalid in it); then the first such charset name is
 * copied into bad (bad may be NULL; badsz includes the NUL).
 * Liberties, as most mail readers take: encoded words inside quoted
 * strings and touching other text are decoded too. */
int op_rfc2047_decode(op_buf *out, const char *s, size_t n, const char *raw,
    char *bad, size_t badsz);

/* Find parameter `name` (case-insensitive) in the parameter list of a
 * Content-Type or Content-Disposition value, s[0..n) being the whole
 * unfolded value ("text/plain; charset=utf-8").  Handles token and
 * quoted-string values, RFC 2231 extended values (name*=charset'lang'%XX)
 * and continuations (name*0=, name*1*=, ... in any order), and, as a
 * liberty, RFC 2047 encoded words inside a plain value.  Appends the value
 * to out as UTF-8 and returns 0, or returns -1 when there is no such
 * parameter.  *fell (may be NULL) is set to 1 when a declared charset
 * fell back to Windows-1252, else 0. */
int op_mime_param(op_buf *out, const char *s, size_t n, const char *name,
    int *fell);

/* Base64 (RFC 2045 section 6.8), tolerantly: characters outside the
 * alphabet (whitespace, line breaks, junk) are skipped, padding is
 * optional, a final partial group yields what bytes it holds.  Returns 1
 * when the text was damaged (junk other than whitespace, a group cut
 * short), else 0. */
int op_base64_decode(op_buf *out, const char *s, size_t n);

/* Quoted-printable (RFC 2045 section 6.7): =XX (either case), soft line
 * breaks "=" CRLF or "=" LF, trailing whitespace on a line dropped; an
 * "=" that starts neither is kept as it is.  With header set, the Q
 * encoding of RFC 2047 instead: "_" is a space and there are no lines.
 * Returns 1 when an "=" was kept (the text was damaged), else 0. */
int op_qp_decode(op_buf *out, const char *s, size_t n, int header);

#endif

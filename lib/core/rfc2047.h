/* rfc2047.h - the MIME encodings of header text and part bodies: RFC 2047
 * encoded words, RFC 2045 parameters with RFC 2231 extended values, and
 * the base64 and quoted-printable decoders both headers and bodies use;
 * the encoders a message we write needs.  All decoded output is valid
 * UTF-8 (see charset.h).  MIT licence, see COPYING. */
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

/* Encoding, for the messages opflow writes (lib/mail/compose.c). */

/* The longest encoded word of RFC 2047 (section 2) */
#define OP_EW_MAX 75

/* One encoded word in UTF-8 of at most max characters (max <= OP_EW_MAX)
 * appended to out, holding the longest prefix of whole characters of the
 * UTF-8 text s[0..n) that fits: a character is never split across two
 * words (section 5), so each word decodes alone.  Q (=?UTF-8?Q?...?=) or
 * B (=?UTF-8?B?...?=), whichever holds more, else Q unless B is 5
 * characters shorter (Q stays readable in a raw header); Q leaves only
 * letters, digits and ! * + - / as they are and writes a space "_", the
 * strictest of section 5's three places, so the word may stand for a
 * word of a phrase (a display name) too.  Returns the bytes of s taken,
 * 0 when not even the first character fits (out unchanged). */
size_t op_rfc2047_word(op_buf *out, const char *s, size_t n, size_t max);

/* s[0..n) as base64 (RFC 2045 section 6.8) appended to out, padded, in
 * one line. */
void op_base64_encode(op_buf *out, const void *s, size_t n);

/* s[0..n) as quoted-printable (RFC 2045 section 6.7) appended to out:
 * printable ASCII but "=" as it is, everything else =XX (upper-case hex),
 * spaces and tabs too where they would end a line; lines broken where s
 * has LF (a CRLF read as one LF; a lone CR is a byte, =0D), the breaks
 * written as LF, and soft breaks ("=" LF) keeping each line within 76
 * characters without splitting an =XX. */
void op_qp_encode(op_buf *out, const char *s, size_t n);

#endif

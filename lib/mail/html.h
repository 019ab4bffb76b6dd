/* html.h - HTML to readable plain text, for mail bodies that have no
 * text/plain alternative.  MIT licence, see COPYING. */
#ifndef OP_HTML_H
#define OP_HTML_H
#include <stddef.h>

#include "opflow.h"

/* Append the text of the HTML s[0..n) (UTF-8; invalid bytes are read as
 * Windows-1252) to out: block elements (p div br li tr h1-h6 blockquote
 * table ...) become line breaks, list items "- ", table cells are
 * separated by a space; head, title, style and script content and comments
 * are dropped; character references (the HTML 4 named set plus &apos;,
 * decimal and hex) are decoded; whitespace is collapsed outside <pre>,
 * there is at most one blank line in a row, and the text is trimmed.
 * One pass, linear time, no recursion; never fails. */
void op_html_to_text(op_buf *out, const char *s, size_t n);

/* The charset an HTML document declares in its first 1024 bytes (<meta
 * charset=...> or <meta http-equiv=Content-Type content="...;charset=...">),
 * copied into cs (csz includes the NUL); 0 when found, -1 when not. */
int op_html_charset(const char *s, size_t n, char *cs, size_t csz);

#endif

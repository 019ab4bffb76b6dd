/* html.c - unit tests for HTML to text.  MIT licence. */
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "html.h"
#include "tap.h"

static op_buf b;

static const char *txt(const char *s)
{
	op_buf_reset(&b);
	op_html_to_text(&b, s, strlen(s));
	return b.p ? b.p : "";
}

int main(void)
{
	is(txt(""), "", "empty");
	is(txt("  plain   words \n here  "), "plain words here", "whitespace collapsed and trimmed");
	is(txt("<p>one</p><p>two</p>"), "one\n\ntwo", "paragraphs");
	is(txt("a<br>b<br/>c<BR >d"), "a\nb\nc\nd", "br in its forms");
	is(txt("a<br><br><br><br>b"), "a\n\nb", "at most one blank line");
	is(txt("<div>a</div><div>b</div>"), "a\nb", "div");
	is(txt("<ul><li>x</li><li>y</li></ul>after"), "- x\n- y\n\nafter", "list items");
	is(txt("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>"), "a b\nc d", "table rows and cells");
	is(txt("<h1>Title</h1>text"), "Title\n\ntext", "heading");
	is(txt("<blockquote>q</blockquote>r"), "q\n\nr", "blockquote");
	is(txt("<html><head><title>T</title><meta charset=utf-8></head><body>B</body></html>"), "B", "head and title dropped");
	is(txt("<style>p{x:y}</style>S<script>if (a<b) document.write('<p>')</script>T"), "ST", "style and script dropped");
	is(txt("<SCRIPT type=x>a</ScRiPt>b"), "b", "end tags in any case");
	is(txt("<script>never closed"), "", "unclosed script drops the rest");
	is(txt("a<!-- <p>no</p> -->b"), "ab", "comment dropped");
	is(txt("a<!-- unclosed"), "a", "unclosed comment");
	is(txt("<!DOCTYPE html><?xml x?>a"), "a", "doctype and processing instructions");
	is(txt("&amp;&lt;&gt;&quot;&apos;&nbsp;x"), "&<>\"' x", "basic entities");
	is(txt("&copy;&euro;&pound;&hellip;&mdash;&ndash;&rsquo;&lsquo;&rdquo;&ldquo;"), "©€£…—–’‘”“", "common named entities");
	is(txt("&eacute;&Eacute;&szlig;&alpha;&hearts;"), "éÉßα♥", "more named entities, case-sensitive");
	is(txt("&#233;&#xE9;&#Xe9;&#128512;"), "ééé😀", "numeric references");
	is(txt("&#150;&#0;&#xD800;&#99999999;"), "–\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "Windows-1252 range, invalid code points");
	is(txt("AT&T &unknown; & &#; &amp"), "AT&T &unknown; & &#; &", "bare ampersands kept");
	is(txt("a&nbsp;&nbsp;&nbsp;b"), "a b", "nbsp collapses as space");
	is(txt("a\xc2\xa0\xc2\xa0" "b"), "a b", "raw nbsp collapses as space");
	is(txt("a&zwnj;\xe2\x80\x8b" "b&shy;c"), "abc", "invisible characters dropped");
	is(txt("a < b > c"), "a < b > c", "lone angle brackets are text");
	is(txt("<a href=\"x>y\" title='q'>link</a>"), "link", "> inside quoted attribute");
	is(txt("<img alt=\"unclosed>text"), "text", "unclosed attribute quote");
	is(txt("<pre>a  b\n  c</pre>d"), "a  b\n  c\n\nd", "pre keeps whitespace");
	is(txt("<head><p>no head end</p>"), "no head end", "head without its end tag");
	is(txt("x<p></p><p></p><div></div>y"), "x\n\ny", "empty blocks give one blank line");
	is(txt("caf\xe9"), "café", "invalid UTF-8 read as Windows-1252");
	is(txt("<p>Gr\xc3\xbc\xc3\x9f" "e</p>"), "Grüße", "UTF-8 kept");

	/* linear on hostile input: these must finish at once */
	size_t n = 1 << 20;
	char *big = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		big[i] = "<a x=\""[i % 6];
	big[n] = 0;
	op_buf_reset(&b);
	op_html_to_text(&b, big, n);
	ok(op_utf8_valid_prefix(b.p, b.len) == b.len, "1 MiB of unclosed tags");
	memset(big, '<', n);
	op_buf_reset(&b);
	op_html_to_text(&b, big, n);
	ok(b.len == n, "1 MiB of '<'");
	for (size_t i = 0; i < n; i++)
		big[i] = "&#x"[i % 3];
	op_buf_reset(&b);
	op_html_to_text(&b, big, n);
	ok(b.len == n, "1 MiB of '&#x'");
	for (size_t i = 0; i < n; i++)
		big[i] = "<script>"[i % 8];
	op_buf_reset(&b);
	op_html_to_text(&b, big, n);
	is(b.p, "", "1 MiB of <script>");
	free(big);

	/* declared charset */
	char cs[32];
	ok(op_html_charset("<meta charset=\"koi8-r\">", 23, cs, sizeof cs) == 0 && !strcmp(cs, "koi8-r"), "meta charset");
	const char *m = "<META http-equiv=Content-Type content=\"text/html; charset=iso-8859-2\">";
	ok(op_html_charset(m, strlen(m), cs, sizeof cs) == 0 && !strcmp(cs, "iso-8859-2"), "meta http-equiv");
	ok(op_html_charset("<p>none</p>", 11, cs, sizeof cs) < 0, "no charset");

	op_buf_free(&b);
	return done_testing();
}

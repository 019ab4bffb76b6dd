/* charset.c - tests for lib/charset.c: UTF-8 validity, conversions through
 * iconv, the Windows-1252 fallback.  MIT licence. */
#include <stdio.h>
#include <string.h>

#include "charset.h"
#include "tap.h"


#define VP(lit) op_utf8_valid_prefix(lit, sizeof lit - 1)

/* convert a literal and return the result (static buffer, per call) */
static int rc;
static const char *conv(const char *s, size_t n, const char *from)
{
	static op_buf b;
	op_buf_reset(&b);
	rc = op_to_utf8(&b, s, n, from);
	ok(op_utf8_valid_prefix(b.p ? b.p : "", b.len) == b.len,
	   "output from %s is valid UTF-8", from ? from : "(null)");
	return b.p ? b.p : "";
}
#define CONV(lit, from) conv(lit, sizeof lit - 1, from)

int main(void)
{
	/* validity: RFC 3629 edge cases */
	is_num(VP(""), 0, "empty");
	is_num(VP("plain ASCII text, longer than eight bytes"), 41, "ASCII");
	is_num(VP("caf\xc3\xa9"), 5, "2-byte é");
	is_num(VP("\xe2\x82\xac"), 3, "3-byte €");
	is_num(VP("\xf0\x9f\x98\x80"), 4, "4-byte emoji");
	is_num(VP("\xf4\x8f\xbf\xbf"), 4, "U+10FFFF is the last valid");
	is_num(VP("\xef\xbf\xbf"), 3, "U+FFFF (a noncharacter) is still valid UTF-8");
	is_num(VP("\xed\x9f\xbf"), 3, "U+D7FF just below the surrogates");
	is_num(VP("\xee\x80\x80"), 3, "U+E000 just above the surrogates");
	is_num(VP("ab\xc0\x80"), 2, "overlong C0 80 rejected");
	is_num(VP("\xc1\xbf"), 0, "overlong C1 BF rejected");
	is_num(VP("\xe0\x80\x80"), 0, "overlong E0 80 80 rejected");
	is_num(VP("\xe0\x9f\xbf"), 0, "overlong E0 9F BF rejected");
	is_num(VP("\xf0\x8f\xbf\xbf"), 0, "overlong F0 8F BF BF rejected");
	is_num(VP("x\xed\xa0\x80"), 1, "surrogate ED A0 80 rejected");
	is_num(VP("\xed\xbf\xbf"), 0, "surrogate ED BF BF rejected");
	is_num(VP("\xf4\x90\x80\x80"), 0, "F4 90 80 80 (above U+10FFFF) rejected");
	is_num(VP("\xf5\x80\x80\x80"), 0, "F5 lead rejected");
	is_num(VP("abc\xff"), 3, "0xFF rejected");
	is_num(VP("\xfe"), 0, "0xFE rejected");
	is_num(VP("\x80"), 0, "lone continuation byte rejected");
	is_num(VP("ok\xc3"), 2, "truncated 2-byte at end");
	is_num(VP("ok\xe2\x82"), 2, "truncated 3-byte at end");
	is_num(VP("ok\xf0\x9f\x98"), 2, "truncated 4-byte at end");
	is_num(VP("\xe2\x82x"), 0, "3-byte cut by ASCII");
	is_num(VP("\xc3\xa9\xc3"), 2, "valid then truncated");
	is_num(VP("0123456789abcdef\xc3\xa9" "0123456789\xff"), 28,
	       "fast path then multibyte then invalid at 28");
	is_num(VP("01234567\x80" "9abcdef"), 8, "invalid right after an 8-byte block");
	is_num(VP("a\0b"), 3, "NUL is valid UTF-8");

	/* a long ASCII buffer with one bad byte at every offset: the fast path
	 * must stop at exactly the right place */
	{
		char big[100];
		int good = 1;
		for (int at = 0; at < 100; at++) {
			memset(big, 'a', sizeof big);
			big[at] = (char)0xE9;
			if (op_utf8_valid_prefix(big, sizeof big) != (size_t)at)
				good = 0;
		}
		ok(good, "fast path stops at the bad byte wherever it is");
	}

	/* conversions */
	is(CONV("caf\xc3\xa9", NULL), "caf\xc3\xa9", "NULL charset: UTF-8 passes");
	is_num(rc, 0, "  rc 0");
	is(CONV("caf\xc3\xa9", "UTF-8"), "caf\xc3\xa9", "UTF-8 passes");
	is(CONV("plain", "us-ascii"), "plain", "us-ascii");
	is_num(rc, 0, "  rc 0");
	is(CONV("caf\xc3\xa9", "US-ASCII"), "caf\xc3\xa9", "us-ascii label on UTF-8 text kept");
	is_num(rc, 0, "  rc 0");
	is(CONV("caf\xe9", "ascii"), "caf\xc3\xa9", "ascii label on Latin-1 byte: fallback");
	is_num(rc, 1, "  rc 1");
	is(CONV("caf\xe9", "ANSI_X3.4-1968"), "caf\xc3\xa9", "ANSI_X3.4-1968 as ascii");
	is_num(rc, 1, "  rc 1");

	is(CONV("caf\xe9 \xa3" "5", "iso-8859-1"), "caf\xc3\xa9 \xc2\xa3" "5", "iso-8859-1 é £");
	is_num(rc, 0, "  rc 0");
	is(CONV("\x93quoted\x94", "ISO-8859-1"), "\xe2\x80\x9cquoted\xe2\x80\x9d",
	   "iso-8859-1 label with cp1252 quotes reads them as quotes");
	is(CONV("\x80" "5", "windows-1252"), "\xe2\x82\xac" "5", "windows-1252 0x80 -> €");
	is_num(rc, 0, "  rc 0");
	is(CONV("\x81\x8d\x8f\x90\x9d", "cp1252"), "\xc2\x81\xc2\x8d\xc2\x8f\xc2\x90\xc2\x9d",
	   "cp1252 undefined bytes -> C1 code points");
	is(CONV("\x9f\x8a\x99", "Windows-1252"), "\xc5\xb8\xc5\xa0\xe2\x84\xa2", "cp1252 Ÿ Š ™");
	is(CONV("\xf0\xd2\xc9\xd7\xc5\xd4", "koi8-r"),
	   "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", "koi8-r Привет");
	is_num(rc, 0, "  rc 0");
	is(CONV("\x93\xfa\x96\x7b", "shift_jis"), "\xe6\x97\xa5\xe6\x9c\xac", "shift_jis 日本");
	is_num(rc, 0, "  rc 0");
	is(CONV("\x93\xfa\x96\x7b", "x-sjis"), "\xe6\x97\xa5\xe6\x9c\xac", "x-sjis alias");
	is(CONV("h\0i\0\xac\x20", "utf-16le"), "hi\xe2\x82\xac", "utf-16le hi€");
	is_num(rc, 0, "  rc 0");
	is(CONV("\xfe\xff\0h", "utf-16"), "h", "utf-16 with BE BOM");
	is(CONV("\xb0\xa1", "ks_c_5601-1987"), "\xea\xb0\x80", "ks_c_5601-1987 (Outlook Korean) 가");
	is(CONV("\xc4\xe3", "gb2312"), "\xe4\xbd\xa0", "gb2312 你");
	is(CONV("\xa4", "ISO-8859-15"), "\xe2\x82\xac", "iso-8859-15 0xA4 -> €");
	is(CONV("\xa4", "iso-8859-15"), "\xe2\x82\xac", "cached descriptor, other case");
	is(CONV("", "koi8-r"), "", "empty input");
	is_num(rc, 0, "  rc 0");

	/* fallbacks */
	is(CONV("caf\xe9", "x-no-such-charset"), "caf\xc3\xa9", "unknown charset: cp1252");
	is_num(rc, 1, "  rc 1");
	is(CONV("caf\xc3\xa9", "x-unknown"), "caf\xc3\xa9", "unknown charset, UTF-8 bytes kept");
	is_num(rc, 1, "  rc 1");
	is(CONV("caf\xe9", "x-no-such-charset"), "caf\xc3\xa9", "unknown charset again (cached miss)");
	is(CONV("caf\xe9", "utf-8"), "caf\xc3\xa9", "invalid UTF-8: cp1252");
	is_num(rc, 1, "  rc 1");
	is(CONV("\xc3\xa9t\xe9 \x80", "utf-8"), "\xc3\xa9t\xc3\xa9 \xe2\x82\xac",
	   "mixed: valid UTF-8 kept, bad bytes as cp1252");
	is(CONV("\xed\xa0\x80", NULL), "\xc3\xad\xc2\xa0\xe2\x82\xac", "surrogate bytes as cp1252");
	is(CONV("\x93\xfa\xff", "shift_jis"), "\xe2\x80\x9c\xc3\xba\xc3\xbf",
	   "invalid shift_jis: whole text as cp1252");
	is_num(rc, 1, "  rc 1");
	is(CONV("h\0i", "utf-16le"), "h\0i", "truncated utf-16le: fallback");
	is_num(rc, 1, "  rc 1");
	is(CONV("\0\xd8" "a\0", "utf-16le"), "", "lone surrogate in utf-16le: fallback");
	is_num(rc, 1, "  rc 1");
	{
		char name[200];
		memset(name, 'x', sizeof name - 1);
		name[sizeof name - 1] = 0;
		is(CONV("\xe9", name), "\xc3\xa9", "absurdly long charset name: fallback");
		is_num(rc, 1, "  rc 1");
	}
	/* more charsets than cache slots, twice round */
	{
		static const char *cs[] = { "koi8-r", "iso-8859-2", "iso-8859-5", "cp1250",
			"cp1251", "iso-8859-7", "cp866", "mac-cyrillic", "iso-8859-9", "cp1253" };
		int good = 1;
		for (int r = 0; r < 2; r++)
			for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
				op_buf b = { 0 };
				if (op_to_utf8(&b, "abc", 3, cs[i]) != 0 || strcmp(b.p, "abc"))
					good = 0;
				op_buf_free(&b);
			}
		ok(good, "cache eviction keeps conversions right");
	}

	/* op_cp1252_to_utf8 directly, appending */
	{
		op_buf b = { 0 };
		op_buf_adds(&b, ">");
		op_cp1252_to_utf8(&b, "\xe9\x80z", 3);
		is(b.p, ">\xc3\xa9\xe2\x82\xacz", "op_cp1252_to_utf8 appends");
		op_buf_free(&b);
	}
	/* large input through iconv, growing the buffer */
	{
		static char big[100000];
		memset(big, 0xe9, sizeof big);
		op_buf b = { 0 };
		is_num(op_to_utf8(&b, big, sizeof big, "iso-8859-2"), 0, "100 kB through iconv");
		is_num(b.len, 200000, "  2 bytes out per byte in");
		op_buf_free(&b);
	}
	/* UTF-16 and UTF-32: which, and a decoding stream */
	{
		size_t bom = 9, unit = 0;
		is(op_wide_charset("\xff\xfe{\0", 4, NULL, &bom, &unit), "UTF-16LE", "UTF-16LE by its BOM");
		ok(bom == 2 && unit == 2, "  a 2-byte mark, 2-byte units");
		is(op_wide_charset("\xfe\xff\0{", 4, "utf-16le", &bom, &unit), "UTF-16BE",
		   "the BOM's byte order wins over the name's");
		is(op_wide_charset("{\0", 2, "UCS-2", &bom, &unit), "UTF-16LE", "UCS-2 named, no BOM");
		ok(bom == 0, "  no mark to skip");
		ok(op_wide_charset("{\0", 2, NULL, &bom, &unit) == NULL, "no BOM, no name: none");
		ok(op_wide_charset("\xff\xfe", 2, "latin1", &bom, &unit) == NULL, "a narrow name: none");
		is(op_utf16_guess("a\0,\0b\0\n\0", 8), "UTF-16LE", "ASCII in UTF-16LE, no BOM");
		is(op_utf16_guess("\0a\0,\0b\0\n", 8), "UTF-16BE", "ASCII in UTF-16BE, no BOM");
		ok(op_utf16_guess("a,b\nc,d\n", 8) == NULL, "8-bit text is not UTF-16");
		ok(op_utf16_guess("a\0", 2) == NULL, "too little to tell");

		/* 30,000 times e-acute and U+1F600 (a surrogate pair) and a line
		 * end: 360 kB, so pairs and units fall across the 16 KiB reads */
		static char in[2 + 30000 * 8], want[30000 * 7];
		memcpy(in, "\xff\xfe", 2);
		for (size_t i = 0; i < 30000; i++) {
			memcpy(in + 2 + i * 8, "\xe9\0\x3d\xd8\x00\xde\n\0", 8);
			memcpy(want + i * 7, "\xc3\xa9\xf0\x9f\x98\x80\n", 7);
		}
		FILE *f = fmemopen(in, sizeof in, "rb");
		FILE *d = op_decode_open(f, "UTF-16LE", 2, 2, "t.txt");
		static char got[sizeof want + 1];
		size_t n = fread(got, 1, sizeof got, d);
		ok(n == sizeof want && !memcmp(got, want, n), "decoded across reads, mark skipped (%zu bytes)", n);
		fclose(d);
		fclose(f);
	}
	return done_testing();
}

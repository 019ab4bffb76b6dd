/* csv.c - tests for lib/csvio.c: sniffing, the reader's line numbers, bad
 * rows and recovery, charsets, header names, the cell writer, and the
 * csv-spectrum cases in tests/data/csv-spectrum/.  MIT licence. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "charset.h"
#include "csvio.h"
#include "sniff.h"
#include "tap.h"


/* What a parse produced: rows as "LINE:f1|f2\n", the column names of the
 * last row as "a|b", bad rows as "!LINE:reason:raw\n" (CR, LF in raw shown
 * as \r \n \0), and stderr. */
static op_buf rows, names, err;
static int stop_at;	/* a row callback returns 7 at this row (1-based) */
static int nrows;

static void add_shown(op_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			op_buf_adds(b, "\\n");
		else if (s[i] == '\r')
			op_buf_adds(b, "\\r");
		else if (s[i] == 0)
			op_buf_adds(b, "\\0");
		else
			op_buf_addc(b, s[i]);
}

static int on_row(const char *const *nm, const char *const *f, const size_t *lens,
		  size_t n, unsigned long line, void *ctx)
{
	(void)ctx;
	op_buf_printf(&rows, "%lu:", line);
	op_buf_reset(&names);
	for (size_t i = 0; i < n; i++) {
		if (lens[i] != strlen(f[i]))	/* shown in the rows compared */
			op_buf_printf(&rows, "<length %zu>", lens[i]);
		op_buf_printf(&rows, "%s%s", i ? "|" : "", f[i]);
		op_buf_printf(&names, "%s%s", i ? "|" : "", nm[i]);
	}
	op_buf_addc(&rows, '\n');
	return ++nrows == stop_at ? 7 : 0;
}

static int on_bad(const char *raw, size_t n, unsigned long line,
		  const char *reason, void *ctx)
{
	(void)ctx;
	op_buf_printf(&rows, "!%lu:%s:", line, reason);
	add_shown(&rows, raw, n);
	op_buf_addc(&rows, '\n');
	return 0;
}

static int parse_o(const char *data, size_t n, const op_csv_opts *o)
{
	op_buf_reset(&rows);
	op_buf_reset(&names);
	op_buf_reset(&err);
	if (!rows.p)
		op_buf_adds(&rows, "");
	if (!names.p)
		op_buf_adds(&names, "");
	nrows = 0;
	FILE *f = tmpfile();
	if (n)
		fwrite(data, 1, n, f);
	rewind(f);
	/* stderr into a file for the call, to see the warnings */
	FILE *e = tmpfile();
	fflush(stderr);
	int saved = dup(2);
	dup2(fileno(e), 2);
	int rc = op_csv_read(f, "t.csv", o, on_row, on_bad, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(e);
	char buf[4096];
	size_t k;
	while ((k = fread(buf, 1, sizeof buf, e)) > 0)
		op_buf_add(&err, buf, k);
	if (!err.p)
		op_buf_adds(&err, "");
	fclose(e);
	fclose(f);
	return rc;
}

#define PARSE(lit, o) parse_o(lit, sizeof lit - 1, o)

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ---- csv-spectrum ---- */

/* Rows of one spectrum file, kept as arrays of (name, value) pairs. */
static json_t *spec_rows;
static int spec_row(const char *const *nm, const char *const *f, const size_t *lens,
		    size_t n, unsigned long line, void *ctx)
{
	(void)line, (void)lens;
	(void)ctx;
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, nm[i], json_string(f[i]));
	json_array_append_new(spec_rows, o);
	return 0;
}

static int spec_bad(const char *raw, size_t n, unsigned long line,
		    const char *reason, void *ctx)
{
	(void)raw;
	(void)n;
	(void)ctx;
	printf("# bad row at %lu: %s\n", line, reason);
	json_array_append_new(spec_rows, json_null());
	return 0;
}

static void spectrum(const char *dir)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/csvs", dir);
	DIR *d = opendir(path);
	ok(d != NULL, "csv-spectrum files in %s", path);
	if (!d)
		return;
	int files = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".csv"))
			continue;
		files++;
		char base[256];
		snprintf(base, sizeof base, "%.*s", (int)(l - 4), de->d_name);
		size_t n;
		snprintf(path, sizeof path, "%s/csvs/%s.csv", dir, base);
		char *csv = slurp(path, &n);
		snprintf(path, sizeof path, "%s/json/%s.json", dir, base);
		json_error_t je;
		json_t *want = json_load_file(path, 0, &je);
		ok(csv && want, "spectrum %s: csv and json read", base);
		if (!csv || !want) {
			free(csv);
			json_decref(want);
			continue;
		}
		if (json_is_object(want)) {	/* one file gives its row bare */
			json_t *a = json_array();
			json_array_append(a, want);
			json_decref(want);
			want = a;
		}
		/* Our copies of the *_crlf files lost their CRs on the way
		 * (see the README); put them back so the case tests CRLF. */
		if (strstr(base, "crlf") && !memchr(csv, '\r', n)) {
			op_buf c = { 0 };
			for (size_t i = 0; i < n; i++) {
				if (csv[i] == '\n')
					op_buf_addc(&c, '\r');
				op_buf_addc(&c, csv[i]);
			}
			free(csv);
			csv = c.p;
			n = c.len;
		}
		FILE *f = tmpfile();
		fwrite(csv, 1, n, f);
		rewind(f);
		spec_rows = json_array();
		op_csv_opts o = { .delim = ',' };
		int rc = op_csv_read(f, base, &o, spec_row, spec_bad, NULL);
		fclose(f);
		is_num(rc, 0, "spectrum %s: read", base);
		is_num(json_array_size(spec_rows), json_array_size(want),
		       "spectrum %s: %zu rows", base, json_array_size(want));
		int same = 1;
		for (size_t i = 0; i < json_array_size(want) && i < json_array_size(spec_rows); i++) {
			json_t *w = json_array_get(want, i), *g = json_array_get(spec_rows, i);
			if (!json_is_object(g) || json_object_size(g) != json_object_size(w)) {
				printf("# row %zu: not the same columns\n", i);
				same = 0;
				continue;
			}
			const char *k;
			json_t *wv;
			json_object_foreach(w, k, wv) {
				/* upstream's location_coordinates.json has another
				 * phone number than its .csv; the csv is the input */
				if (!strcmp(base, "location_coordinates") &&
				    !strcmp(k, "Contact Phone Number"))
					continue;
				json_t *gv = json_object_get(g, k);
				if (!gv || strcmp(json_string_value(gv), json_string_value(wv))) {
					printf("# row %zu %s: got '%s' want '%s'\n", i, k,
					       gv ? json_string_value(gv) : "(none)",
					       json_string_value(wv));
					same = 0;
				}
			}
		}
		ok(same, "spectrum %s: every field as expected", base);
		json_decref(spec_rows);
		json_decref(want);
		free(csv);
	}
	closedir(d);
	ok(files >= 12, "spectrum: %d files", files);
}

/* ---- the writer ---- */

static const char *cell(const char *s, int delim)
{
	static op_buf b;
	op_buf_reset(&b);
	op_csv_cell(&b, s, strlen(s), delim);
	return b.p ? b.p : "";
}

/* The input of bytes b[0..n) opened as kind: "KIND first-line", or
 * "CODE: message" when it is turned away. */
static const char *input(const char *b, size_t n, int kind, const char *encoding)
{
	static char got[600];
	FILE *f = fmemopen((void *)b, n, "rb");
	op_input in;
	op_err e;
	if (op_input_open(&in, f, kind, encoding, "t", &e)) {
		snprintf(got, sizeof got, "%d: %s", e.code, e.msg);
	} else {
		char line[64] = "";
		if (!fgets(line, sizeof line, in.in))
			line[0] = 0;
		line[strcspn(line, "\n")] = 0;
		snprintf(got, sizeof got, "%s%s %s", op_kind_name(in.kind), in.decoded ? "/decoded" : "", line);
	}
	op_input_close(&in);
	fclose(f);
	return got;
}

static void inputs(void)
{
	is(input("a,b\n1,2\n", 8, OP_KIND_AUTO, NULL), "csv a,b", "delimited text sniffed");
	is(input("{\"a\":1}\n", 8, OP_KIND_TSV, NULL), "tsv {\"a\":1}", "a kind given is kept");
	is(input("\xFF\xFE{\0\"\0a\0\"\0:\0\x31\0}\0\n\0", 20, OP_KIND_AUTO, NULL),
	   "jsonl/decoded {\"a\":1}", "UTF-16 with a byte order mark: decoded, then sniffed");
	is(input("a\0,\0b\0\n\0", 8, OP_KIND_AUTO, NULL),
	   "65: looks like UTF-16LE without a byte order mark: give --encoding UTF-16LE", "UTF-16 without one: turned away");
	is(input("a\0,\0b\0\n\0", 8, OP_KIND_AUTO, "utf-16le"), "csv/decoded a,b", "  unless its encoding is given");
	is(input("PK\3\4xxxx", 8, OP_KIND_CSV, NULL),
	   "65: a ZIP file (an .xlsx or .ods workbook?), not text: export it as CSV", "a workbook: turned away");
	is(input("x,y\n{\"b\":2}\nz,w\n", 16, OP_KIND_AUTO, NULL),
	   "65: not clearly delimited text or JSON lines (some of the first lines start with '{'): give -f csv, -f tsv or -f jsonl",
	   "half JSON: not clearly one kind");
}

int main(void)
{
	op_csv_opts o = { 0 };

	/* sniffing */
	is_num(op_csv_sniff("a,b,c\n1,2,3\n", 12), ',', "sniff comma");
	is_num(op_csv_sniff("a;b;c\n1;2;3\n", 12), ';', "sniff semicolon");
	is_num(op_csv_sniff("a\tb\n1\t2\n", 8), '\t', "sniff tab");
	is_num(op_csv_sniff("a|b\n1|2\n", 8), '|', "sniff pipe");
	is_num(op_csv_sniff("a;b\n1,5;2,25\n3,0;4\n", 19), ';',
	       "sniff semicolon with decimal commas");
	{
		const char *s = "name;note\n\"Doe, J\";\"a, b, c\"\nX;\"1,2\n3\"\n";
		is_num(op_csv_sniff(s, strlen(s)), ';', "sniff ignores commas and newlines in quotes");
	}
	is_num(op_csv_sniff("a,b\r\n1,2\r\n", 10), ',', "sniff CRLF");
	is_num(op_csv_sniff("a,b;c\n1;2;3\n", 12), 0, "sniff: nothing consistent -> 0");
	is_num(op_csv_sniff("just text\nmore\n", 15), 0, "sniff: no delimiter -> 0");
	is_num(op_csv_sniff("a,b,c", 5), ',', "sniff one unterminated line");
	is_num(op_csv_sniff("a,b\n1,2\n3,4,5,6", 15), ',', "sniff ignores a cut-off last line");
	is_num(op_csv_sniff("a,b;c;d\n1,2;3;4\n", 16), ';', "sniff: the most frequent consistent one");
	is_num(op_csv_sniff("", 0), 0, "sniff empty");

	/* the reader: basics */
	is_num(PARSE("a,b\n1,2\n3,4\n", NULL), 0, "simple: rc 0");
	is(rows.p, "2:1|2\n3:3|4\n", "simple rows and line numbers");
	is(names.p, "a|b", "names from the header");

	PARSE("a;b\n1;2\n", NULL);
	is(rows.p, "2:1|2\n", "semicolon sniffed by the reader");
	PARSE("a\tb\n1 x\t 2 \n", NULL);
	is(rows.p, "2:1 x|2\n", "tab sniffed; spaces around fields dropped");
	PARSE("a|b\n1|2\n", NULL);
	is(rows.p, "2:1|2\n", "pipe sniffed");
	PARSE("a,b;c\n1,2;3\n1;2,3\n", NULL);
	is(names.p, "a|b;c", "ragged start: the header's delimiter");

	PARSE("\xef\xbb\xbf" "a,b\n1,2\n", NULL);
	is(names.p, "a|b", "UTF-8 BOM skipped");
	is(rows.p, "2:1|2\n", "  rows after a BOM");

	PARSE("a,b\r\n1,2\r\n3,4\r\n", NULL);
	is(rows.p, "2:1|2\n3:3|4\n", "CRLF");
	PARSE("a,b\r1,2\r3,4", NULL);
	is(rows.p, "2:1|2\n3:3|4\n", "lone CR line ends, no final newline");
	PARSE("a,b\n\n1,2\n\n   \n3,4\n\n", NULL);
	is(rows.p, "3:1|2\n6:3|4\n", "empty lines skipped, line numbers kept");

	PARSE("a,b\n1,\"x\ny \"\"q\"\"\"\n2,z\n", NULL);
	is(rows.p, "2:1|x\ny \"q\"\n4:2|z\n", "quoted newline and quotes; the next row's line");
	PARSE("a,b\r\n1,\"x\r\n\r\ny\"\r\n2,z\r\n", NULL);
	is(rows.p, "2:1|x\r\n\r\ny\n5:2|z\n", "CRLF inside quotes kept; line numbers");
	PARSE("a,b\n\"1\",\"2,3\"\n\" sp \" , x\n", NULL);
	is(rows.p, "2:1|2,3\n3: sp |x\n", "quoted delimiter; spaces kept inside quotes only");
	PARSE("a,b\n5'10\",O\"Brien\n", NULL);
	is(rows.p, "2:5'10\"|O\"Brien\n", "a quote inside an unquoted field is a character");

	/* bad rows */
	is_num(PARSE("a,b,c\n1,2\n3,4,5\n6,7,8,9\n10,11,12\n", NULL), 0, "ragged: rc 0");
	is(rows.p, "!2:2 fields, header has 3:1,2\n3:3|4|5\n"
	   "!4:4 fields, header has 3:6,7,8,9\n5:10|11|12\n", "ragged rows reported, the rest delivered");
	PARSE("a,b\n1,\"x\"y\n2,3\n", NULL);
	is(rows.p, "!2:bad quoting at column 6:1,\"x\"y\n3:2|3\n", "text after a closing quote");
	PARSE("a,b\n1,\"x\nfoo\"bar\n2,3\n", NULL);
	is(rows.p, "!2:bad quoting at line 3 column 5:1,\"x\\nfoo\"bar\n4:2|3\n",
	   "quote error on a row's second line: whole row, line of the error");
	PARSE("a,b\n1,2\n3,\"oops\n4,5\n6,7\n", NULL);
	is(rows.p, "2:1|2\n!3:unclosed quote:3,\"oops\n4:4|5\n5:6|7\n",
	   "unclosed quote at EOF: its line is bad, the lines after it read again");
	PARSE("a,b\n1,\"x", NULL);
	is(rows.p, "!2:unclosed quote: the file ends inside a quoted field (cut short?):1,\"x\n", "unclosed quote on the last line: cut short");
	PARSE("a,b\n1,\"x\r\n", NULL);
	is(rows.p, "!2:unclosed quote: the file ends inside a quoted field (cut short?):1,\"x\n", "unclosed quote, raw without the line end");
	PARSE("a,b\n\"a\n\"b\n", NULL);
	is(rows.p, "!2:bad quoting at line 3 column 2:\"a\\n\"b\n", "quote error after an open quote");
	o = (op_csv_opts){ .max_field = 5 };
	PARSE("a,b\n1,123456\n2,12345\n", &o);
	is(rows.p, "!2:field 2 is longer than 5 bytes:1,123456\n3:2|12345\n", "max_field");
	o = (op_csv_opts){ .max_field = 10 };
	PARSE("a,b\n1,\"abcdef\nghijkl\nmn\n2,3\n", &o);
	is(rows.p, "!2:field 2 is longer than 10 bytes:1,\"abcdef\\nghijkl\n"
	   "!4:1 field, header has 2:mn\n5:2|3\n", "an open field past max_field: resync at the next line");

	/* header options */
	o = (op_csv_opts){ .header = "x, y" };
	PARSE("1,2\n3,4\n", &o);
	is(rows.p, "1:1|2\n2:3|4\n", "--header: the first row is data");
	is(names.p, "x|y", "  named by --header");
	o = (op_csv_opts){ .no_header = 1 };
	PARSE("1,2\n3,4\n", &o);
	is(rows.p, "1:1|2\n2:3|4\n", "no_header: the first row is data");
	is(names.p, "col_1|col_2", "  named col_N");
	o = (op_csv_opts){ .no_header = 1 };
	PARSE("1,2\n3\n", &o);
	is(rows.p, "1:1|2\n!2:1 field, header has 2:3\n", "no_header: ragged against the first row");
	PARSE("email,,email,name,email_2,\n1,2,3,4,5,6\n", NULL);
	is(names.p, "email|col_2|email_3|name|email_2|col_6", "empty and duplicate names made unique");
	PARSE("a,a,a\n1,2,3\n", NULL);
	is(names.p, "a|a_2|a_3", "a name three times");
	PARSE("a,b\n", NULL);
	is(rows.p, "", "header only: no rows");
	is_num(PARSE("a,b", NULL), 0, "header only, no newline: rc 0");
	is_num(PARSE("", NULL), 0, "empty file: rc 0");
	is(rows.p, "", "  no rows");
	is(err.p, "", "  no message");
	PARSE("\n\n", NULL);
	is(rows.p, "", "blank lines only: no rows");
	is_num(PARSE("a,\"b\n1,2\n3,4\n", NULL), 0, "a header that cannot be read");
	is(rows.p, "!1:cannot read the header row: unclosed quote:a,\"b\n"
	   "!2:no column names: the header row (line 1) could not be read:1,2\n"
	   "!3:no column names: the header row (line 1) could not be read:3,4\n",
	   "  is a bad row, and so is every row after it");
	is(err.p, "", "  and nothing is said of it here");
	PARSE("a,b\n1,\"x\n2,3\n", NULL);
	is(rows.p, "!2:unclosed quote:1,\"x\n3:2|3\n", "a stray quote: the next lines read again");
	PARSE("a,b\n1,2\n3,\"the text\ngoes, on\nand on, and, on\n", NULL);
	is(rows.p, "2:1|2\n!3:unclosed quote: the file ends inside a quoted field (cut short?):"
	   "3,\"the text\\ngoes, on\\nand on, and, on\n", "a file cut short inside a quote: one bad row");

	/* charsets */
	PARSE("name,city\nJos\xe9,Z\xfcrich\nA,B\nRen\xe9,\x80" "5\n", NULL);
	is(rows.p, "2:Jos\xc3\xa9|Z\xc3\xbcrich\n3:A|B\n4:Ren\xc3\xa9|\xe2\x82\xac" "5\n",
	   "invalid UTF-8 read as Windows-1252");
	is_num(count_lines(err.p), 1, "  one warning");
	ok(strstr(err.p, "t.csv:2: not valid UTF-8, read as Windows-1252") != NULL,
	   "  naming the first line");
	PARSE("name\n\"Jos\xc3\xa9\nRen\xe9\"\n", NULL);
	is(rows.p, "2:Jos\xc3\xa9\nRen\xc3\xa9\n", "mixed UTF-8 and Latin-1 in one field");
	o = (op_csv_opts){ .encoding = "latin1" };
	PARSE("name,city\nJos\xe9,Z\xfcrich\n", &o);
	is(rows.p, "2:Jos\xc3\xa9|Z\xc3\xbcrich\n", "--encoding latin1");
	is(err.p, "", "  no warning");
	o = (op_csv_opts){ .encoding = "koi8-r" };
	PARSE("\xe9\xcd\xd1\n\xf0\xc5\xd4\xd2\n", &o);
	is(names.p, "\xd0\x98\xd0\xbc\xd1\x8f", "--encoding koi8-r header");
	is(rows.p, "2:\xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\n", "--encoding koi8-r rows");
	o = (op_csv_opts){ .encoding = "x-nonesuch" };
	PARSE("a\n\xe9\n\xe8\n", &o);
	is(rows.p, "2:\xc3\xa9\n3:\xc3\xa8\n", "unknown --encoding: Windows-1252");
	is_num(count_lines(err.p), 1, "  one warning");
	ok(strstr(err.p, "t.csv: unknown charset \"x-nonesuch\", read as Windows-1252") != NULL,
	   "  saying the charset is unknown");
	o = (op_csv_opts){ .encoding = "UTF-8" };
	PARSE("a\n\xc3\xa9\n", &o);
	is(rows.p, "2:\xc3\xa9\n", "--encoding UTF-8");

	/* UTF-16 and UTF-32, as Excel's "Unicode Text" saves */
	{
		static const char u8[] = "name\tcity\r\nJos\xc3\xa9\t\xe2\x82\xac \xf0\x9f\x98\x80\r\n";
		op_buf le = { 0 }, be = { 0 }, in = { 0 };
		op_to_utf8(&in, u8, sizeof u8 - 1, NULL);
		/* UTF-8 to UTF-16 by hand: BMP and one surrogate pair */
		for (size_t i = 0; i < in.len;) {
			unsigned char c = (unsigned char)in.p[i];
			unsigned u;
			if (c < 0x80)
				u = c, i += 1;
			else if (c < 0xE0)
				u = (c & 0x1F) << 6 | (in.p[i + 1] & 0x3F), i += 2;
			else if (c < 0xF0)
				u = (c & 0x0F) << 12 | (in.p[i + 1] & 0x3F) << 6 | (in.p[i + 2] & 0x3F), i += 3;
			else
				u = (c & 0x07) << 18 | (in.p[i + 1] & 0x3F) << 12 |
				    (in.p[i + 2] & 0x3F) << 6 | (in.p[i + 3] & 0x3F), i += 4;
			unsigned units[2], nu = 1;
			units[0] = u;
			if (u >= 0x10000) {
				units[0] = 0xD800 | (u - 0x10000) >> 10;
				units[1] = 0xDC00 | ((u - 0x10000) & 0x3FF);
				nu = 2;
			}
			for (unsigned k = 0; k < nu; k++) {
				op_buf_addc(&le, (char)(units[k] & 0xFF));
				op_buf_addc(&le, (char)(units[k] >> 8));
				op_buf_addc(&be, (char)(units[k] >> 8));
				op_buf_addc(&be, (char)(units[k] & 0xFF));
			}
		}
		op_buf t = { 0 };
		op_buf_add(&t, "\xff\xfe", 2);
		op_buf_add(&t, le.p, le.len);
		parse_o(t.p, t.len, NULL);
		is(rows.p, "2:Jos\xc3\xa9|\xe2\x82\xac \xf0\x9f\x98\x80\n", "UTF-16LE with BOM, tabs sniffed");
		is(names.p, "name|city", "  header");
		is(err.p, "", "  no warning");
		op_buf_reset(&t);
		op_buf_add(&t, "\xfe\xff", 2);
		op_buf_add(&t, be.p, be.len);
		parse_o(t.p, t.len, NULL);
		is(rows.p, "2:Jos\xc3\xa9|\xe2\x82\xac \xf0\x9f\x98\x80\n", "UTF-16BE with BOM");
		o = (op_csv_opts){ .encoding = "UTF-16LE" };
		parse_o(le.p, le.len, &o);
		is(rows.p, "2:Jos\xc3\xa9|\xe2\x82\xac \xf0\x9f\x98\x80\n", "--encoding utf-16le, no BOM");
		/* a lone surrogate and an odd last byte */
		op_buf_reset(&t);
		op_buf_add(&t, "\xff\xfe" "a\0\n\0" "\x00\xd8" "b\0\n\0" "c", 13);
		parse_o(t.p, t.len, NULL);
		is(rows.p, "2:\xef\xbf\xbd" "b\n3:\xef\xbf\xbd\n", "bad UTF-16 units become U+FFFD");
		is_num(count_lines(err.p), 1, "  one warning");
		/* many rows: units cut at chunk ends */
		op_buf_reset(&t);
		op_buf_add(&t, "\xff\xfe", 2);
		op_buf_add(&t, le.p, 22);	/* "name\tcity\r\n" */
		for (int i = 0; i < 20000; i++)
			op_buf_add(&t, le.p + 22, le.len - 22);
		parse_o(t.p, t.len, NULL);
		is_num(nrows, 20000, "UTF-16LE over many chunks: every row");
		ok(!strchr(rows.p, '!') &&
		   strstr(rows.p, "\n20001:Jos\xc3\xa9|\xe2\x82\xac \xf0\x9f\x98\x80\n") != NULL,
		   "  all read, line numbers right");
		is(err.p, "", "  no warning");
		o = (op_csv_opts){ .encoding = "utf-32" };
		op_buf_reset(&t);
		op_buf_add(&t, "a\0\0\0\n\0\0\0\xe9\0\0\0\n\0\0\0", 16);
		parse_o(t.p, t.len, &o);
		is(rows.p, "2:\xc3\xa9\n", "--encoding utf-32");
		op_buf_free(&t);
		op_buf_free(&le);
		op_buf_free(&be);
		op_buf_free(&in);
	}
	PARSE("a,b\n1,x\0y\n2,3\n", NULL);
	is(rows.p, "!2:field 2 has a NUL byte:1,x\\0y\n3:2|3\n", "a NUL byte in a field: a bad row");

	/* the callback stops the read */
	stop_at = 2;
	is_num(PARSE("a\n1\n2\n3\n", NULL), 7, "a row callback's non-zero value stops the read");
	is(rows.p, "2:1\n3:2\n", "  no rows after it");
	stop_at = 0;

	/* big input: buffers cross chunk ends, rows span chunks */
	{
		op_buf in = { 0 }, want = { 0 };
		op_buf_adds(&in, "id,note,n\r\n");
		unsigned long line = 2;
		for (int i = 0; i < 60000; i++) {
			if (i % 7 == 3) {
				op_buf_printf(&in, "%d,\"multi\r\nline, \"\"%d\"\"\",x\r\n", i, i);
				line += 2;
			} else {
				op_buf_printf(&in, "%d,plain %d,%s\r\n", i, i, i % 5 ? "y" : "");
				line++;
			}
		}
		op_buf_printf(&in, "end,\"last\",%lu\r\n", line);
		parse_o(in.p, in.len, NULL);
		op_buf_printf(&want, "%lu:end|last|%lu\n", line, line);
		ok(rows.len > want.len && !strcmp(rows.p + rows.len - want.len, want.p),
		   "60000 rows over many chunks: last row's line right");
		is_num(nrows, 60001, "  every row delivered");
		ok(!strchr(rows.p, '!'), "  no bad rows");
		ok(strstr(rows.p, "\n5:3|multi\r\nline, \"3\"|x\n") != NULL, "  a multi-line row");
		op_buf_free(&in);
		op_buf_free(&want);
	}
	{
		/* a 3 MB line: fed in parts, field whole */
		op_buf in = { 0 };
		op_buf_adds(&in, "a,b\n1,");
		for (int i = 0; i < 300000; i++)
			op_buf_adds(&in, "0123456789");
		op_buf_adds(&in, "\n2,3\n");
		parse_o(in.p, in.len, NULL);
		ok(rows.len == 4 + 3000000 + 1 + 6 && !strcmp(rows.p + rows.len - 6, "3:2|3\n"),
		   "a 3 MB field on one line");
		op_buf_free(&in);
	}
	{
		/* an unclosed quote in a big file: bounded by max_field */
		op_buf in = { 0 };
		op_buf_adds(&in, "a,b\n1,\"open\n");
		for (int i = 0; i < 20000; i++)
			op_buf_adds(&in, "some text, and more\n");
		op_buf_adds(&in, "9,9\n");
		o = (op_csv_opts){ .max_field = 100000 };
		parse_o(in.p, in.len, &o);
		ok(!strncmp(rows.p, "!2:field 2 is longer than 100000 bytes:", 39),
		   "runaway quote stopped at max_field");
		ok(rows.len > 6 && !strcmp(rows.p + rows.len - 10, "20003:9|9\n"),
		   "  and reading goes on, line numbers right");
		op_buf_free(&in);
	}

	/* the writer */
	is(cell("plain", ','), "plain", "cell: plain");
	is(cell("", ','), "", "cell: empty");
	is(cell("a,b", ','), "\"a,b\"", "cell: delimiter quoted");
	is(cell("a,b", ';'), "a,b", "cell: comma with ; delimiter");
	is(cell("a;b", ';'), "\"a;b\"", "cell: ; with ; delimiter");
	is(cell("a\tb", '\t'), "\"a\tb\"", "cell: tab with tab delimiter");
	is(cell("say \"hi\"", ','), "\"say \"\"hi\"\"\"", "cell: quotes doubled");
	is(cell("two\nlines", ','), "\"two\nlines\"", "cell: LF");
	is(cell("cr\r", ','), "\"cr\r\"", "cell: CR");
	is(cell(" lead", ','), "\" lead\"", "cell: leading space");
	is(cell("trail ", ','), "\"trail \"", "cell: trailing space");
	is(cell("=1+2", ','), "'=1+2", "cell: =1+2 guarded");
	is(cell("@SUM(A1:A2)", ','), "'@SUM(A1:A2)", "cell: @SUM guarded");
	is(cell("+cmd", ','), "'+cmd", "cell: + guarded");
	is(cell("-2+3", ','), "'-2+3", "cell: -2+3 guarded");
	is(cell("-12.5", ','), "-12.5", "cell: -12.5 left alone");
	is(cell("+44", ','), "+44", "cell: +44 left alone");
	is(cell("-1e-3", ','), "-1e-3", "cell: -1e-3 left alone");
	is(cell("-.5", ','), "-.5", "cell: -.5 left alone");
	is(cell("-", ','), "'-", "cell: a lone - guarded");
	is(cell("-inf", ','), "'-inf", "cell: -inf guarded");
	is(cell("+44 20 7946 0000", ','), "'+44 20 7946 0000", "cell: phone with spaces guarded");
	is(cell("=HYPERLINK(\"http://x\",\"y\")", ','),
	   "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", "cell: guarded and quoted");
	is(cell("\tx", ','), "\"'\tx\"", "cell: leading tab guarded and quoted");
	{
		op_buf b = { 0 };
		op_csv_cell(&b, "a\0b", 3, ',');
		ok(b.len == 3 && !memcmp(b.p, "a\0b", 3), "cell: bytes, not a C string");
		op_buf_free(&b);
	}
	/* what the writer writes, the reader reads back */
	{
		static const char *cells[] = { "x,y", "say \"hi\"", "two\r\nlines", " sp ", "=1+2", "-12.5", "" };
		op_buf b = { 0 };
		op_buf_adds(&b, "c1,c2,c3,c4,c5,c6,c7\n");
		for (size_t i = 0; i < 7; i++) {
			if (i)
				op_buf_addc(&b, ',');
			op_csv_cell(&b, cells[i], strlen(cells[i]), ',');
		}
		op_buf_addc(&b, '\n');
		parse_o(b.p, b.len, NULL);
		is(rows.p, "2:x,y|say \"hi\"|two\r\nlines| sp |'=1+2|-12.5|\n", "written cells read back");
		op_buf_free(&b);
	}

	const char *dir = getenv("OPFLOW_TESTDATA");
	char sp[1024];
	snprintf(sp, sizeof sp, "%s/csv-spectrum", dir ? dir : "tests/data");
	spectrum(sp);
	inputs();
	{
		static const char *const f[] = { "a;b", "", "=1", "x\"y" };
		op_buf b = { 0 };
		op_csv_row(&b, f, 4, ';');
		is(b.p, "\"a;b\";;=1;\"x\"\"y\"", "a row written back as read, delimited");
		op_buf_free(&b);
	}

	op_buf_free(&rows);
	op_buf_free(&names);
	op_buf_free(&err);
	return done_testing();
}

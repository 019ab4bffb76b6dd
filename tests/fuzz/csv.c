/* csv.c - fuzz the delimited-text reader (lib/csvio) and the cell writer:
 * every row the reader hands out has valid UTF-8, NUL-free names and
 * fields; bad rows come with a line and a reason; and a row written back
 * with op_csv_cell reads back the same, no cell starting with = + - @ TAB
 * CR unguarded (CSV injection) unless it is a plain number.  The input is
 * read twice: as a file with a header (delimiter sniffed), and headerless
 * with a small field limit.  MIT licence. */
#include "fuzz.h"
#include "csvio.h"

FUZZ_SEEDS("tests/data/csv-spectrum/csvs/*", "tests/data/parse/*.csv", "tests/data/parse/*.tsv");

typedef struct {
	op_buf written;		/* the first rows, as op_csv_cell writes them */
	op_buf want;		/* their fields, as they must read back */
	size_t rows, ncols;
	int delim;
} state;

/* 1 when op_csv_cell must have put a ' in front of this field */
static int needs_guard(const char *s, size_t n)
{
	if (!n || !memchr("=+-@\t\r", s[0], 6))
		return 0;
	char *end;
	/* a plain decimal number is left as it is: strtod agrees on those,
	 * which start with a sign (strtod would also skip a leading TAB or
	 * CR, and "\t3" is not a plain number) */
	return !((s[0] == '+' || s[0] == '-') && n > 1 && strspn(s + 1, "0123456789.eE+-") == n - 1 &&
		 (strtod(s, &end), end == s + n));
}

static void check_cell(const char *s, size_t n, int delim, op_buf *out)
{
	size_t at = out->len;
	op_csv_cell(out, s, n, delim);
	const char *c = out->p + at;
	if (*c == '"')
		c++;
	if (needs_guard(s, n) && *c != '\'')
		fuzz_fail("cell '%.*s' written unguarded", (int)(n > 40 ? 40 : n), s);
}

static int on_row(const char *const *names, const char *const *fields, const size_t *lens,
		  size_t n, unsigned long line, void *ctx)
{
	state *st = ctx;
	if (!line)
		fuzz_fail("row without a line number");
	for (size_t i = 0; i < n; i++) {
		if (!names[i] || !fields[i])
			fuzz_fail("NULL name or field");
		if (lens[i] != strlen(fields[i]))
			fuzz_fail("field %zu of line %lu: length %zu, not %zu", i + 1, line, lens[i],
				  strlen(fields[i]));
		if (!fuzz_utf8(names[i], strlen(names[i])) || !fuzz_utf8(fields[i], strlen(fields[i])))
			fuzz_fail("row at line %lu: not UTF-8", line);
	}
	/* written back: the first few rows of two or more fields (a lone
	 * empty field would be an empty line, which is no row) */
	if (st->rows < 4 && n >= 2 && (!st->ncols || n == st->ncols)) {
		/* a header first, as a writer does: a file's first bytes are
		 * read as a BOM when they are one */
		for (size_t i = 0; !st->ncols && i < n; i++) {
			if (i)
				op_buf_addc(&st->written, (char)st->delim);
			op_buf_printf(&st->written, "c%zu", i);
		}
		if (!st->ncols)
			op_buf_addc(&st->written, '\n');
		st->ncols = n;
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(fields[i]);
			if (i)
				op_buf_addc(&st->written, (char)st->delim);
			check_cell(fields[i], len, st->delim, &st->written);
			if (needs_guard(fields[i], len))
				op_buf_addc(&st->want, '\'');
			op_buf_add(&st->want, fields[i], len);
			op_buf_addc(&st->want, '\x1f');
		}
		op_buf_addc(&st->written, '\n');
		st->rows++;
	}
	return 0;
}

static int on_bad(const char *raw, size_t rawlen, unsigned long line, const char *reason, void *ctx)
{
	(void)raw, (void)rawlen, (void)ctx;
	if (!line || !reason || !*reason)
		fuzz_fail("bad row without a line or a reason");
	return 0;
}

/* what the written rows read back as */
static int on_reread(const char *const *names, const char *const *fields, const size_t *lens,
		     size_t n, unsigned long line, void *ctx)
{
	(void)names, (void)line, (void)lens;
	op_buf *got = ctx;
	for (size_t i = 0; i < n; i++) {
		op_buf_adds(got, fields[i]);
		op_buf_addc(got, '\x1f');
	}
	return 0;
}

static int on_bad_reread(const char *raw, size_t rawlen, unsigned long line, const char *reason, void *ctx)
{
	(void)raw, (void)rawlen, (void)ctx;
	fuzz_fail("a written row reads back as bad at line %lu: %s", line, reason);
	return 0;
}

static void read_as(const uint8_t *d, size_t n, const op_csv_opts *o)
{
	FILE *f = fmemopen((void *)d, n, "rb");
	if (!f)
		return;
	state st = { .delim = o->delim ? o->delim : ',' };
	op_csv_opts wo = { .delim = st.delim };
	int rc = op_csv_read(f, "fuzz.csv", o, on_row, on_bad, &st);
	fclose(f);
	if (rc != 0 && rc != -1)
		fuzz_fail("op_csv_read returned %d", rc);
	if (st.written.len) {
		op_buf got = {0};
		f = fmemopen(st.written.p, st.written.len, "rb");
		if (f) {
			op_csv_read(f, "written.csv", &wo, on_reread, on_bad_reread, &got);
			fclose(f);
			if (got.len != st.want.len || memcmp(got.p, st.want.p, got.len))
				fuzz_fail("written rows read back differently:\n%.300s\nwant:\n%.300s",
					  got.p ? got.p : "", st.want.p);
		}
		op_buf_free(&got);
	}
	op_buf_free(&st.written);
	op_buf_free(&st.want);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_init();
	if (!n)
		return 0;
	op_csv_sniff((const char *)d, n);
	op_csv_opts with_header = {0};
	read_as(d, n, &with_header);
	op_csv_opts headerless = { .delim = ';', .no_header = 1, .max_field = 64 };
	read_as(d, n, &headerless);
	return 0;
}

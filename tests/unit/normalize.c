/* normalize.c - tests for lib/normalize.c: numbers as people write them,
 * the decimal separator and the day/month order given or learnt from a
 * file's first unambiguous value, and the messages for values refused.
 * MIT licence. */
#include <stdio.h>
#include <string.h>

#include "mapping.h"
#include "normalize.h"
#include "timefmt.h"
#include "tap.h"

/* op_norm_number's answer: the JSON number, or "!" when refused */
static const char *num(const char *s, int comma)
{
	static op_buf b;
	op_buf_reset(&b);
	op_buf_adds(&b, "x");	/* appended after what is there */
	if (op_norm_number(s, strlen(s), comma, &b))
		return b.len == 1 ? "!" : "! but out changed";
	return b.p + 1;
}

/* op_norm_value's answer: the JSON value, or "!" and the message */
static const char *val(op_norm *n, int kind, const char *s)
{
	static op_buf b;
	op_buf_reset(&b);
	if (op_norm_value(n, kind, s, strlen(s), "col", &b)) {
		op_buf_reset(&b);
		op_buf_printf(&b, "! %s", n->err.p);
	}
	return b.p ? b.p : "";
}

static void numbers(void)
{
	is(num("1,234.50", 0), "1234.50", "thousands by comma, decimals as written");
	is(num("1.234,50", 1), "1234.50", "with comma: thousands by point");
	is(num(" -0012 ", 0), "-12", "blanks trimmed, leading zeros dropped");
	is(num("-0", 0), "0", "-0 is 0");
	is(num("+7", 0), "7", "a plus sign goes");
	is(num("0.5", 0), "0.5", "a zero before the point stays");
	is(num("1 234 567", 0), "1234567", "spaces group");
	is(num("1'234", 0), "1234", "apostrophes group");
	is(num("1\xC2\xA0" "234", 0), "1234", "no-break spaces group");
	is(num("12,5", 0), "!", "a group of 2 is no group");
	is(num("1234,567", 0), "!", "a first group of 4 is none");
	is(num("1,2345", 0), "!", "a later group of 4 is none");
	is(num("12.", 0), "!", "a point without decimals");
	is(num("", 0), "!", "empty");
	is(num("-", 0), "!", "a sign alone");
	is(num("12 kg", 0), "!", "a unit after");
}

static void separators(void)
{
	op_norm n = { .order = OP_DATE_ANY };
	op_norm_file(&n);
	is(val(&n, OP_MAP_NUMBER, "1,234"), "! ambiguous number '1,234' in 'col': use --decimal-point or --decimal-comma",
	   "1,234 is ambiguous before the file tells");
	is(val(&n, OP_MAP_NUMBER, "42"), "42", "a number both read alike passes");
	is_num(n.file_decimal, 0, "  and tells nothing");
	is(val(&n, OP_MAP_NUMBER, "12,5"), "12.5", "12,5 reads with a comma only");
	is_num(n.file_decimal, ',', "  and decides the file's separator");
	is(val(&n, OP_MAP_NUMBER, "1.234"), "1234", "1.234 then reads as thousands");
	is(val(&n, OP_MAP_NUMBER, "1,234.5"),
	   "! bad number '1,234.5' in 'col': not with a decimal comma, as the file's first numbers are",
	   "a point-decimal number is then refused");
	op_norm_file(&n);
	is(val(&n, OP_MAP_NUMBER, "1.234"), "! ambiguous number '1.234' in 'col': use --decimal-point or --decimal-comma",
	   "a new file forgets");
	n.decimal = '.';
	is(val(&n, OP_MAP_NUMBER, "1.234"), "1.234", "--decimal-point decides");
	is(val(&n, OP_MAP_NUMBER, "12,5"),
	   "! bad number '12,5' in 'col': not with a decimal point, as --decimal-point says", "  and says so");
	is(val(&n, OP_MAP_NUMBER, "abc"), "! bad number 'abc' in 'col'", "no number");
	is(val(&n, OP_MAP_NUMBER, "123456789012345678901234567890"),
	   "! number out of range '123456789012345678901234567890' in 'col'", "past 64 bits");
	op_norm_free(&n);
}

static void dates(void)
{
	op_norm n = { .order = OP_DATE_ANY };
	char out[21];
	op_norm_file(&n);
	is(val(&n, OP_MAP_DATE, "2025-03-04 10:00"), "\"2025-03-04T10:00:00Z\"", "year first: no order needed");
	is(val(&n, OP_MAP_DATE, "03/04/2025"), "! ambiguous date '03/04/2025' in 'col': use --date-order dmy or mdy",
	   "03/04 is ambiguous before the file tells");
	is(val(&n, OP_MAP_DATE, "25/12/2025"), "\"2025-12-25T00:00:00Z\"", "25/12 can only be day first");
	is_num(n.file_order, OP_DATE_DMY, "  and decides the file's order");
	is(val(&n, OP_MAP_DATE, "03/04/2025"), "\"2025-04-03T00:00:00Z\"", "03/04 then reads day first");
	op_norm_file(&n);
	is_num(op_norm_date(&n, "03/04/2025", 10, out), -2, "a new file forgets");
	is_num(op_norm_date(&n, "12/25/2025", 10, out), 0, "12/25 can only be month first");
	is_num(n.file_order, OP_DATE_MDY, "  and decides");
	is_num(op_norm_date(&n, "not a date", 10, out), -1, "no date: -1");
	n.order = OP_DATE_DMY;
	is(val(&n, OP_MAP_DATE, "12/25/2025"), "! bad date '12/25/2025' in 'col': not day-first as --date-order says",
	   "--date-order dmy refuses a month-first date, saying so");
	is(val(&n, OP_MAP_DATE, "10000-01-01"), "! bad date '10000-01-01' in 'col'", "a five-digit year");
	op_norm_free(&n);
}

int main(void)
{
	numbers();
	separators();
	dates();
	return done_testing();
}

/* record.c - tests for lib/record.c, the record builder every enq-parse
 * source feeds: the name, id and channel rules, typed members, the tail,
 * the source and --dedup.  MIT licence. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "record.h"
#include "timefmt.h"
#include "tap.h"

static op_cli cli;
static op_stream st;
static op_record r;
static FILE *out;	/* what the stream wrote, read back */
static int outfd, tapfd;	/* its file, and TAP's stdout */

/* the record emitted with line and raw (NULL: the members), as written,
 * or "" when none was */
static const char *emit(unsigned long line, const char *raw)
{
	static char got[1024];
	fflush(stdout);
	dup2(outfd, 1);
	op_record_emit(&r, &st, line, raw, raw ? strlen(raw) : 0);
	fflush(stdout);
	dup2(tapfd, 1);
	if (!fgets(got, sizeof got, out))
		return "";
	got[strcspn(got, "\n")] = 0;
	return got;
}

static int add(const char *key, const char *v, int kind)
{
	op_buf pre = { 0 };
	op_record_prefix(&pre, key);
	int rc = op_record_add(&r, pre.p, pre.len, v, v ? strlen(v) : 0, kind, key);
	op_buf_free(&pre);
	return rc;
}

static void names(void)
{
	op_record_start(&r);
	add("email", "a@b", OP_MAP_TEXT);
	ok(add("", " Ann ", OP_MAP_FIRST) == 0, "a first name is taken");
	add("phone", NULL, OP_MAP_TEXT);
	ok(add("", "Lee", OP_MAP_LAST) == 0, "a last name is taken");
	ok(add("", "Bo", OP_MAP_FIRST) == 1, "a second first name is not");
	op_record_add(&r, NULL, 0, "ID-1", 4, OP_REC_ID, NULL);
	is(emit(3, NULL),
	   "{\"id\":\"ID-1\",\"email\":\"a@b\",\"name\":\"Ann Lee\",\"phone\":null,\"channel\":\"web\","
	   "\"source\":{\"format\":\"csv\",\"file\":\"f.csv\",\"line\":3}}",
	   "\"First Last\", trimmed, where the first part came; the id given");
	op_record_start(&r);
	add("", " ", OP_MAP_LAST);
	is(emit(0, NULL), "{\"id\":\"enq-e21cb2b9ab45ab42\",\"name\":null,\"channel\":\"web\","
	   "\"source\":{\"format\":\"csv\",\"file\":\"f.csv\"}}", "blank parts: null; line 0: none");
}

static void ids(void)
{
	op_buf first = { 0 };
	for (int i = 0; i < 2; i++) {
		op_record_start(&r);
		op_record_add(&r, NULL, 0, " \t", 2, OP_REC_ID, NULL);
		add("subject", "Hi", OP_MAP_TEXT);
		if (i)
			op_buf_adds(&r.tail, ",\"defects\":[\"x\"]");
		const char *got = emit(1, NULL);
		if (!i) {
			op_buf_adds(&first, got);
			ok(!strncmp(got, "{\"id\":\"enq-", 11), "a blank id is no id: the digest");
		} else {
			ok(!strncmp(got, first.p, 28), "the same members, the same id, whatever the tail");
			ok(strstr(got, "\"subject\":\"Hi\",\"defects\":[\"x\"],\"channel\"") != NULL,
			   "the tail after the members");
		}
	}
	op_record_start(&r);
	add("subject", "Hi", OP_MAP_TEXT);
	const char *a = emit(1, "{\"subject\":\"Hi\"}");
	ok(!strncmp(a, "{\"id\":\"enq-", 11) && strncmp(a, first.p, 28), "raw given: its digest, not the members'");
	op_buf_free(&first);
}

static void channels(void)
{
	op_record_start(&r);
	op_record_add(&r, NULL, 0, "phone", 5, OP_REC_CHANNEL, NULL);
	ok(strstr(emit(1, NULL), "\"channel\":\"phone\"") != NULL, "the source's channel");
	op_record_start(&r);
	op_record_add(&r, NULL, 0, "  ", 2, OP_REC_CHANNEL, NULL);
	ok(strstr(emit(1, NULL), "\"channel\":\"web\"") != NULL, "a blank one: the default");
	r.channel = "shop";
	op_record_start(&r);
	op_record_add(&r, NULL, 0, "phone", 5, OP_REC_CHANNEL, NULL);
	ok(strstr(emit(1, NULL), "\"channel\":\"shop\"") != NULL, "--channel over the source's");
	r.channel = NULL;
	op_record_start(&r);
	add("channel", "\"sms\"", OP_REC_JSON);
	r.channel_inline = 1;
	r.keep_source = 1;
	is(emit(1, NULL), "{\"id\":\"enq-0a7f7c0ad261fc91\",\"channel\":\"sms\"}",
	   "a channel among the members and a source kept: none added");
}

static void typed(void)
{
	op_record_start(&r);
	ok(add("received_at", "2025-03-04 09:05", OP_MAP_DATE) == 0, "a date");
	ok(add("value", " ", OP_MAP_NUMBER) == 0, "a blank number");
	ok(add("due_at", "soon", OP_MAP_DATE) == -1, "no date: -1");
	is(r.norm.err.p, "bad date 'soon' in 'due_at'", "  saying why");
	ok(strstr(emit(1, NULL), "\"received_at\":\"2025-03-04T09:05:00Z\",\"value\":null,") != NULL,
	   "normalized, blank as null");
}

static void dedup(void)
{
	r.dedup = 1;
	for (int i = 0; i < 3; i++) {
		op_record_start(&r);
		add("subject", i == 1 ? "B" : "A", OP_MAP_TEXT);
		const char *got = emit(1, NULL);
		ok(i == 2 ? !*got : *got != 0, "--dedup: record %d %s", i + 1, i == 2 ? "dropped" : "written");
	}
	op_record_start(&r);
	emit(1, "{\"x\":1}");
	op_record_start(&r);
	is(emit(2, "{\"x\":1}"), "", "--dedup: a raw line repeated is dropped");
	is_num(r.dups, 2, "  and counted");
}

int main(void)
{
	char path[] = "/tmp/opflow-record-XXXXXX";
	outfd = mkstemp(path);
	tapfd = dup(1);
	if (outfd < 0 || tapfd < 0 || !(out = fopen(path, "r")))
		return 1;
	unlink(path);
	op_stream_init(&st, &cli);
	r.norm.order = OP_DATE_ANY;
	r.default_channel = "web";
	op_norm_file(&r.norm);
	op_record_source(&r, "csv", "f.csv");
	names();
	ids();
	channels();
	typed();
	dedup();
	op_record_free(&r);
	fclose(out);
	return done_testing();
}

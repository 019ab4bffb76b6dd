/* plan.c - tests for lib/record/plan.c and jsonmap.c: a CSV header's
 * columns planned into record keys, and a JSON line's members mapped
 * into the record builder.  MIT licence. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"
#include "tap.h"

static op_mapping *map;

/* the plan of names, as "col>key:kind" for each column, joined by " " */
static const char *planned(const char *const *names, size_t n)
{
	static op_plan p;
	static char got[512];
	size_t at = 0;
	op_plan_make(&p, map, names, n);
	got[0] = 0;
	for (size_t i = 0; i < n; i++)
		at += snprintf(got + at, sizeof got - at, "%s%s>%s:%d", i ? " " : "", p.cols[i].col,
			       p.cols[i].key ? p.cols[i].key : "-", p.cols[i].kind);
	op_plan_free(&p);
	return got;
}

static void plans(void)
{
	static const char *const a[] = { "Email", "E-mail Address", "Ticket ID", "ID", "Channel",
					 "Lead Source", "Extra", "", "extra", "Skip" };
	char want[512];
	snprintf(want, sizeof want,
		 "Email>email:%d E-mail Address>e_mail_address:%d Ticket ID>id:%d ID>id_2:%d "
		 "Channel>channel:%d Lead Source>lead_source:%d Extra>extra:%d >col_8:%d "
		 "extra>extra_2:%d Skip>-:%d", OP_MAP_TEXT, OP_MAP_TEXT, OP_REC_ID, OP_MAP_TEXT,
		 OP_REC_CHANNEL, OP_MAP_TEXT, OP_MAP_TEXT, OP_MAP_TEXT, OP_MAP_TEXT, OP_MAP_DROP);
	is(planned(a, 10), want, "the first column to claim a field gets it, the rest snake_case, made unique");
	static const char *const b[] = { "First Name", "Given Name", "Last Name", "Name" };
	snprintf(want, sizeof want, "First Name>first_name:%d Given Name>given_name:%d "
		 "Last Name>last_name:%d Name>name:%d", OP_MAP_TEXT, OP_MAP_TEXT, OP_MAP_TEXT, OP_MAP_TEXT);
	is(planned(b, 4), want, "a column that is the name: its parts kept as they are");
	static const char *const c[] = { "First Name", "Given Name", "Surname", "Src" };
	snprintf(want, sizeof want, "First Name>-:%d Given Name>given_name:%d Surname>-:%d Src>src:%d",
		 OP_MAP_FIRST, OP_MAP_TEXT, OP_MAP_LAST, OP_MAP_TEXT);
	is(planned(c, 4), want, "one column for each part of the name; source never a column's");
	is(planned(NULL, 0), "", "no columns");
}

static void shown(void)
{
	static const char *const a[] = { "Created", "Amount", "Notes", "Skip", "Surname", "ID" };
	op_plan p = { 0 };
	op_buf b = { 0 };
	char got[1024] = "";
	op_plan_make(&p, map, a, 6);
	FILE *f = tmpfile();
	op_plan_show(&p, f);
	rewind(f);
	got[fread(got, 1, sizeof got - 1, f)] = 0;
	fclose(f);
	is(got, "Created -> received_at (date)\nAmount -> value (number)\n"
	   "Notes -> notes (text, not mapped: kept under its own name)\n"
	   "Skip -> dropped (the map file says -)\nSurname -> name (its last part)\nID -> id\n",
	   "--show-mapping: each column's key and kind");
	int err = dup(2), null = open("/dev/null", O_WRONLY);
	dup2(null, 2);	/* the warning is not TAP */
	is_num(op_plan_warn(&p, "f.csv", &b), 1, "no subject or body: warned");
	static const char *const c[] = { "Date", "Body" };
	op_plan_make(&p, map, c, 2);
	is_num(op_plan_warn(&p, "f.csv", &b), 0, "a time and a text: no warning");
	fflush(stderr);
	dup2(err, 2);
	close(err);
	close(null);
	op_plan_free(&p);
	op_buf_free(&b);
}

static op_jsonmap jm;
static op_record rec;

static void rows(void)
{
	static const char *const a[] = { "Skip", "Email", "Created", "First Name" };
	static const char *const r1[] = { "x", "a@b", "", " Ann " }, *const r2[] = { "x", "", "soon", "" };
	static const size_t l1[] = { 1, 3, 0, 5 }, l2[] = { 1, 0, 4, 0 };
	op_plan p = { 0 };
	op_plan_make(&p, map, a, 4);
	ok(op_plan_row(&p, &rec, r1, l1, 4) == 0, "a row planned");
	is(rec.members.p + OP_REC_HEAD, ",\"email\":\"a@b\",\"received_at\":null",
	   "  dropped, empty text null, a blank date null, the name part to the builder");
	ok(op_plan_row(&p, &rec, r2, l2, 4) == -1, "a bad date: no record");
	is(rec.norm.err.p, "bad date 'soon' in 'Created'", "  saying why, by the column's name");
	op_plan_free(&p);
}

/* line's members mapped: the record's members (and id when it has one),
 * or "reject: why" */
static const char *mapped(const char *line)
{
	static char got[512];
	op_rec r = { 0 };
	op_jerr e;
	if (op_rec_scan(&r, line, strlen(line), &e))
		return "bad JSON";
	if (op_jsonmap_record(&jm, &rec, &r))
		snprintf(got, sizeof got, "reject: %s", rec.norm.err.p);
	else
		snprintf(got, sizeof got, "%s%.*s%s%.*s", rec.has_id ? "id=" : "",
			 rec.has_id ? (int)rec.id.len : 0, rec.id.p ? rec.id.p : "", rec.has_id ? " " : "",
			 (int)(rec.members.len - OP_REC_HEAD), rec.members.p + OP_REC_HEAD);
	op_rec_free(&r);
	return got;
}

static void members(void)
{
	is(mapped("{\"E-mail Address\":\"a@b\",\"Amount\":\"1,234.50\",\"x\":[1]}"),
	   ",\"email\":\"a@b\",\"value\":1234.50,\"x\":[1]", "renamed, a number normalized, the rest as it is");
	is(mapped("{\"Email\":\"a@b\",\"email\":\"c@d\"}"), ",\"Email\":\"a@b\",\"email\":\"c@d\"",
	   "a target the line has already: the key kept");
	is(mapped("{\"Email\":\"a@b\",\"E-mail\":\"c@d\"}"), ",\"email\":\"a@b\",\"E-mail\":\"c@d\"",
	   "a target another member took: the key kept");
	is(mapped("{\"Skip\":1,\"Ticket ID\":\"T-1\",\"\\u0069d\":7}"), "id=7 ,\"Ticket ID\":\"T-1\"",
	   "dropped; an id the line has (its key escaped): the record's, the alias kept as it is");
	is(mapped("{\"id\":{},\"a\":1}"), ",\"a\":1", "an id that cannot be one: left out");
	is(mapped("{\"First Name\":\"Ann\",\"Surname\":\"Lee\"}"), "", "name parts: to the builder");
	is_num(rec.name_at, OP_REC_HEAD, "  which writes them as the name (first)");
	is(mapped("{\"First Name\":\"Ann\",\"Full Name\":\"Ann Lee\"}"),
	   ",\"First Name\":\"Ann\",\"name\":\"Ann Lee\"", "a name given: the parts kept as they are");
	is(mapped("{\"created_at\":\"soon\"}"), "reject: bad date 'soon' in 'created_at'",
	   "a date that is none: the line is no record");
	is(mapped("{\"source\":{\"line\":3},\"channel\":\"sms\"}"),
	   ",\"source\":{\"line\":3},\"channel\":\"sms\"", "a source object and a channel kept");
	ok(rec.keep_source && rec.channel_inline, "  as the record's");
	rec.channel = "shop";
	is(mapped("{\"channel\":\"sms\"}"), "", "--channel: the line's channel left out");
	rec.channel = NULL;
}

int main(void)
{
	char path[] = "/tmp/opflow-plan-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, "Skip = -\nSrc = source\n", 22) != 22)
		return 1;
	close(fd);
	op_err err;
	map = op_mapping_load(path, &err);
	unlink(path);
	if (!map)
		return 1;
	plans();
	shown();
	jm.map = map;
	rec.norm.order = OP_DATE_ANY;
	op_norm_file(&rec.norm);
	members();
	rows();
	op_jsonmap_free(&jm);
	op_record_free(&rec);
	op_mapping_free(map);
	return done_testing();
}

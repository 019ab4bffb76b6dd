/* fields.c - the members a program sets in a record (fields.h).  The
 * values' buffer may move while it grows, so a member keeps the offset of
 * its value until op_fields_kv turns the offsets into pointers.  MIT
 * licence, see COPYING. */
#include <stdlib.h>
#include <string.h>

#include "fields.h"

void op_fields_reset(op_fields *f)
{
	op_buf_reset(&f->text);
	f->n = 0;
}

void op_fields_free(op_fields *f)
{
	op_buf_free(&f->text);
	free(f->kv);
	free(f->off);
	*f = (op_fields){0};
}

op_buf *op_fields_add(op_fields *f, const char *key)
{
	f->kv = op_grow(f->kv, f->n, &f->cap, sizeof *f->kv);
	f->off = op_grow(f->off, f->n, &f->capoff, sizeof *f->off);
	f->kv[f->n] = (op_kv){ key, strlen(key), NULL, 0 };
	f->off[f->n++] = f->text.len;
	return &f->text;
}

void op_fields_json(op_fields *f, const char *key, const char *json, size_t n)
{
	op_buf_add(op_fields_add(f, key), json, n);
}

void op_fields_str(op_fields *f, const char *key, const char *s, size_t n)
{
	op_buf_json_str(op_fields_add(f, key), s, n);
}

void op_fields_cstr(op_fields *f, const char *key, const char *s)
{
	if (s)
		op_fields_str(f, key, s, strlen(s));
	else
		op_fields_json(f, key, "null", 4);
}

/* printf costs more than the rest of a value; these are small integers */
void op_fields_int(op_fields *f, const char *key, int64_t x)
{
	char d[24], *p = d + sizeof d;
	uint64_t u = x < 0 ? -(uint64_t)x : (uint64_t)x;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (x < 0)
		*--p = '-';
	op_fields_json(f, key, p, (size_t)(d + sizeof d - p));
}

void op_fields_bool(op_fields *f, const char *key, int b)
{
	op_fields_json(f, key, b ? "true" : "false", b ? 4 : 5);
}

void op_fields_time(op_fields *f, const char *key, op_time t)
{
	char ts[23];
	ts[0] = '"';
	size_t n = op_time_format(t, ts + 1);
	ts[n + 1] = '"';
	op_fields_json(f, key, ts, n + 2);
}

const op_kv *op_fields_kv(op_fields *f, size_t *n)
{
	for (size_t i = 0; i < f->n; i++) {
		f->kv[i].val = f->text.p + f->off[i];
		f->kv[i].vlen = (i + 1 < f->n ? f->off[i + 1] : f->text.len) - f->off[i];
	}
	*n = f->n;
	return f->kv;
}

/* opflow-record(7), ENQUIRY FIELDS and KPI ROWS */
static const char *const names[] = {
	/* OP_STAGE_INPUT */
	"id", "received_at", "name", "email", "phone", "company", "to", "message_id", "in_reply_to",
	"references", "direction", "auto", "subject", "body", "body_full", "seen", "replied", "attachments",
	"received_at_from", "from_email", "preferred_contact", "defects", "channel", "source",
	"responded_at", "resolved_at", "status", "value", "deal_id", "enquiry_id", "updated_at", "stage",
	"won", "created_at", "lead_source", "followups", "last_customer_at", "responses",
	"first_response_at", "responded_by", "thread_by", "crm_by",
	/* OP_STAGE_CLASSIFY */
	"category", "confidence", "priority", "category_by", "priority_by", "category_was", "priority_was",
	"tags", "missing", "lang",
	/* OP_STAGE_ROUTE */
	"team", "owner", "route", "reassigned_from", "sla", "due_at", "sla_status", "history",
	"needs_human", "task",
	/* OP_STAGE_DRAFT */
	"draft", "draft_lang_fallback", "draft_error",
	/* OP_STAGE_FLAG */
	"flags",
	/* OP_STAGE_ROW */
	"period", "kpi", "base_n", "prev", "delta", "delta_pct", "low_n", NULL,
};
/* where each stage's names start in names[] */
static const unsigned char first_of[] = { 0, 42, 52, 62, 65, 66, 73 };
static const char *const programs[] = { "enq-parse", "enq-classify", "enq-route", "enq-draft", "exc-flag",
					"kpi-rollup" };

int op_record_field(const char *name)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], name)) {
			int s = 0;
			while (i >= first_of[s + 1])
				s++;
			return s;
		}
	return -1;
}

const char *op_stage_program(int stage)
{
	return programs[stage];
}

const char *const *op_record_field_names(void)
{
	return names;
}

/* mapping.c - column aliases, map files, snake_case keys (see mapping.h).
 * MIT licence, see COPYING. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapping.h"

/* Built-in aliases, by normalized name (lower-case letters and digits
 * only).  Sources: the column names HubSpot, Typeform, Google Forms,
 * Jotform, Wufoo, Zendesk and Excel templates write; and the canonical
 * names themselves. */
static const struct alias {
	const char *col, *field;
} aliases[] = {
	/* id */
	{ "id", "id" }, { "recordid", "id" }, { "ticketid", "id" }, { "enquiryid", "id" },
	{ "inquiryid", "id" }, { "submissionid", "id" }, { "responseid", "id" },
	{ "leadid", "id" }, { "entryid", "id" }, { "#", "id" },
	/* received_at */
	{ "receivedat", "received_at" }, { "received", "received_at" },
	{ "submittedat", "received_at" }, { "submitted", "received_at" },
	{ "submitdate", "received_at" }, { "submitdateutc", "received_at" },
	{ "submissiondate", "received_at" }, { "datesubmitted", "received_at" },
	{ "createddate", "received_at" }, { "createdat", "received_at" },
	{ "createdon", "received_at" }, { "created", "received_at" },
	{ "createdate", "received_at" }, { "creationdate", "received_at" },
	{ "timestamp", "received_at" }, { "date", "received_at" },
	{ "dateadded", "received_at" }, { "datereceived", "received_at" },
	{ "entrydate", "received_at" },
	/* responded_at, resolved_at */
	{ "respondedat", "responded_at" }, { "responded", "responded_at" },
	{ "firstresponseat", "responded_at" }, { "firstresponse", "responded_at" },
	{ "firstresponsedate", "responded_at" }, { "repliedat", "responded_at" },
	{ "resolvedat", "resolved_at" }, { "resolved", "resolved_at" },
	{ "closedat", "resolved_at" }, { "closeddate", "resolved_at" },
	{ "closedate", "resolved_at" }, { "resolutiondate", "resolved_at" },
	{ "dueat", "due_at" },
	/* channel, status, value */
	{ "channel", "channel" }, { "status", "status" }, { "leadstatus", "status" },
	{ "dealstage", "status" }, { "stage", "status" }, { "ticketstatus", "status" },
	{ "value", "value" }, { "amount", "value" }, { "dealamount", "value" },
	{ "dealvalue", "value" }, { "estimatedvalue", "value" },
	/* a "Source" column would collide with the record's source */
	{ "source", "lead_source" }, { "leadsource", "lead_source" },
	{ "originalsource", "lead_source" },
	/* name */
	{ "name", "name" }, { "fullname", "name" }, { "yourname", "name" },
	{ "contactname", "name" }, { "customername", "name" }, { "contact", "name" },
	{ "firstname", "name.first" }, { "givenname", "name.first" },
	{ "forename", "name.first" }, { "yourfirstname", "name.first" },
	{ "lastname", "name.last" }, { "surname", "name.last" },
	{ "familyname", "name.last" }, { "yourlastname", "name.last" },
	/* email */
	{ "email", "email" }, { "emailaddress", "email" }, { "youremail", "email" },
	{ "youremailaddress", "email" }, { "contactemail", "email" },
	{ "mail", "email" }, { "emailaddr", "email" }, { "workemail", "email" },
	/* phone */
	{ "phone", "phone" }, { "phonenumber", "phone" }, { "telephone", "phone" },
	{ "telephonenumber", "phone" }, { "tel", "phone" }, { "mobile", "phone" },
	{ "mobilenumber", "phone" }, { "mobilephone", "phone" },
	{ "mobilephonenumber", "phone" }, { "contactnumber", "phone" },
	{ "yourphone", "phone" }, { "yourphonenumber", "phone" }, { "phoneno", "phone" },
	/* company */
	{ "company", "company" }, { "companyname", "company" },
	{ "organisation", "company" }, { "organization", "company" },
	{ "organisationname", "company" }, { "organizationname", "company" },
	{ "business", "company" }, { "businessname", "company" },
	{ "associatedcompany", "company" }, { "yourcompany", "company" },
	/* subject */
	{ "subject", "subject" }, { "title", "subject" }, { "topic", "subject" },
	{ "regarding", "subject" }, { "ticketname", "subject" },
	/* body */
	{ "body", "body" }, { "message", "body" }, { "yourmessage", "body" },
	{ "enquiry", "body" }, { "inquiry", "body" }, { "yourenquiry", "body" },
	{ "yourinquiry", "body" }, { "comments", "body" }, { "comment", "body" },
	{ "description", "body" }, { "details", "body" }, { "question", "body" },
	{ "request", "body" }, { "howcanwehelp", "body" }, { "howcanwehelpyou", "body" },
	{ "messagebody", "body" }, { "ticketdescription", "body" },
};

typedef struct {
	char *col;		/* normalized */
	char *field;		/* NULL: dropped */
	int kind;
} entry;

struct op_mapping {
	entry *e;
	size_t n, cap;
};

/* lower-case ASCII letters and digits, other bytes >= 0x80 kept; when
 * nothing is left, the name trimmed of spaces */
static void normalize(op_buf *out, const char *s, size_t n)
{
	op_buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			op_buf_addc(out, (char)(c + 32));
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
			op_buf_addc(out, (char)c);
	}
	if (out->len)
		return;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	op_buf_add(out, s, n);
}

int op_field_kind(const char *field)
{
	size_t n = strlen(field);
	if (!strcmp(field, "value"))
		return OP_MAP_NUMBER;
	if (!strcmp(field, "name.first"))
		return OP_MAP_FIRST;
	if (!strcmp(field, "name.last"))
		return OP_MAP_LAST;
	if (n > 3 && !strcmp(field + n - 3, "_at"))
		return OP_MAP_DATE;
	return OP_MAP_TEXT;
}

static int field_ok(const char *f)
{
	if (!strcmp(f, "name.first") || !strcmp(f, "name.last"))
		return 1;
	if (!(*f == '_' || (*f >= 'a' && *f <= 'z') || (*f >= 'A' && *f <= 'Z')))
		return 0;
	for (; *f; f++)
		if (!(*f == '_' || (*f >= 'a' && *f <= 'z') || (*f >= 'A' && *f <= 'Z') ||
		      (*f >= '0' && *f <= '9')))
			return 0;
	return 1;
}

static void trim(char **s, char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r' || (*e)[-1] == '\n'))
		(*e)--;
}

/* err filled with code and "FILE:LINE: msg"; -1 */
static int fail(op_err *err, int code, const char *file, unsigned long lineno, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int fail(op_err *err, int code, const char *file, unsigned long lineno, const char *fmt, ...)
{
	va_list ap;
	int at = lineno ? snprintf(err->msg, sizeof err->msg, "%s:%lu: ", file, lineno)
			: snprintf(err->msg, sizeof err->msg, "%s: ", file);
	err->code = code;
	va_start(ap, fmt);
	if (at >= 0 && (size_t)at < sizeof err->msg)
		vsnprintf(err->msg + at, sizeof err->msg - (size_t)at, fmt, ap);
	va_end(ap);
	return -1;
}

/* One "Column Name = field [kind]" line, s..e trimmed and not a comment,
 * into m; 0, or -1 with err filled. */
static int map_line(op_mapping *m, char *s, char *e, op_buf *norm, const char *file,
		    unsigned long lineno, op_err *err)
{
	char *cs, *ce, *eq;
	if (*s == '"') {
		cs = s + 1;
		ce = memchr(cs, '"', (size_t)(e - cs));
		if (!ce)
			return fail(err, OP_EXIT_CONFIG, file, lineno, "unclosed quote in the column name");
		eq = ce + 1;
		while (eq < e && (*eq == ' ' || *eq == '\t'))
			eq++;
		if (eq == e || *eq != '=')
			return fail(err, OP_EXIT_CONFIG, file, lineno, "'=' expected after the column name");
	} else {
		eq = memchr(s, '=', (size_t)(e - s));
		if (!eq)
			return fail(err, OP_EXIT_CONFIG, file, lineno, "'Column Name = field' expected");
		cs = s;
		ce = eq;
		trim(&cs, &ce);
	}
	if (cs == ce)
		return fail(err, OP_EXIT_CONFIG, file, lineno, "empty column name");
	/* the right side: field [kind], a trailing # comment allowed */
	char *fs = eq + 1, *fe = e, *hash = memchr(fs, '#', (size_t)(fe - fs));
	if (hash)
		fe = hash;
	trim(&fs, &fe);
	char *sp = fs;
	while (sp < fe && *sp != ' ' && *sp != '\t')
		sp++;
	size_t fl = (size_t)(sp - fs);
	char *ks = sp, *ke = fe;
	trim(&ks, &ke);
	int kind, drop = fl == 1 && *fs == '-';
	if (!fl)
		return fail(err, OP_EXIT_CONFIG, file, lineno, "field name expected after '='");
	*sp = 0;	/* the field, NUL-terminated in the line */
	if (drop)
		kind = OP_MAP_DROP;
	else if (!field_ok(fs))
		return fail(err, OP_EXIT_CONFIG, file, lineno,
			    "'%s' is not a field name (letters, digits, _; or name.first, name.last, -)", fs);
	else
		kind = op_field_kind(fs);
	if (ks < ke) {
		size_t kl = (size_t)(ke - ks);
		if (drop || kind == OP_MAP_FIRST || kind == OP_MAP_LAST)
			return fail(err, OP_EXIT_CONFIG, file, lineno, "unexpected '%.*s' after '%s'",
				    (int)kl, ks, fs);
		if (kl == 4 && !memcmp(ks, "text", 4))
			kind = OP_MAP_TEXT;
		else if (kl == 4 && !memcmp(ks, "date", 4))
			kind = OP_MAP_DATE;
		else if (kl == 6 && !memcmp(ks, "number", 6))
			kind = OP_MAP_NUMBER;
		else
			return fail(err, OP_EXIT_CONFIG, file, lineno, "'%.*s': text, date or number expected",
				    (int)kl, ks);
	}
	m->e = op_grow(m->e, m->n, &m->cap, sizeof *m->e);
	normalize(norm, cs, (size_t)(ce - cs));
	m->e[m->n++] = (entry){ op_xstrdup(norm->p), drop ? NULL : op_xstrdup(fs), kind };
	return 0;
}

op_mapping *op_mapping_load(const char *file, op_err *err)
{
	op_mapping *m = op_xcalloc(1, sizeof *m);
	if (!file)
		return m;
	FILE *f = fopen(file, "r");
	if (!f) {	/* unreadable, as an unreadable rule file: 66, not 78 */
		fail(err, OP_EXIT_NOINPUT, file, 0, "%s", strerror(errno));
		op_mapping_free(m);
		return NULL;
	}
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	ssize_t len;
	op_buf norm = { 0 };
	int bad = 0;
	while (!bad && (len = op_xgetline(&line, &cap, f)) > 0) {
		lineno++;
		char *s = line, *e = line + len;
		if (lineno == 1 && len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
			s += 3;
		trim(&s, &e);
		if (s != e && *s != '#')
			bad = map_line(m, s, e, &norm, file, lineno, err);
	}
	if (!bad && ferror(f))
		bad = fail(err, OP_EXIT_NOINPUT, file, 0, "read error: %s", strerror(errno));
	free(line);
	op_buf_free(&norm);
	fclose(f);
	if (bad) {
		op_mapping_free(m);
		return NULL;
	}
	return m;
}

void op_mapping_free(op_mapping *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->e[i].col);
		free(m->e[i].field);
	}
	free(m->e);
	free(m);
}

const char *op_mapping_find(const op_mapping *m, const char *col, int *kind)
{
	op_buf norm = { 0 };
	const char *r = NULL;
	normalize(&norm, col, strlen(col));
	const char *k = norm.p ? norm.p : "";
	/* the map file first, its last word on a column winning */
	for (size_t i = m->n; i-- > 0;)
		if (!strcmp(m->e[i].col, k)) {
			*kind = m->e[i].kind;
			r = m->e[i].field ? m->e[i].field : "-";
			goto out;
		}
	for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
		if (!strcmp(aliases[i].col, k)) {
			r = aliases[i].field;
			*kind = op_field_kind(r);
			goto out;
		}
out:
	op_buf_free(&norm);
	return r;
}

void op_snake_case(op_buf *out, const char *s)
{
	size_t start = out->len;
	int gap = 0, prev_lower = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int up = c >= 'A' && c <= 'Z';
		int word = up || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
		if (!word) {
			gap = 1;
			prev_lower = 0;
			continue;
		}
		if ((gap || (up && prev_lower)) && out->len > start)
			op_buf_addc(out, '_');
		gap = 0;
		op_buf_addc(out, (char)(up ? c + 32 : c));
		prev_lower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
	}
}

/* mapping.c - tests for lib/mapping.c: a bad map file is an error the
 * caller gets back (lib/operr.h), named "FILE:LINE", with nothing left
 * allocated; a good one maps columns.  MIT licence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mapping.h"
#include "tap.h"

static char path[] = "/tmp/opflow-mapping-XXXXXX";

/* load text as a map file: the mapping, or NULL with err filled */
static op_mapping *load(const char *text, op_err *err)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	memset(err, 0, sizeof *err);
	return op_mapping_load(path, err);
}

static void bad(const char *text, int code, const char *msg)
{
	op_err err;
	char want[600];
	op_mapping *m = load(text, &err);
	ok(!m, "a bad line is refused: %s", msg);
	is_num(err.code, code, "  with status %d", code);
	snprintf(want, sizeof want, "%s:%s", path, msg);
	is(err.msg, want, "  and its line named");
	op_mapping_free(m);
}

int main(void)
{
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	op_err err;
	op_mapping *m = load("# a map\n\"Your Words\" = body\nNotes = -\nWhen = due_at number\n", &err);
	ok(m != NULL, "a good file loads");
	int kind = -1;
	is(op_mapping_find(m, "your words", &kind), "body", "a quoted column maps");
	is_num(kind, OP_MAP_TEXT, "  as text");
	is(op_mapping_find(m, "NOTES", &kind), "-", "'-' drops");
	is_num(kind, OP_MAP_DROP, "  as dropped");
	is(op_mapping_find(m, "When", &kind), "due_at", "a kind after the field");
	is_num(kind, OP_MAP_NUMBER, "  is taken");
	op_mapping_free(m);

	bad("Email = email\nMessage body\n", OP_EXIT_CONFIG, "2: 'Column Name = field' expected");
	bad("\"Open = x\n", OP_EXIT_CONFIG, "1: unclosed quote in the column name");
	bad("\"A\" x = y\n", OP_EXIT_CONFIG, "1: '=' expected after the column name");
	bad(" = y\n", OP_EXIT_CONFIG, "1: empty column name");
	bad("A =  # nothing\n", OP_EXIT_CONFIG, "1: field name expected after '='");
	bad("A = 9lives\n", OP_EXIT_CONFIG,
	    "1: '9lives' is not a field name (letters, digits, _; or name.first, name.last, -)");
	bad("A = - date\n", OP_EXIT_CONFIG, "1: unexpected 'date' after '-'");
	bad("A = name.first text\n", OP_EXIT_CONFIG, "1: unexpected 'text' after 'name.first'");
	bad("A = b when\n", OP_EXIT_CONFIG, "1: 'when': text, date or number expected");

	unlink(path);
	m = op_mapping_load(path, &err);
	ok(!m, "a missing file is refused");
	is_num(err.code, OP_EXIT_NOINPUT, "  with status 66");
	ok(strstr(err.msg, "No such file") != NULL, "  saying why: %s", err.msg);
	return done_testing();
}

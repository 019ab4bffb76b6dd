/* mailrec.c - unit tests for lib/record/mailrec.c: sent folders by
 * name, the --ours matching (addresses, @domains, case) and the
 * --ours-file parser's errors.  MIT licence. */
#include <stdio.h>
#include <unistd.h>

#include "mailrec.h"
#include "tap.h"

static char path[] = "/tmp/mailrec-ours-XXXXXX";

/* s written to a temporary file (path), read as --ours-file */
static int ours_file(op_mailrec *m, const char *s, op_err *e)
{
	strcpy(path + strlen(path) - 6, "XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f)
		return 99;
	fputs(s, f);
	fclose(f);
	int rc = op_mailrec_read_ours(m, path, e);
	unlink(path);
	return rc;
}

static void sent_folders(void)
{
	ok(op_mailrec_sent_folder("mail/Sent"), "Sent");
	ok(op_mailrec_sent_folder("mail/.Sent/"), "Maildir++ .Sent, a trailing /");
	ok(op_mailrec_sent_folder("Sent Items"), "Outlook's Sent Items, no folder before");
	ok(op_mailrec_sent_folder("x/SENT MESSAGES"), "Apple's, in any case");
	ok(op_mailrec_sent_folder("/m/Gesendete Objekte//"), "Gesendete Objekte");
	ok(op_mailrec_sent_folder("m/gesendet"), "gesendet");
	ok(!op_mailrec_sent_folder("m/Sent-old"), "not Sent-old");
	ok(!op_mailrec_sent_folder("Sent/INBOX"), "not a folder under Sent");
	ok(!op_mailrec_sent_folder("m/..Sent"), "one leading dot only");
	ok(!op_mailrec_sent_folder("/"), "not /");
}

static void ours(void)
{
	op_mailrec m = { 0 };
	ok(op_mailrec_add_ours(&m, " ann@ours.example\t", 18), "an address, blanks trimmed");
	ok(op_mailrec_add_ours(&m, "@Team.Example", 13), "an @domain");
	ok(!op_mailrec_add_ours(&m, "ours.example", 12), "no @: not one");
	ok(!op_mailrec_add_ours(&m, "ann@", 4), "nothing after @: not one");
	ok(!op_mailrec_add_ours(&m, "a nn@x.example", 14), "a blank inside: not one");
	is_num(m.nours, 2, "two taken");
	ok(op_mailrec_is_ours(&m, "ann@ours.example"), "the address");
	ok(op_mailrec_is_ours(&m, "ANN@Ours.Example"), "the address, in another case");
	ok(!op_mailrec_is_ours(&m, "bob@ours.example"), "another at its domain is not");
	ok(op_mailrec_is_ours(&m, "bob@team.example"), "any address @domain");
	ok(!op_mailrec_is_ours(&m, "bob@sub.team.example"), "not a subdomain");
	ok(!op_mailrec_is_ours(&m, "team.example"), "no @: not ours");
	ok(!op_mailrec_is_ours(&m, NULL), "no address: not ours");
	op_mailrec_free(&m);
}

static void ours_files(void)
{
	op_mailrec m = { 0 };
	op_err e;
	is_num(ours_file(&m, "# ours\n\n  \nann@ours.example\r\n  @team.example\n", &e), 0,
	       "comments, blank lines, CRLF");
	is_num(m.nours, 2, "two taken");
	ok(op_mailrec_is_ours(&m, "x@team.example"), "the indented @domain");
	is_num(ours_file(&m, "bob@ours.example\nours.example\nnot@read\n", &e), -1, "a bad line");
	is_num(e.code, OP_EXIT_CONFIG, "78");
	char want[600];
	snprintf(want, sizeof want, "%s:2: not an address or @domain", path);
	is(e.msg, want, "names the file and line");
	is_num(m.nours, 3, "the lines before it taken, none after");
	is_num(op_mailrec_read_ours(&m, "/nonexistent/ours", &e), -1, "no file");
	is_num(e.code, OP_EXIT_NOINPUT, "66");
	is(e.msg, "--ours-file: /nonexistent/ours: No such file or directory", "names it");
	op_mailrec_free(&m);
}

int main(void)
{
	sent_folders();
	ours();
	ours_files();
	return done_testing();
}

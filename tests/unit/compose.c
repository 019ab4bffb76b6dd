/* compose.c - unit tests for lib/mail/compose: reply drafts as exact RFC
 * 5322 messages, and their delivery into a maildir.  Two more modes, for
 * tests/cli/8300-compose.t and the figure in its notes:
 *   compose --put DIR CASES    each JSON line of CASES (op_compose_hdr's
 *                              members, "key" and "body") into maildir DIR
 *   compose --bench DIR N      N drafts composed and put into DIR, timed
 * MIT licence. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compose.h"
#include "tap.h"

static op_buf msg;
static op_err err;
static int rc;

static const op_compose_hdr base = {
	.from = "Example Heating <office@heating.example>",
	.to_name = "John Smith",
	.to_addr = "john@example.com",
	.subject = "Re: Boiler service",
	.message_id = "draft.e1@heating.example",
	.in_reply_to = "CAF1x@mail.example.com",
	.references = "a1@mail.example.com CAF1x@mail.example.com",
	.date = 1796282022,	/* 2026-12-03T07:13:42Z */
};

static const char *compose(const op_compose_hdr *h, const char *body)
{
	op_buf_reset(&msg);
	err.msg[0] = 0;
	rc = op_compose(&msg, h, body, strlen(body), &err);
	return rc ? err.msg : msg.p;
}

/* 1 when some header line of msg starts with field name f */
static int has_field(const char *m, const char *f)
{
	size_t n = strlen(f);
	for (const char *l = m; l && *l && *l != '\n'; l = strchr(l, '\n'), l = l ? l + 1 : l)
		if (!strncmp(l, f, n) && l[n] == ':')
			return 1;
	return 0;
}

/* the longest line of s */
static size_t longest(const char *s)
{
	size_t max = 0;
	for (const char *l = s; *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		max = n > max ? n : max;
		l += n + !!e;
	}
	return max;
}

static void messages(void)
{
	is(compose(&base, "Hello John,\n\nWe can come on Monday.\n"),
	    "Date: Thu, 03 Dec 2026 07:13:42 +0000\n"
	    "From: Example Heating <office@heating.example>\n"
	    "To: John Smith <john@example.com>\n"
	    "Subject: Re: Boiler service\n"
	    "Message-ID: <draft.e1@heating.example>\n"
	    "In-Reply-To: <CAF1x@mail.example.com>\n"
	    "References: <a1@mail.example.com> <CAF1x@mail.example.com>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 7bit\n"
	    "\n"
	    "Hello John,\n\nWe can come on Monday.\n", "ASCII draft, exact");

	op_compose_hdr h = base;
	h.from = "\"Müller & Söhne, Heizung\" <info@mueller.example>";
	h.to_name = "Jürgen Müller";
	h.to_addr = "j.mueller@example.de";
	h.subject = "Re: Anfrage zur Größe der Wärmepumpe";
	h.in_reply_to = NULL;
	h.references = NULL;
	is(compose(&h, "Sehr geehrter Herr Müller,\n\nvielen Dank für Ihre Anfrage.\n"),
	    "Date: Thu, 03 Dec 2026 07:13:42 +0000\n"
	    "From: =?UTF-8?Q?M=C3=BCller_=26_S=C3=B6hne=2C_Heizung?=\n"
	    " <info@mueller.example>\n"
	    "To: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <j.mueller@example.de>\n"
	    "Subject: Re: Anfrage zur =?UTF-8?Q?Gr=C3=B6=C3=9Fe?= der\n"
	    " =?UTF-8?Q?W=C3=A4rmepumpe?=\n"
	    "Message-ID: <draft.e1@heating.example>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n"
	    "\n"
	    "Sehr geehrter Herr M=C3=BCller,\n\nvielen Dank f=C3=BCr Ihre Anfrage.\n",
	    "umlauts: encoded words for name and words, QP body, exact");

	h = base;
	h.from = NULL;
	h.to_name = "Smith, John \"Jack\"";
	h.subject = "Re: Termin =?utf-8?q?x?= am Montag, 7. Dezember, zwischen 8 und 12 Uhr, "
	    "Auftrag 2026-1234 (Wartung Gasbrennwertkessel)";
	is(compose(&h, "ok"),
	    "Date: Thu, 03 Dec 2026 07:13:42 +0000\n"
	    "To: \"Smith, John \\\"Jack\\\"\" <john@example.com>\n"
	    "Subject: Re: Termin =?UTF-8?B?PT91dGYtOD9xP3g/PQ==?= am Montag, 7. Dezember,\n"
	    " zwischen 8 und 12 Uhr, Auftrag 2026-1234 (Wartung Gasbrennwertkessel)\n"
	    "Message-ID: <draft.e1@heating.example>\n"
	    "In-Reply-To: <CAF1x@mail.example.com>\n"
	    "References: <a1@mail.example.com> <CAF1x@mail.example.com>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 7bit\n"
	    "\n"
	    "ok\n", "specials quoted; text that reads as an encoded word encoded; a long "
	    "subject folded at 76; no From; a final line break added");

	h = base;
	h.subject = "Grüße aus Köln – Ihre Bestellung Nr. 4711 über zwölf Heizkörperthermostate "
	    "mit Fußbodenheizungsverteiler";
	compose(&h, "x\n");
	ok(strstr(msg.p, "\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus =?UTF-8?B?S8O2bG4g4oCT?= Ihre\n"
	    " Bestellung Nr. 4711\n"
	    " =?UTF-8?Q?=C3=BCber_zw=C3=B6lf_Heizk=C3=B6rperthermostate?= mit\n"
	    " =?UTF-8?Q?Fu=C3=9Fbodenheizungsverteiler?=\n"),
	    "a long German subject folded between words, each run encoded whole on a line");
	is_num(longest(msg.p), 70, "... the longest line 70");

	h.subject = "Привет, как дела? Это очень длинная тема письма на русском языке для проверки";
	compose(&h, "x\n");
	ok(strstr(msg.p, "\nSubject: =?UTF-8?B?0J/RgNC40LLQtdGCLCDQutCw0Log0LTQtdC70LA/INCt0YLQviA=?=\n"
	    " =?UTF-8?B?0L7Rh9C10L3RjCDQtNC70LjQvdC90LDRjyDRgtC10LzQsCDQv9C40YHRjNC8?=\n"
	    " =?UTF-8?B?0LAg0L3QsCDRgNGD0YHRgdC60L7QvCDRj9C30YvQutC1INC00LvRjyDQv9GA?=\n"
	    " =?UTF-8?B?0L7QstC10YDQutC4?=\n"), "Cyrillic in B words within 76 columns, whole characters");
	is_num(longest(msg.p), 73, "... lines of 73 at most");

	/* a 2,000-character line: QP, soft breaks every 75 + "=" */
	char line[2002];
	memset(line, 'a', 2000);
	strcpy(line + 2000, "\n");
	compose(&base, line);
	op_buf want = { 0 };
	for (int i = 0; i < 26; i++)
		op_buf_printf(&want, "%.75s=\n", line);
	op_buf_printf(&want, "%.50s\n", line);
	const char *b = strstr(msg.p, "\n\n");
	ok(strstr(msg.p, "Content-Transfer-Encoding: quoted-printable\n\n"), "a 2,000-character line: quoted-printable");
	is(b ? b + 2 : "", want.p, "... in lines of 76 with soft breaks");
	line[998] = '\n';
	line[999] = 0;
	compose(&base, line);
	ok(strstr(msg.p, "Content-Transfer-Encoding: 7bit\n"), "a line of 998: 7bit");
	op_buf_free(&want);
}

static void injection(void)
{
	op_compose_hdr h = base;
	h.to_name = "Bob\r\nBcc: victim@evil.example";
	h.subject = "Hi\r\nBcc: victim@evil.example\r\n\r\nbody?\t\x01 end ";
	h.from = "Firm\nX-Evil: 1 <office@heating.example>";
	compose(&h, "x\n");
	ok(!rc, "CR/LF in name, subject and from's name: a draft");
	ok(!has_field(msg.p, "Bcc") && !has_field(msg.p, "X-Evil"), "... with no header the values hold");
	ok(strstr(msg.p, "\nSubject: Hi Bcc: victim@evil.example body? end\n"),
	    "... each run of controls and spaces one space");
	ok(strstr(msg.p, "\nTo: \"Bob Bcc: victim@evil.example\" <john@example.com>\n"),
	    "... the name one quoted display name");
	ok(strstr(msg.p, "\nFrom: \"Firm X-Evil: 1\" <office@heating.example>\n"), "... From's name too");
	h = base;
	h.to_name = "Bob\r\nBcc: x@evil.example, Jörg";
	compose(&h, "x\n");
	ok(strstr(msg.p, "\nTo: =?UTF-8?Q?Bob_Bcc=3A_x=40evil=2Eexample=2C_J=C3=B6rg?=\n <john@example.com>\n"),
	    "... a non-ASCII one encoded whole");
}

static void refused(void)
{
	static const char *const bad[] = {
		"john@", "john", "@example.com", "a b@example.com", "<a@b.example>", "a@b",
		"a@-b.example", "a@b-.example", "a..b@example.com", ".a@example.com", "a.@example.com",
		"x@[1.2.3]", "x@[IPv6:zz::1]", "a@b.example\r\nBcc: c@d.example", "a@b..example",
		"jörg@example.de", "a@exämple.de", "\"a b\"@example.com", "a@b.example,c@d.example",
		"a@b_c.example",
	};
	int nbad = 0;
	op_compose_hdr h = base;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		h.to_addr = bad[i];
		compose(&h, "x\n");
		if (!rc || err.code != OP_EXIT_DATAERR || strncmp(err.msg, "To: '", 5)) {
			printf("# accepted: '%s'\n", bad[i]);
			nbad++;
		}
	}
	is_num(nbad, 0, "%zu invalid reply addresses refused (65, To: named)", sizeof bad / sizeof bad[0]);
	static const char *const good[] = {
		"a@b.example", "o'brien+tag@sub.example.co.uk", "x@[192.0.2.1]", "x@[IPv6:2001:db8::1]",
		"A.B-C_D@xn--mller-kva.example", "{x}|~@a-b.example",
	};
	int ngood = 0;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		h.to_addr = good[i];
		compose(&h, "x\n");
		if (rc) {
			printf("# refused: '%s': %s\n", good[i], err.msg);
			ngood++;
		}
	}
	is_num(ngood, 0, "%zu valid addresses accepted", sizeof good / sizeof good[0]);

	op_buf_reset(&msg);
	op_buf_adds(&msg, "kept");
	h.to_addr = "a@b\r\nBcc: c@d.example";
	is_num(op_compose(&msg, &h, "x", 1, &err), -1, "an invalid address: -1");
	is_num(err.code, 65, "... code 65");
	is(err.msg, "To: 'a@b??Bcc: c@d.example' is not an address (local@domain)", "... the address named, controls shown as ?");
	is(msg.p, "kept", "... and nothing appended");
	h.to_addr = NULL;
	is(compose(&h, "x"), "To: no reply address", "no reply address");
	h = base;
	h.message_id = "a b@c";
	is(compose(&h, "x"), "Message-ID: 'a b@c' is not a message id", "a message id with a space");
	h = base;
	h.references = "ok@a.example bad>@b.example";
	is(compose(&h, "x"), "References: 'ok@a.example bad>@b.example' is not a list of message ids",
	    "a reference with >");
	h = base;
	h.in_reply_to = "x\n@y";
	is(compose(&h, "x"), "In-Reply-To: 'x?@y' is not a message id", "In-Reply-To with a line break");
	h = base;
	h.subject = "caf\xe9";
	is(compose(&h, "x"), "Subject: not UTF-8", "a subject in Latin-1");
	is(compose(&base, "caf\xe9"), "body: not UTF-8", "a body in Latin-1");
	h = base;
	h.from = "Firm <firm>";
	is(compose(&h, "x"), "From: 'Firm <firm>' is not an address (local@domain)", "a bad From");
}

/* --- maildir --- */

static char tmpdir[64];

static int exists(const char *fmt, const char *a)
{
	char p[512];
	snprintf(p, sizeof p, fmt, tmpdir, a);
	struct stat sb;
	return !stat(p, &sb);
}

/* the entries of DIR/sub, "." and ".." left out */
static int entries(const char *dir, const char *sub)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, sub);
	DIR *d = opendir(p);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return d ? n : -1;
}

static void maildir(void)
{
	strcpy(tmpdir, "/tmp/opflow-compose-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	char md[128];
	snprintf(md, sizeof md, "%s/Drafts", tmpdir);
	compose(&base, "Hello\n");
	is_num(op_maildir_put(md, "opflow-e1", msg.p, msg.len, &err), 0, "a draft put into a new maildir");
	ok(exists("%s/Drafts/cur/%s", "opflow-e1:2,D"), "... as cur/KEY:2,D");
	struct stat sb;
	ok(!stat(md, &sb) && (sb.st_mode & 0777) == 0700, "... the maildir made 0700");
	is_num(entries(md, "tmp") + entries(md, "new"), 0, "... tmp/ and new/ empty");
	char p[512];
	snprintf(p, sizeof p, "%s/cur/opflow-e1:2,D", md);
	size_t n;
	char *back = slurp(p, &n);
	is(back, msg.p, "... the message whole");
	free(back);
	is_num(op_maildir_put(md, "opflow-e1", msg.p, msg.len, &err), 1, "the same KEY again: 1, not written");
	is_num(entries(md, "cur"), 1, "... still one draft");

	snprintf(p, sizeof p, "%s/cur/opflow-e2:2,DS", md);
	fclose(fopen(p, "w"));
	is_num(op_maildir_put(md, "opflow-e2", msg.p, msg.len, &err), 1, "KEY:2,DS (flags changed by a client) counts");
	snprintf(p, sizeof p, "%s/new/opflow-e3", md);
	fclose(fopen(p, "w"));
	is_num(op_maildir_put(md, "opflow-e3", msg.p, msg.len, &err), 1, "KEY in new/ counts");
	snprintf(p, sizeof p, "%s/cur/opflow-e40,S=1234:2,S", md);
	fclose(fopen(p, "w"));
	is_num(op_maildir_put(md, "opflow-e40", msg.p, msg.len, &err), 1, "KEY,S=size:2,S counts");
	is_num(op_maildir_put(md, "opflow-e4", msg.p, msg.len, &err), 0, "a KEY that another begins with does not");
	is_num(op_maildir_put(md, "../x", msg.p, msg.len, &err), -1, "a KEY with a slash: -1");
	is_num(err.code, 70, "... code 70, the caller's bug");

	op_maildir *h = op_maildir_open(md, &err);
	ok(h, "a handle on the maildir");
	is_num(op_maildir_add(h, "opflow-e1", msg.p, msg.len, &err), 1, "... knows the drafts there");
	is_num(op_maildir_add(h, "opflow-e5", msg.p, msg.len, &err), 0, "... adds one");
	is_num(op_maildir_add(h, "opflow-e5", msg.p, msg.len, &err), 1, "... and knows it then");
	op_maildir_close(h);
	is_num(entries(md, "cur"), 5, "cur/ holds the 5 drafts");

	/* not a directory where the maildir goes */
	snprintf(p, sizeof p, "%s/file", tmpdir);
	fclose(fopen(p, "w"));
	snprintf(p, sizeof p, "%s/file/Drafts", tmpdir);
	is_num(op_maildir_put(p, "k", msg.p, msg.len, &err), -1, "a maildir that cannot be made: -1");
	is_num(err.code, 74, "... code 74");
	char want[600];
	snprintf(want, sizeof want, "%s: Not a directory", p);
	is(err.msg, want, "... the directory and errno named");

	/* a write that fails half-way leaves nothing in tmp/ nor cur/ */
	struct rlimit old, lim;
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 100;
	signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &lim);
	is_num(op_maildir_put(md, "opflow-big", msg.p, msg.len, &err), -1, "a write that fails (file size limit): -1");
	setrlimit(RLIMIT_FSIZE, &old);
	is_num(err.code, 74, "... code 74");
	snprintf(want, sizeof want, "%s/tmp: File too large", md);
	is(err.msg, want, "... tmp/ named");
	is_num(entries(md, "tmp"), 0, "... nothing left in tmp/");
	is_num(entries(md, "cur"), 5, "... nor in cur/");

	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ok(!system(cmd), "temp dir removed");
}

/* --- the modes for the CLI test and the bench --- */

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int put_cases(const char *dir, const char *cases)
{
	json_error_t je;
	FILE *f = fopen(cases, "r");
	op_maildir *md = op_maildir_open(dir, &err);
	if (!f || !md) {
		fprintf(stderr, "compose: %s\n", f ? err.msg : strerror(errno));
		return 1;
	}
	char *line = NULL;
	size_t cap = 0;
	int bad = 0;
	while (op_xgetline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, &je);
		op_compose_hdr h = {
			.from = str(o, "from"), .to_name = str(o, "to_name"), .to_addr = str(o, "to_addr"),
			.subject = str(o, "subject"), .message_id = str(o, "message_id"),
			.in_reply_to = str(o, "in_reply_to"), .references = str(o, "references"),
			.date = json_integer_value(json_object_get(o, "date")),
		};
		const char *body = str(o, "body");
		op_buf_reset(&msg);
		if (op_compose(&msg, &h, body, strlen(body), &err)
		    || op_maildir_add(md, str(o, "key"), msg.p, msg.len, &err) < 0) {
			printf("%s: %s\n", str(o, "key"), err.msg);
			bad = 1;
		}
		json_decref(o);
	}
	free(line);
	fclose(f);
	op_maildir_close(md);
	return bad;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench(const char *dir, long n)
{
	op_compose_hdr h = base;
	h.to_name = "Jürgen Müller";
	h.subject = "Re: Anfrage zur Größe der Wärmepumpe, Auftrag 2026-1234";
	const char *body = "Sehr geehrter Herr Müller,\n\nvielen Dank für Ihre Anfrage. "
	    "Könnten Sie uns die Postleitzahl des Objekts nennen?\n\nMit freundlichen Grüßen\n"
	    "Ihr Team von Example Heating\n";
	char id[64], key[64];
	double t0 = now(), tc = 0;
	op_maildir *md = op_maildir_open(dir, &err);
	for (long i = 0; md && i < n; i++) {
		snprintf(id, sizeof id, "draft.%ld@heating.example", i);
		snprintf(key, sizeof key, "opflow-draft-%ld", i);
		h.message_id = id;
		double t1 = now();
		op_buf_reset(&msg);
		op_compose(&msg, &h, body, strlen(body), &err);
		tc += now() - t1;
		if (op_maildir_add(md, key, msg.p, msg.len, &err) < 0)
			break;
	}
	op_maildir_close(md);
	double t = now() - t0;
	if (err.msg[0]) {
		fprintf(stderr, "compose: %s\n", err.msg);
		return 1;
	}
	printf("%ld drafts into %s in %.2f s: %.0f messages/s (op_compose alone: %.0f/s)\n",
	    n, dir, t, n / t, n / tc);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--put"))
		return put_cases(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "--bench"))
		return bench(argv[2], atol(argv[3]));
	messages();
	injection();
	refused();
	maildir();
	op_buf_free(&msg);
	return done_testing();
}

/* monitor.c - exc-flag's counts for monitoring systems: the status line
 * and exit status of a Nagios plugin (--nagios), and the Prometheus
 * textfile collector's metrics (--prom).  MIT licence, see COPYING.  The
 * meaning: man/exc-flag.1 MONITORING. */
#include <stdio.h>
#include <string.h>

#include "atomic.h"
#include "flag.h"

/* Nagios plugin return codes (Nagios Plugin API, "Plugin Return Codes") */
enum { N_OK, N_WARNING, N_CRITICAL, N_UNKNOWN };
static const char *const nagios_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

/* what a rule counts: its alerts firing with --state, else the records
 * it held for in this run */
static unsigned long long count(const op_flagger *c, const op_flag *f)
{
	return op_flagger_stateful(c) ? f->active : f->fired;
}

int op_flag_nagios_unknown(const char *why)
{
	printf("EXC-FLAG UNKNOWN - %s\n", why);
	return N_UNKNOWN;
}

int op_flag_nagios(const op_flagger *c, int rc)
{
	if (rc != OP_EXIT_OK)
		return op_flag_nagios_unknown(rc == OP_EXIT_DATAERR ? "bad input was rejected (see standard error)"
					      : "the input could not be read or written (see standard error)");
	size_t n;
	const op_flag *f = op_flagger_flags(c, &n);
	unsigned long long per[4] = { 0 }, all = 0;
	op_buf rules = {0};
	for (size_t i = 0; i < n; i++) {
		unsigned long long k = count(c, &f[i]);
		if (!k)
			continue;
		per[f[i].severity] += k;
		all += k;
		op_buf_printf(&rules, "%s%s %llu", rules.len ? ", " : "", f[i].name, k);
	}
	/* low and medium want a look, high and critical action */
	int status = per[2] + per[3] ? N_CRITICAL : per[0] + per[1] ? N_WARNING : N_OK;
	printf("EXC-FLAG %s - ", nagios_names[status]);
	if (all)
		printf("%llu flag%s: %s", all, all == 1 ? "" : "s", rules.p);
	else
		printf("no flags");
	printf(" |");
	for (int s = 0; s < 4; s++)
		printf(" %s=%llu;;;", op_severities[s], per[s]);
	printf("\n");
	op_buf_free(&rules);
	return status;
}

/* a label value of the exposition format: \, " and newline escaped */
static void label(op_buf *b, const char *name, const char *s, size_t n)
{
	op_buf_printf(b, "%s=\"", name);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '"')
			op_buf_addc(b, '\\');
		if (s[i] == '\n')
			op_buf_adds(b, "\\n");
		else
			op_buf_addc(b, s[i]);
	}
	op_buf_addc(b, '"');
}

/* rules whose labels are alike: a name given twice on purpose (lint's
 * duplicate, silenced) with the same severity and title */
static int same_labels(const op_flag *a, const op_flag *b)
{
	return !strcmp(a->name, b->name) && a->severity == b->severity && a->titlelen == b->titlelen &&
	       !memcmp(a->title, b->title, a->titlelen);
}

static void metric(op_buf *b, const char *name, const char *help, const op_flagger *c, int active)
{
	size_t n;
	const op_flag *f = op_flagger_flags(c, &n);
	op_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	for (size_t i = 0; i < n; i++) {
		/* one line a label set: the collector refuses a file with a
		 * series twice, and every metric of it with the file */
		unsigned long long v = 0;
		size_t j = 0;
		while (j < i && !same_labels(&f[j], &f[i]))
			j++;
		if (j < i)
			continue;	/* summed on the first's line */
		for (j = i; j < n; j++)
			if (same_labels(&f[j], &f[i]))
				v += active ? f[j].active : f[j].fired;
		op_buf_printf(b, "%s{", name);
		label(b, "rule", f[i].name, strlen(f[i].name));
		op_buf_addc(b, ',');
		label(b, "severity", op_severities[f[i].severity], strlen(op_severities[f[i].severity]));
		op_buf_addc(b, ',');
		label(b, "title", f[i].title, f[i].titlelen);
		op_buf_printf(b, "} %llu\n", v);
	}
}

int op_flag_prom(const op_flagger *c, const char *path)
{
	op_buf b = {0};
	metric(&b, "opflow_flags", "Records a flag rule held for in the last run of exc-flag.", c, 0);
	if (op_flagger_stateful(c))
		metric(&b, "opflow_flag_active", "Alerts of a flag rule firing after the last run of exc-flag --state.",
		       c, 1);
	int rc = op_write_atomic(path, b.p, b.len);
	op_buf_free(&b);
	return rc;
}

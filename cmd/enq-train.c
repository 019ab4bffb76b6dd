/* enq-train - learn categories from a business's own labelled history.
 *
 *   enq-train --label FIELD [--text EXPR] -o MODEL [--holdout F | --test FILE | --folds K]
 *             [--group FIELD] [file...]
 *
 * Reads labelled records, trains the linear text classifier of lib/model
 * and writes it to MODEL; prints accuracy and macro-F1 on the held-out
 * records, with --report a table per class.  MIT licence. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "model.h"
#include "modeltext.h"
#include "stream.h"

#define MAX_HELD 1000		/* records read without the label field */
#define MAX_FIELDS_SEEN 20

typedef struct {
	op_trainer *tr;
	op_eval ev;
	op_expr *text;
	const char *label;
	op_buf lab;
	/* examples added while reading --test */
	size_t *test;
	size_t ntest, captest;
	int reading_test;
	/* each example's group, numbered in order of first sight (--group
	 * FIELD's value; without it, or without the field, one's own) */
	const char *group;
	int group_seen;	/* a record had it: a misspelt one is a usage error */
	size_t *grp, capgrp, ngroups;
	op_hmap groups;
	op_buf gkey, gtmp;
	/* records without the label field, held back while no record has had
	 * it: a misspelt --label is one usage error, not a message a record */
	const op_cli *cli;
	int label_seen;
	op_buf held;			/* their lines, one after the other */
	struct held { const char *file; unsigned long long line; size_t off, len; } *hold;
	size_t nhold;
	char *fields[MAX_FIELDS_SEEN];		/* their keys, for the message */
	size_t nfields;
	int more_fields;
} ctx;

/* "id, subject, body" (and "..." past MAX_FIELDS_SEEN), or "none" */
static const char *fields_seen(ctx *c)
{
	op_buf_reset(&c->lab);
	for (size_t i = 0; i < c->nfields; i++)
		op_buf_printf(&c->lab, "%s%s", i ? ", " : "", c->fields[i]);
	if (c->more_fields)
		op_buf_adds(&c->lab, ", ...");
	return c->nfields ? c->lab.p : "none";
}

/* A record without the label field: held (man/enq-train.1, Bad input). */
static void hold(ctx *c, op_stream *st, const op_rec *r)
{
	if (c->nhold == MAX_HELD)
		op_usage_error(c->cli, "none of the first %d records has field '%s'; fields seen: %s", MAX_HELD,
			       c->label, fields_seen(c));
	if (!c->hold)
		c->hold = op_xmalloc(MAX_HELD * sizeof *c->hold);
	c->hold[c->nhold++] = (struct held){ st->name, st->lineno, c->held.len, st->linelen };
	op_buf_add(&c->held, st->line, st->linelen);
	for (size_t i = 0; i < r->nf && !c->more_fields; i++) {
		size_t k = 0;
		while (k < c->nfields && (strlen(c->fields[k]) != r->f[i].klen ||
					  memcmp(c->fields[k], r->f[i].k, r->f[i].klen)))
			k++;
		if (k < c->nfields)
			continue;
		if (c->nfields == MAX_FIELDS_SEEN)
			c->more_fields = 1;
		else
			c->fields[c->nfields++] = op_xstrndup(r->f[i].k, r->f[i].klen);
	}
}

/* --group: example i's group, by the value of the field (a string's
 * text, else its JSON); none, or null: a group of its own */
static void note_group(ctx *c, op_rec *r, size_t i)
{
	const op_field *f = c->group ? op_rec_get(r, c->group, strlen(c->group)) : NULL;
	size_t g = c->ngroups;
	c->group_seen |= f != NULL;
	if (f && f->type != OP_JNULL) {
		const char *s = f->v;
		size_t n = f->vlen;
		if (f->type == OP_JSTR)
			op_jstr(f->v, f->vlen, f->vesc, &c->gtmp, &s, &n);
		op_buf_reset(&c->gkey);	/* "1" and 1 are two groups */
		op_buf_addc(&c->gkey, f->type == OP_JSTR ? 's' : 'j');
		op_buf_add(&c->gkey, s, n);
		int isnew;
		void **v = op_hmap_put(&c->groups, c->gkey.p, c->gkey.len, &isnew);
		if (isnew)
			*v = (void *)(uintptr_t)(g + 1);
		else
			g = (size_t)(uintptr_t)*v - 1;
	}
	c->ngroups += g == c->ngroups;
	c->grp = op_grow(c->grp, i, &c->capgrp, sizeof *c->grp);
	c->grp[i] = g;
}

/* The label field turned up: what was held is rejected now, in order. */
static void release(ctx *c, op_stream *st)
{
	op_buf where = {0};
	for (size_t i = 0; i < c->nhold && !st->stop; i++) {
		struct held *h = &c->hold[i];
		op_buf_reset(&where);
		op_buf_printf(&where, "%s:%llu", h->file, h->line);
		op_reject_at(st, where.p, c->held.p + h->off, h->len, "no label: '%s' is missing", c->label);
	}
	op_buf_free(&where);
	c->nhold = 0;
	op_buf_free(&c->held);
}

static int on_record(op_stream *st, op_rec *r, void *vc)
{
	ctx *c = vc;
	const char *s, *l;
	size_t n, ln;
	const op_field *f = op_rec_get(r, c->label, strlen(c->label));
	if (!f && !c->label_seen) {
		hold(c, st, r);
		return 0;
	}
	if (!c->label_seen) {
		c->label_seen = 1;
		release(c, st);
		if (st->stop)	/* --strict: the first of them stops the run */
			return 1;
	}
	if (!f || f->type != OP_JSTR) {
		op_reject(st, "no label: '%s' is %s", c->label, f ? "not a string" : "missing");
		return 0;
	}
	op_jstr(f->v, f->vlen, f->vesc, &c->lab, &l, &ln);
	if (!ln) {
		op_reject(st, "no label: '%s' is empty", c->label);
		return 0;
	}
	if (!op_model_text_ok(l, ln)) {	/* the model could not be read back */
		op_reject(st, "bad label: '%s' is over 4096 bytes or has control characters", c->label);
		return 0;
	}
	op_eval_record(&c->ev, r);
	int rc = op_modeltext_eval(&c->ev, c->text, &s, &n);
	if (rc < 0) {
		op_reject(st, "--text: %s", c->ev.err);
		return 0;
	}
	if (!rc) {
		op_reject(st, "no text: --text is null");
		return 0;
	}
	op_err e;
	size_t i = op_trainer_add(c->tr, s, n, l, ln, &e);
	if (i == OP_TRAINER_FAIL)
		op_die_err(&e);
	if (i == OP_TRAINER_NONE) {	/* as enq-classify: no words, no evidence */
		op_reject(st, "no text: --text gives no words to learn from");
		return 0;
	}
	note_group(c, r, i);
	if (c->reading_test) {
		c->test = op_grow(c->test, c->ntest, &c->captest, sizeof *c->test);
		c->test[c->ntest++] = i;
	}
	return 0;
}

static uint64_t next(uint64_t *rng)
{
	return *rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL;
}

/* The split: --test's records, or a seeded draw of --holdout, one a
 * group (groups are numbered in order of first sight: group g is new
 * when g draws have been made). */
static void split(const ctx *c, const char *test, double holdout, uint64_t *rng, size_t *train,
		  size_t *ntrain, size_t *held, size_t *nheld)
{
	size_t n = op_trainer_count(c->tr), drawn = 0;
	unsigned char *out = op_xmalloc(c->ngroups + 1);
	for (size_t i = 0, k = 0; i < n; i++) {
		int out_of_training;
		if (test) {
			out_of_training = k < c->ntest && c->test[k] == i;
			k += out_of_training;
		} else {
			if (c->grp[i] == drawn)
				out[drawn++] = (double)(next(rng) >> 11) / 9007199254740992.0 < holdout;
			out_of_training = out[c->grp[i]];
		}
		if (out_of_training)
			held[(*nheld)++] = i;
		else
			train[(*ntrain)++] = i;
	}
	free(out);
}

/* --folds: the examples in a seeded order of their groups (a group's
 * examples side by side) into seq, and each group dealt whole to the
 * fold with the fewest examples so far (ties: the first) into fold, by
 * position in seq.  With a group an example, fold i % k, as before groups. */
static void deal(const ctx *c, size_t k, uint64_t *rng, size_t *seq, size_t *fold)
{
	size_t n = op_trainer_count(c->tr), G = c->ngroups;
	size_t *order = op_xmalloc((G + 1) * sizeof *order), *start = op_xcalloc(G + 2, sizeof *start),
	       *at = op_xmalloc((n + 1) * sizeof *at), *size = op_xcalloc(k, sizeof *size);
	for (size_t g = 0; g < G; g++)
		order[g] = g;
	for (size_t g = G; g > 1; g--) {	/* Fisher-Yates, from the seed */
		size_t j = (size_t)((next(rng) >> 11) % g), tmp = order[g - 1];
		order[g - 1] = order[j];
		order[j] = tmp;
	}
	for (size_t i = 0; i < n; i++)	/* each group's examples, in order */
		start[c->grp[i] + 2]++;
	for (size_t g = 2; g < G + 2; g++)
		start[g] += start[g - 1];
	for (size_t i = 0; i < n; i++)
		at[start[c->grp[i] + 1]++] = i;
	size_t pos = 0;
	for (size_t o = 0; o < G; o++) {
		size_t g = order[o], f = 0;
		for (size_t j = 1; j < k; j++)
			if (size[j] < size[f])
				f = j;
		for (size_t e = start[g]; e < start[g + 1]; e++) {
			seq[pos] = at[e];
			fold[pos++] = f;
		}
		size[f] += start[g + 1] - start[g];
	}
	free(order);
	free(start);
	free(at);
	free(size);
}

/* --folds K: the records dealt into K folds, a group whole (deal); each
 * fold scored by a model trained on the others, into conf.  Each fold's
 * accuracy is printed, so the spread shows beside the pooled figure. */
static void cross_validate(const ctx *c, const op_train_opts *o, size_t k, uint64_t *rng,
			   const char *textsrc, unsigned long *conf)
{
	op_trainer *tr = c->tr;
	size_t n = op_trainer_count(tr), C = op_trainer_nclasses(tr);
	size_t *order = op_xmalloc((n ? n : 1) * sizeof *order), *in = op_xmalloc((n ? n : 1) * sizeof *in),
	       *out = op_xmalloc((n ? n : 1) * sizeof *out), *fold = op_xmalloc((n ? n : 1) * sizeof *fold);
	unsigned long *one = op_xmalloc(C * C * sizeof *one);
	deal(c, k, rng, order, fold);
	printf("%zu-fold cross-validation, accuracy by fold:", k);
	for (size_t f = 0; f < k; f++) {
		size_t nin = 0, nout = 0;
		for (size_t i = 0; i < n; i++) {
			if (fold[i] == f)
				out[nout++] = order[i];
			else
				in[nin++] = order[i];
		}
		if (!nout) {	/* fewer groups than folds: no score, nor a model for it */
			fputs(" -", stdout);
			continue;
		}
		memset(one, 0, C * C * sizeof *one);
		op_model *m = op_trainer_fit(tr, o, in, nin, textsrc, c->label);
		op_trainer_tally(tr, m, out, nout, one);
		op_model_free(m);
		unsigned long right = 0;
		for (size_t i = 0; i < C * C; i++) {
			conf[i] += one[i];
			right += i % (C + 1) ? 0 : one[i];
		}
		printf(" %.4f", (double)right / nout);
	}
	putchar('\n');
	free(order);
	free(fold);
	free(in);
	free(out);
	free(one);
}

static const char usage[] =
	"Usage: enq-train --label FIELD -o MODEL [options] [file...]\n"
	"Learn a text classifier from labelled records; print its held-out accuracy.\n"
	"  -l, --label FIELD     the field holding each record's category\n"
	"  -t, --text EXPR       what the model reads (default: text, subject and body)\n"
	"  -o, --output MODEL    the model file to write\n"
	"      --holdout F       hold out this share of the records to score\n"
	"                        (default 0.1; 0: train on all, no score)\n"
	"      --test FILE       score on the records of FILE instead\n"
	"      --folds K         score by K-fold cross-validation instead (the\n"
	"                        model written is trained on all the records)\n"
	"      --group FIELD     records with one value of FIELD are held out, or\n"
	"                        in a fold, together (variants of one original)\n"
	"      --report          precision, recall and F1 per class, and the\n"
	"                        confusion table\n"
	"      --seed N          order of the examples, the held-out draw and the\n"
	"                        folds (default 1)\n"
	"      --epochs N        passes over the data (default 10)\n"
	"      --lr X            starting learning rate (default 1)\n"
	"      --smooth S        label smoothing: aim at 1 - S for the label and\n"
	"                        S / classes for every class (0 to below 1,\n"
	"                        default 0)\n"
	"      --word-ngrams N   1 words, 2 words and word pairs (default 2)\n"
	"      --pair-weight X   what a word pair counts in training, a word\n"
	"                        counting 1 (0.001 to 100; default 1)\n"
	"      --dropout P       leave out this share of an example's features,\n"
	"                        at random, in each step (0 to below 1; default 0)\n"
	"      --margin M        make the label's score beat the others by M in\n"
	"                        training (0 to 100; default 0)\n"
	"      --focus B         a feature of fewer classes counts up to 1 + B in\n"
	"                        training (0 to 100; default 0)\n"
	"      --average K       train K models, each from a seed of its own, and\n"
	"                        write their average (1 to 100; default 1)\n"
	"      --char-ngrams A-B character n-grams of words, A to B bytes\n"
	"                        (default 3-5; 0: none)\n"
	"      --prune W         drop features whose weights all lie within +-W\n"
	"                        (default 0.25)\n";

/* the model written keeps no features: why, by the options that drop
 * them as given (op_trainer_fit) */
static void warn_empty(const char *prune, const char *dropout)
{
	op_warn("warning: the model keeps no features (no weight beyond --prune %s%s%s): "
		"every text gets the same answer", prune, dropout ? ", trained with --dropout " : "",
		dropout ? dropout : "");
}

int main(int argc, char **argv)
{
	op_cli cli = { .usage = usage, .exits = OP_EXITS_CONFIG };
	ctx c = {0};
	const char *out = NULL, *textsrc = "text", *test = NULL, *prune_arg = "0.25", *dropout_arg = NULL;
	double holdout = 0.1, lr = 1.0, prune = 0.25, smooth = 0, pair = 1, dropout = 0, margin = 0, focus = 0;
	long long seed = 1, epochs = 10, folds = 0, average = 1;
	op_featcfg cfg = OP_FEATCFG_DEFAULT;
	int report = 0, ch, holdout_set = 0;
	enum { O_HOLDOUT = 1, O_TEST, O_REPORT, O_SEED, O_EPOCHS, O_LR, O_WORDNG, O_CHARNG, O_PRUNE, O_FOLDS, O_GROUP, O_SMOOTH, O_PAIR,
	       O_DROPOUT, O_MARGIN, O_FOCUS, O_AVERAGE };
	static const struct option longopts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "text", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "holdout", required_argument, NULL, O_HOLDOUT },
		{ "test", required_argument, NULL, O_TEST },
		{ "folds", required_argument, NULL, O_FOLDS },
		{ "group", required_argument, NULL, O_GROUP },
		{ "report", no_argument, NULL, O_REPORT },
		{ "seed", required_argument, NULL, O_SEED },
		{ "epochs", required_argument, NULL, O_EPOCHS },
		{ "lr", required_argument, NULL, O_LR },
		{ "word-ngrams", required_argument, NULL, O_WORDNG },
		{ "char-ngrams", required_argument, NULL, O_CHARNG },
		{ "prune", required_argument, NULL, O_PRUNE },
		{ "smooth", required_argument, NULL, O_SMOOTH },
		{ "pair-weight", required_argument, NULL, O_PAIR },
		{ "dropout", required_argument, NULL, O_DROPOUT },
		{ "margin", required_argument, NULL, O_MARGIN },
		{ "focus", required_argument, NULL, O_FOCUS },
		{ "average", required_argument, NULL, O_AVERAGE },
		{ NULL, 0, NULL, 0 },
	};
	unsigned a, b;
	int used;
	while ((ch = op_getopt(&cli, argc, argv, "l:t:o:", longopts)) != -1) {
		switch (ch) {
		case 'l': c.label = optarg; break;
		case 't': textsrc = optarg; break;
		case 'o':
			out = optarg;
			op_cli_file(&cli, "-o", optarg, OP_FILE_OUT);
			break;
		case O_HOLDOUT:
			holdout = op_opt_real(&cli, "--holdout", optarg, 0, nextafter(1, 0),
					      "a share from 0 to below 1");
			holdout_set = 1;
			break;
		case O_TEST:
			test = optarg;
			op_cli_file(&cli, "--test", optarg, OP_FILE_IN);
			break;
		case O_FOLDS: folds = op_opt_num(&cli, "--folds", optarg, 2, 100); break;
		case O_GROUP: c.group = optarg; break;
		case O_REPORT: report = 1; break;
		case O_SEED: seed = op_opt_num(&cli, "--seed", optarg, 0, INT64_MAX); break;
		case O_EPOCHS: epochs = op_opt_num(&cli, "--epochs", optarg, 1, 1000); break;
		case O_LR:
			lr = op_opt_real(&cli, "--lr", optarg, nextafter(0, 1), 10, "a rate above 0, at most 10");
			break;
		case O_SMOOTH:
			smooth = op_opt_real(&cli, "--smooth", optarg, 0, nextafter(1, 0), "a share from 0 to below 1");
			break;
		case O_PAIR:
			/* from 0.001: a smaller one would underflow the float
			 * weights it is folded into, and act as 0 */
			pair = op_opt_real(&cli, "--pair-weight", optarg, 0.001, 100, "a weight from 0.001 to 100");
			break;
		case O_DROPOUT:
			dropout = op_opt_real(&cli, "--dropout", optarg, 0, nextafter(1, 0), "a share from 0 to below 1");
			dropout_arg = dropout > 0 ? optarg : NULL;
			break;
		case O_MARGIN:
			margin = op_opt_real(&cli, "--margin", optarg, 0, 100, "a margin from 0 to 100");
			break;
		case O_FOCUS:
			focus = op_opt_real(&cli, "--focus", optarg, 0, 100, "a weight from 0 to 100");
			break;
		case O_AVERAGE: average = op_opt_num(&cli, "--average", optarg, 1, 100); break;
		case O_PRUNE:
			prune = op_opt_real(&cli, "--prune", optarg, 0, 100, "a weight from 0 to 100");
			prune_arg = optarg;
			break;
		case O_WORDNG: cfg.word_ngrams = (unsigned)op_opt_num(&cli, "--word-ngrams", optarg, 1, 2); break;
		case O_CHARNG:
			used = 0;
			if (!strcmp(optarg, "0"))
				a = b = 0;
			else if (sscanf(optarg, "%u-%u%n", &a, &b, &used) != 2 || optarg[used] || !a || a > b || b > 8)
				op_usage_error(&cli, "--char-ngrams: '%s' is not A-B with 1 <= A <= B <= 8, or 0", optarg);
			cfg.char_min = a;
			cfg.char_max = b;
			break;
		}
	}
	if (!c.label)
		op_usage_error(&cli, "--label FIELD is required");
	if (!out)
		op_usage_error(&cli, "-o MODEL is required");
	if (!!test + holdout_set + !!folds > 1)
		op_usage_error(&cli, "--holdout, --test and --folds: one of them");
	if (test && c.group)
		op_usage_error(&cli, "--group: --test names the held-out records itself");
	if (test || folds)
		holdout = 0;
	/* both are kept in the model file, which holds only such text */
	if (!op_model_text_ok(c.label, strlen(c.label)))
		op_usage_error(&cli, "--label: over 4096 bytes or control characters");
	if (!op_model_text_ok(textsrc, strlen(textsrc)))
		op_usage_error(&cli, "--text: over 4096 bytes or control characters");

	op_rules *textrules;
	op_err e;
	if (!(c.text = op_modeltext_parse("--text", textsrc, &textrules, &e)))
		op_die_err(&e);
	c.tr = op_trainer_new(&cfg);
	op_eval_init(&c.ev, cli.now, cli.tz);
	c.cli = &cli;

	op_stream st;
	op_stream_init(&st, &cli);
	op_stream_run(&st, argc - optind, argv + optind, on_record, &c);
	if (test && !st.stop) {
		c.reading_test = 1;
		char *files[] = { (char *)test };
		op_stream_run(&st, 1, files, on_record, &c);
	}

	if (!c.label_seen && c.nhold)
		op_usage_error(&cli, "no record has field '%s'; fields seen: %s", c.label, fields_seen(&c));
	if (c.group && !c.group_seen && op_trainer_count(c.tr))
		op_usage_error(&cli, "--group: no record has field '%s'", c.group);

	size_t n = op_trainer_count(c.tr), ntrain = 0, nheld = 0;
	size_t *trainidx = op_xmalloc((n ? n : 1) * sizeof *trainidx);
	size_t *held = op_xmalloc((n ? n : 1) * sizeof *held);
	uint64_t rng = (uint64_t)seed ^ 0x5851f42d4c957f2dULL;
	split(&c, test, holdout, &rng, trainidx, &ntrain, held, &nheld);
	op_train_opts o = { .epochs = (unsigned)epochs, .lr = lr, .seed = (uint64_t)seed, .prune = prune,
			    .smooth = smooth, .pair = pair, .dropout = dropout, .margin = margin,
			    .focus = focus, .average = (unsigned)average };
	int rc = OP_EXIT_OK;
	if (!ntrain) {
		op_warn("no records to train on");
		rc = OP_EXIT_DATAERR;
	} else if (!st.stop) {
		op_model *m = op_trainer_fit(c.tr, &o, trainidx, ntrain, textsrc, c.label);
		printf("trained on %zu records, %zu classes, %zu features\n", ntrain,
		       op_trainer_nclasses(c.tr), op_model_nfeatures(m));
		size_t C = op_trainer_nclasses(c.tr);
		unsigned long *conf = op_xcalloc(C * C, sizeof *conf);
		if (folds)
			cross_validate(&c, &o, (size_t)folds, &rng, textsrc, conf);
		else
			op_trainer_tally(c.tr, m, held, nheld, conf);
		if (nheld || folds)
			op_trainer_report(c.tr, conf, report, stdout);
		free(conf);
		/* still a model (every text gets the classes' biases alone),
		 * but hardly the one meant */
		if (!op_model_nfeatures(m))
			warn_empty(prune_arg, dropout_arg);
		if (op_model_save(m, out, &e)) {
			op_warn("%s", e.msg);
			rc = OP_EXIT_IOERR;
		}
		op_model_free(m);
	}
	int rc2 = op_stream_finish(&st);
	if (rc2 > rc)
		rc = rc2;

	free(trainidx);
	free(held);
	free(c.test);
	free(c.grp);
	op_hmap_free(&c.groups, NULL);
	op_buf_free(&c.gkey);
	op_buf_free(&c.gtmp);
	free(c.hold);
	op_buf_free(&c.held);
	for (size_t i = 0; i < c.nfields; i++)
		free(c.fields[i]);
	op_trainer_free(c.tr);
	op_eval_free(&c.ev);
	op_rules_free(textrules);
	op_buf_free(&c.lab);
	op_cli_free(&cli);
	return rc;
}

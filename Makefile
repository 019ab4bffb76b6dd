# opflow - small C filters that move a small business's work along.
# `make` builds, `make check` tests, `make demo` runs the example job.
# `make check SANITIZE=1` builds everything with ASan+UBSan into build-san/.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/opflow
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
ifeq ($(SANITIZE),1)
B        = build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(SANITIZE),fuzz)
# `make fuzz` builds the library this way (clang) for the libFuzzer harnesses
B        = build-fuzz
SANFLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B        = build
SANFLAGS =
endif

# The libraries' flags come from pkg-config, which can only answer once the
# -dev packages are installed.  So they are not read when make parses this
# file: $(B)/deps.mk is a makefile that installs the build dependencies
# (scripts/install-deps) and then records pkg-config's answer; GNU make
# remakes an included makefile first and starts over with it read, so the
# first `make` on a bare machine compiles with the right flags.
.DEFAULT_GOAL := all
ifeq ($(filter clean,$(MAKECMDGOALS)),)
include $(B)/deps.mk
endif
$(B)/deps.mk: scripts/install-deps
	@mkdir -p $(@D)
	@if [ -z "$$OPFLOW_SKIP_DEPS" ]; then ./scripts/install-deps; fi
	@c=$$(pkg-config --cflags jansson libpcre2-8) && l=$$(pkg-config --libs jansson libpcre2-8) && \
		printf 'DEPS_CFLAGS := %s\nDEPS_LIBS := %s -lcsv -lm\n' "$$c" "$$l" > $@.tmp && mv $@.tmp $@
# lib/ is grouped in folders, one layer each (lib/README says which may
# include which; tests/cli/0200-layers.t holds them to it); each is on the
# include path
LIBHDR  := $(wildcard lib/*/*.h)
LIBINC  := $(patsubst %/,-I%,$(sort $(dir $(LIBHDR))))
# -pthread: kpi-rollup -j reads a file's parts on threads (lib/rollup/split.c)
override CFLAGS := -std=c11 -D_GNU_SOURCE -pthread -Wall -Wextra -Wshadow -Wno-sign-compare \
	-Wwrite-strings $(LIBINC) $(SANFLAGS) $(DEPS_CFLAGS) $(CFLAGS)
override LDFLAGS := -pthread $(SANFLAGS) $(LDFLAGS)

LIBSRC  := $(sort $(wildcard lib/*/*.c))
LIBOBJ  := $(LIBSRC:lib/%.c=$(B)/lib/%.o)
PROGS   := $(sort $(patsubst cmd/%.c,%,$(wildcard cmd/*.c)))
BINS    := $(PROGS:%=$(B)/bin/%)
UNITSRC := $(sort $(wildcard tests/unit/*.c))
UNITS   := $(UNITSRC:tests/unit/%.c=$(B)/tests/%)
# Fuzz harnesses, tests/fuzz/NAME.c (see tests/fuzz/fuzz.h): each also
# builds with a replay driver into $(B)/tests/fuzz-NAME, which make check
# runs over its seeds and the crashes kept in tests/data/fuzz-regress/NAME/.
FUZZNAMES := $(sort $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/*.c)))
FUZZTESTS := $(FUZZNAMES:%=$(B)/tests/fuzz-%)
FUZZ_SECONDS ?= 60
# Default rule sets are compiled into the binaries (share/*.rules -> C strings).
EMBED   := $(sort $(wildcard share/rules/*.rules share/rules/*.conf))

all: deps $(BINS) $(UNITS) $(FUZZTESTS) $(B)/fault/failmalloc.so

# What `make check` tests with is installed first (scripts/install-deps --test);
# the build dependencies came with $(B)/deps.mk.
deps:
	@if [ -z "$$OPFLOW_SKIP_DEPS" ]; then ./scripts/install-deps $(DEPS_WANT); fi
.PHONY: FORCE all deps check demo install clean bench fuzz fuzzers valgrind-wrappers regen-golden
# objects are kept, so a second make relinks nothing
.SECONDARY:

$(B)/lib/%.o: lib/%.c $(LIBHDR) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/embed.c: $(EMBED) scripts/embed
	@mkdir -p $(@D)
	./scripts/embed $(EMBED) > $@

$(B)/embed.o: $(B)/embed.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libopflow.a: $(LIBOBJ) $(B)/embed.o
	rm -f $@
	$(AR) rcs $@ $^

$(B)/cmd/%.o: cmd/%.c $(LIBHDR) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/bin/%: $(B)/cmd/%.o $(B)/libopflow.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(EXTRAOBJ) $(B)/libopflow.a $(DEPS_LIBS)

# The built-in models of enq-classify (category and priority), trained by
# the enq-train just built on the corpus share/train/train-*.jsonl (never
# heldout-*: make check scores them on that, tests/cli/5500-default-model.t)
# and compiled into enq-classify alone (scripts/embed-model), so it has
# them in the build tree and installed alike.  No corpus, no models:
# enq-classify without -m has the rules alone, and its --explain says so.
TRAIN   := $(sort $(wildcard share/train/train-*.jsonl))
MODELS  := $(if $(TRAIN),$(B)/models/category.model $(B)/models/priority.model)
# chosen by 5-fold cross-validation on the train files with --group group,
# never by the held-out files: character n-grams of 4 and 5 bytes, label
# smoothing 0.1 and word pairs counting 2 (category 0.833, priority 0.790;
# the defaults, 3-5 bytes, 0 and 1: 0.805 and 0.772)
TRAINFLAGS = --text text --holdout 0 --epochs 20 --seed 1 --char-ngrams 4-5 --smooth 0.1 --pair-weight 2 --prune 0.75
# and for each label (category 0.849, priority 0.791 in the same
# cross-validation): a margin, and for the category dropout and focus
# too; a margin makes more weights large, and --prune 0.75 keeps the
# models as small as they were without (category 0.848, priority 0.789;
# enq-classify 12 % faster than with 0.25)
TRAINFLAGS_category = --margin 5 --dropout 0.5 --focus 0.5
TRAINFLAGS_priority = --margin 5

$(B)/models/%.model: $(TRAIN) $(B)/bin/enq-train $(B)/models/%.flags
	@mkdir -p $(@D)
	$(B)/bin/enq-train --label $* $(TRAINFLAGS) $(TRAINFLAGS_$*) -o $@ $(TRAIN) >/dev/null

# the flags a model is trained with, one file each, rewritten only when
# they change: new flags retrain that model alone (named here, not left
# to the pattern, so that make never takes them for intermediate files)
$(B)/models/category.flags $(B)/models/priority.flags: $(B)/models/%.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(TRAINFLAGS); $(TRAINFLAGS_$*)' | cmp -s - $@ || echo '$(TRAINFLAGS); $(TRAINFLAGS_$*)' > $@

# which models there are, rewritten only when that changes: a corpus added
# or taken away remakes defmodel.c
$(B)/models/list: FORCE
	@mkdir -p $(@D)
	@echo '$(MODELS)' | cmp -s - $@ || echo '$(MODELS)' > $@
FORCE:

$(B)/defmodel.c: $(MODELS) $(B)/models/list scripts/embed-model
	./scripts/embed-model $(MODELS) > $@

$(B)/defmodel.o: $(B)/defmodel.c
	$(CC) $(CFLAGS) -c -o $@ $<

# named before libopflow.a, it keeps lib/classify/defmodel.c's "none" out
$(B)/bin/enq-classify: $(B)/defmodel.o
# private: not inherited by its prerequisites (enq-train, which trains
# the models defmodel.o is made of)
$(B)/bin/enq-classify: private EXTRAOBJ = $(B)/defmodel.o

$(B)/tests/%: tests/unit/%.c tests/unit/tap.h $(B)/libopflow.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(B)/libopflow.a $(DEPS_LIBS)

$(B)/tests/fuzz-%: tests/fuzz/%.c tests/fuzz/*.h tests/fuzz/replay/replay.c $(B)/libopflow.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/fuzz -DFUZZ_NAME='"$*"' $(LDFLAGS) -o $@ $< \
		tests/fuzz/replay/replay.c $(B)/libopflow.a $(DEPS_LIBS)

# `make fuzz FUZZ_SECONDS=N`: each harness under libFuzzer for N seconds,
# from its seeds; new crashes land in build-fuzz/crash/ (tests/fuzz/run).
fuzz: all
	@command -v clang >/dev/null 2>&1 || { echo "make fuzz: clang is needed (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
	$(MAKE) SANITIZE=fuzz CC=clang fuzzers
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZNAMES)

fuzzers: $(FUZZNAMES:%=$(B)/fuzz/%)

$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/*.h $(B)/libopflow.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/fuzz -fsanitize=fuzzer $(LDFLAGS) -o $@ $< \
		$(B)/libopflow.a $(DEPS_LIBS)

# The allocation-failure shim of tests/cli/8000-faults.t (LD_PRELOAD).
$(B)/fault/failmalloc.so: tests/fault/failmalloc.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -O2 -fPIC -shared -o $@ $< -ldl

# Unit tests (C, TAP) and CLI tests (shell, TAP) through prove; stdin is
# never a terminal.  OPFLOW_BIN tells the CLI tests which build to run.
# VALGRIND=1 puts wrappers first on PATH that run each program under
# valgrind; an error or a leak makes it exit 99, which fails the test.
ifeq ($(VALGRIND),1)
RUNBIN = $(CURDIR)/$(B)/valgrind
else
RUNBIN = $(CURDIR)/$(B)/bin
endif

PROVE = OPFLOW_BIN=$(RUNBIN) OPFLOW_UNIT=$(CURDIR)/$(B)/tests \
	SANITIZE=$(SANITIZE) PATH=$(RUNBIN):$$PATH prove $(PROVEFLAGS)

check: DEPS_WANT = --test
check: all $(if $(filter 1,$(VALGRIND)),valgrind-wrappers)
	$(PROVE) tests/unit.t tests/cli/ </dev/null

# The golden files of the CLI tests (tests/cli/golden/) written anew from
# the programs' output instead of compared (tests/lib.sh, expect_out_file),
# JSON lines one top-level member a line (tests/golden-fmt): review the
# change with git diff, and commit it when it is right.
regen-golden: DEPS_WANT = --test
regen-golden: all
	OPFLOW_REGEN=1 $(PROVE) tests/cli/ </dev/null

valgrind-wrappers: $(BINS)
	@mkdir -p $(B)/valgrind
	@for p in $(PROGS); do \
		printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=$(CURDIR)/tests/valgrind.supp %s "$$@"\n' \
			"$(CURDIR)/$(B)/bin/$$p" > $(B)/valgrind/$$p; chmod +x $(B)/valgrind/$$p; done

# Every program against its peers and the jansson ceiling, one table
# (scripts/bench/run N PEER_N for other sizes).
bench: all
	scripts/bench/run

demo: all
	./scripts/demo $(B)/bin

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(SHAREDIR)
	install -m0755 $(BINS) scripts/monthly-report $(DESTDIR)$(BINDIR)
	for s in 1 5 7; do for f in man/*.$$s; do [ ! -e "$$f" ] || \
		install -m0644 "$$f" $(DESTDIR)$(MANDIR)/man$$s || exit 1; done; done
	cp -R share/. $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf build build-san build-fuzz

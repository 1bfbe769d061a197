# tq - a background content pipeline: parse -> AI -> Notion
#
# Plain GNU make.  `make`, `make check`, `make bench`, `make demo`,
# `make install PREFIX=/usr/local DESTDIR=...`.  `make SAN=1 check` builds
# and tests under AddressSanitizer and UndefinedBehaviorSanitizer.

VERSION = 0.1.0

PKG_CONFIG ?= pkg-config
PKGS = libpq hiredis libcurl tidy jansson libbsd-overlay openssl

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CC ?= cc
CFLAGS ?= -g -O2
override CFLAGS += -std=gnu11 -Wall -Wextra -D_GNU_SOURCE \
	-DTQ_VERSION='"$(VERSION)"' -Icommon \
	$(shell $(PKG_CONFIG) --cflags $(PKGS))
override LDLIBS += $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm
# each program loads only the libraries its part of libtq.a calls:
# tq-extract, run once per page, starts in 1 ms rather than 9 ms when
# it does not map libpq, libcurl and the 30 libraries behind them
override LDFLAGS += -Wl,--as-needed

ifeq ($(SAN),1)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
endif

PROGS = $(patsubst cmd/%.c,%,$(wildcard cmd/tq-*.c))
LIBSRC = $(sort $(wildcard common/*.c) common/migrations.c)
LIBOBJ = $(LIBSRC:.c=.o)
UNITS = $(patsubst %.c,%,$(wildcard tests/unit-*.c))
HFILES = common/tq.h common/ai_priv.h common/extract_priv.h
MIGRATIONS = $(sort $(wildcard sql/*.sql))
# `make check TESTS=tests/3000-worker.t` runs some, SKIP_TESTS=... all but
# some.  Twice as many scripts run side by side as there are cores, at
# most 4 (what CI runs): they mostly wait on servers.  PROVEFLAGS= runs
# them one at a time.  The slowest scripts go first, so that no long one
# starts when the others are done and runs alone at the end.
JOBS = $(shell n=$$(nproc 2>/dev/null || echo 1); n=$$((n * 2)); \
	[ "$$n" -gt 4 ] && n=4; echo $$n)
PROVEFLAGS = -j$(JOBS)
SLOW_TESTS = tests/3600-notion.t tests/3605-notion-late.t \
	tests/3120-killloop.t tests/3900-chains.t \
	tests/3700-sites.t tests/5400-contrib.t tests/3100-faults.t \
	tests/3610-notion-rate.t tests/3620-notion-killloop.t \
	tests/3140-fault-runs.t tests/5300-completions.t \
	tests/1010-submit-bulk.t tests/3110-recovery.t tests/0620-fuzz-regress.t \
	tests/3170-stalls.t tests/3640-notion-unsure.t
TESTS = $(filter-out $(SKIP_TESTS), $(filter $(wildcard tests/*.t), \
	$(SLOW_TESTS)) $(filter-out $(SLOW_TESTS), \
	$(sort $(wildcard tests/*.t))))

all: $(PROGS)

common/migrations.c: $(MIGRATIONS) sql/embed.sh
	sh sql/embed.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

common/%.o: common/%.c $(HFILES)
	$(CC) $(CFLAGS) -c -o $@ $<

libtq.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

tq-%: cmd/tq-%.c libtq.a $(HFILES)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< libtq.a $(LDLIBS)

# only tq-api links libmicrohttpd
tq-api: override CFLAGS += $(shell $(PKG_CONFIG) --cflags libmicrohttpd)
tq-api: override LDLIBS += $(shell $(PKG_CONFIG) --libs libmicrohttpd) -lpthread

tests/unit-%: tests/unit-%.c tests/tap.h libtq.a $(HFILES)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< libtq.a $(LDLIBS)

# the fuzz target's oracle, which unit-openai --answer runs too
tests/unit-openai: tests/fuzz/answer-check.h

units: $(UNITS)

deps:
	sh contrib/install-deps

# check and demo install missing packages first (contrib/install-deps),
# then build: a fresh machine needs only these two commands
check: deps
	$(MAKE) all units
	@if command -v mandoc >/dev/null 2>&1; then \
		mandoc -Tlint -Wwarning man/*.[1-9] || exit 1; fi
	prove -f -o $(PROVEFLAGS) $(TESTS)

bench: all units
	sh bench/run

demo: deps
	$(MAKE) all
	sh demo/run

fuzz:
	sh tests/fuzz/run

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7
	install -m 644 completions/tq.bash $(DESTDIR)$(BASHCOMPDIR)/tq
	for p in $(PROGS); do ln -sf tq $(DESTDIR)$(BASHCOMPDIR)/$$p; done
	install -m 644 completions/_tq $(DESTDIR)$(ZSHCOMPDIR)/_tq
	install -m 644 completions/tq.fish $(DESTDIR)$(FISHCOMPDIR)/tq.fish
	for p in $(PROGS); do ln -sf tq.fish $(DESTDIR)$(FISHCOMPDIR)/$$p.fish; done

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p \
		$(DESTDIR)$(MANDIR)/man1/$$p.1 $(DESTDIR)$(BASHCOMPDIR)/$$p \
		$(DESTDIR)$(FISHCOMPDIR)/$$p.fish; done
	rm -f $(DESTDIR)$(MANDIR)/man5/tq-json.5 $(DESTDIR)$(MANDIR)/man7/tq.7 \
		$(DESTDIR)$(BASHCOMPDIR)/tq $(DESTDIR)$(ZSHCOMPDIR)/_tq \
		$(DESTDIR)$(FISHCOMPDIR)/tq.fish

clean:
	rm -f $(PROGS) $(UNITS) libtq.a common/*.o common/migrations.c \
		tests/fuzz/fuzz-extract tests/fuzz/fuzz-robots \
		tests/fuzz/fuzz-url tests/fuzz/fuzz-charset tests/fuzz/fuzz-ai \
		tests/fuzz/fuzz-answer
	rm -rf tests/tmp bench/out demo/run.d

.PHONY: all deps units check bench demo fuzz install uninstall clean
.SECONDARY: $(LIBOBJ)

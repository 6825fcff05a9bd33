# SPDX-License-Identifier: MIT
# talentcard build. `make run` (the demo) and `make check` (the tests) install
# missing Debian packages first through scripts/install-deps (and `make
# check` the npm packages of the OIDC test through scripts/install-npm);
# the other targets assume they are present. Sources are found by wildcard: a new
# src/X.c or src/GROUP/X.c joins libtcard.a (src/README.md maps the groups),
# a new demo/X.c the demo library libtcarddemo.a, a new tests/unit/test-X.c
# becomes a unit test, a new tests/fuzz/fuzz_X.c a fuzz target with corpus
# tests/fuzz/corpus/X/.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
BUILD ?= build
# Where programs find the shipped programme files when a home has none.
PROGRAMMES_DIR ?= $(CURDIR)/programmes
CC ?= cc
SANITIZE ?=

PKGS := libcrypto libcbor sqlite3 zlib jansson libqrencode libpng zbar \
	libmicrohttpd gnutls libcurl pangocairo cairo-pdf cairo-png libpcsclite \
	libjpeg fontconfig
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lunistring -lroaring -lm
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
# libcups, for printing through CUPS (src/printjob.c): Debian's libcups2-dev
# has cups-config and no .pc file. --as-needed: only the programs that print
# load it.
CUPS_LIBS := $(shell cups-config --libs 2>/dev/null || echo -lcups)
PKG_LIBS += -Wl,--as-needed $(CUPS_LIBS) -Wl,--no-as-needed
# libpq, for a usage ledger on PostgreSQL (src/ledger/ledger-pg.c): only the
# programs that open a ledger load it.
PKG_CFLAGS += $(shell pkg-config --cflags libpq 2>/dev/null)
PKG_LIBS += -Wl,--as-needed $(shell pkg-config --libs libpq 2>/dev/null || echo -lpq) -Wl,--no-as-needed

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wcast-qual \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -Iinclude -Icommon -Idemo -Idaemon $(PKG_CFLAGS) \
	-D_GNU_SOURCE -fno-strict-aliasing \
	-DTC_PROGRAMMES_DIR='"$(PROGRAMMES_DIR)"'
ALL_LDFLAGS = $(LDFLAGS)

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -O1
ALL_LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(SANITIZE),fuzz)
ALL_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -DTC_FUZZING
ALL_LDFLAGS += -fsanitize=fuzzer,address,undefined
endif

LIB_SRC := $(sort $(wildcard src/*.c src/*/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libtcard.a
# The made-up people of the demo and the tests (demo/sample.h), outside
# libtcard.a: linked by tcard-issuer (its demo command), the unit tests and
# the benchmarks, never by another program.
DEMO_SRC := $(sort $(wildcard demo/*.c))
DEMO_OBJ := $(DEMO_SRC:%.c=$(BUILD)/%.o)
DEMOLIB := $(BUILD)/libtcarddemo.a

CLI_SRC := $(sort $(wildcard common/*.c))
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
CLILIB := $(BUILD)/libtcardcli.a
# The test build of the programs (BUILD/test-bin, what the test suite runs)
# differs in one object: common/cli.c compiled with -DTC_TEST_CLOCK, the
# only build that takes an injected clock from $TCARD_NOW. BUILD/bin (make,
# make run, make install) never does.
CLI_TEST_OBJ := $(patsubst $(BUILD)/common/cli.o,$(BUILD)/common/cli-testclock.o,$(CLI_OBJ))
CLILIB_TEST := $(BUILD)/libtcardcli-test.a

# The daemon layer (daemon/*.c): libtcardd.a, linked by every HTTP daemon.
DAEMON_SRC := $(sort $(wildcard daemon/*.c))
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(BUILD)/%.o)
DAEMONLIB := $(BUILD)/libtcardd.a

ISSUER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard issuer/*.c)))
KEYS_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard keys/*.c)))
# tcard-verify: verifier/tcard-verify.c and verifier/verify-*.c.
VERIFY_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard verifier/tcard-verify.c verifier/verify-*.c)))

# tcard-verifierd: verifier/tcard-verifierd.c and verifier/vd-*.c.
VERIFIERD_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard verifier/tcard-verifierd.c verifier/vd-*.c)))
# tcard-issuerd (the office's monitor): office/issuerd.c, office/mon-*.c and
# office/rpc.c; tcard-issuerd-web (its web worker): office/web.c,
# office/web-*.c and office/rpc.c (docs/issuerd.md).
ISSUERD_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard office/issuerd.c office/mon-*.c office/rpc.c)))
ISSUERD_WEB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard office/web.c office/web-*.c office/rpc.c)))
# tcard-issuerd-oidc (its OpenID Connect agent, started when oidc-issuer is
# set): office/oidc-agent.c and office/rpc.c (docs/oidc.md).
ISSUERD_OIDC_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard office/oidc-agent.c office/rpc.c)))
# tcard-vcard (the card emulator): vcard/*.c.
VCARD_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard vcard/*.c)))
# tcard-notifyd (the notifications outbox's delivery, docs/notify.md):
# notify/*.c.
NOTIFYD_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard notify/*.c)))
# tcard-station (a branch's reader relayed to tcard-issuerd, docs/station.md):
# station/*.c, on the daemon layer's settings reader only (daemon/conf.o).
STATION_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard station/*.c)))

PROG_NAMES := tcard-issuer tcard-keys
ifneq ($(VERIFY_OBJ),)
PROG_NAMES += tcard-verify
endif
ifneq ($(wildcard verifier/tcard-verifierd.c),)
PROG_NAMES += tcard-verifierd
endif
ifneq ($(VCARD_OBJ),)
PROG_NAMES += tcard-vcard
endif
ifneq ($(NOTIFYD_OBJ),)
PROG_NAMES += tcard-notifyd
endif
ifneq ($(STATION_OBJ),)
PROG_NAMES += tcard-station
endif
ifneq ($(wildcard office/issuerd.c),)
PROG_NAMES += tcard-issuerd tcard-issuerd-web tcard-issuerd-oidc tcard-pdf-render
endif
PROGS := $(PROG_NAMES:%=$(BUILD)/bin/%)
TEST_PROGS := $(PROG_NAMES:%=$(BUILD)/test-bin/%)
# The objects and extra libraries of each program.
OBJ_tcard-issuer := $(ISSUER_OBJ)
OBJ_tcard-keys := $(KEYS_OBJ)
OBJ_tcard-verify := $(VERIFY_OBJ)
OBJ_tcard-verifierd := $(VERIFIERD_OBJ)
OBJ_tcard-vcard := $(VCARD_OBJ)
OBJ_tcard-issuerd := $(ISSUERD_OBJ)
OBJ_tcard-issuerd-web := $(ISSUERD_WEB_OBJ)
OBJ_tcard-issuerd-oidc := $(ISSUERD_OIDC_OBJ)
OBJ_tcard-pdf-render := $(BUILD)/office/pdf-render.o
OBJ_tcard-notifyd := $(NOTIFYD_OBJ)
OBJ_tcard-station := $(STATION_OBJ)
LIBS_tcard-station := -lpthread
LIBS_tcard-verifierd := -lpthread
# poppler-glib renders PDF materials, in tcard-pdf-render only, a program
# the web worker starts (office/pdf-render.c, under a libseccomp filter;
# docs/decisions.md). --as-needed: it loads only the libraries it calls.
POPPLER_CFLAGS := $(shell pkg-config --cflags poppler-glib 2>/dev/null)
POPPLER_LIBS := $(shell pkg-config --libs poppler-glib libseccomp 2>/dev/null)
LIBS_tcard-issuerd-web := -lpthread
LIBS_tcard-pdf-render := $(POPPLER_LIBS)
$(BUILD)/bin/tcard-pdf-render $(BUILD)/test-bin/tcard-pdf-render: ALL_LDFLAGS += -Wl,--as-needed
DEMO_tcard-issuer := $(DEMOLIB)
# Programs built on the daemon layer.
DLIB_tcard-verifierd := $(DAEMONLIB)
DLIB_tcard-issuerd-web := $(DAEMONLIB)
# The monitor takes only the listen-address parser of the layer (daemon/conf.o,
# no libmicrohttpd: tests/integration/170 checks with nm).
DLIB_tcard-issuerd := $(DAEMONLIB)
# tcard-issuerd-oidc takes the layer's sandbox (daemon/sandbox.o).
DLIB_tcard-issuerd-oidc := $(DAEMONLIB)
# tcard-notifyd takes the layer's JSON line on stderr (daemon/msg.o).
DLIB_tcard-notifyd := $(DAEMONLIB)
# tcard-station takes the layer's settings reader (daemon/conf.o).
DLIB_tcard-station := $(DAEMONLIB)

UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:%.c=$(BUILD)/%)
BENCH_SRC := $(sort $(wildcard tests/bench/bench-*.c))
BENCH_BIN := $(BENCH_SRC:%.c=$(BUILD)/%)
# Test-side tools built with the tests and benchmarks (not run as either).
# tests/oidc/oidc-flow: the OIDC test driver (tests/integration/186-oidc.sh);
# tests/print/print-job: printing through CUPS (tests/integration/192).
TOOL_BIN := $(BUILD)/tests/bench/make-bundle $(BUILD)/tests/bench/make-office \
	$(BUILD)/tests/oidc/oidc-flow $(BUILD)/tests/print/print-job

.PHONY: all deps check asan fuzz bench run demo install clean format tests \
	fuzzers benches faces-samples
.SUFFIXES:

all: $(LIB) $(DEMOLIB) $(DAEMONLIB) $(PROGS)

deps:
	@scripts/install-deps

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/office/pdf-render.o: ALL_CFLAGS += $(POPPLER_CFLAGS)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(DEMOLIB): $(DEMO_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(DAEMONLIB): $(DAEMON_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(CLILIB): $(CLI_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/common/cli-testclock.o: common/cli.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DTC_TEST_CLOCK -MMD -MP -c -o $@ $<

$(CLILIB_TEST): $(CLI_TEST_OBJ)
	@rm -f $@
	ar rcs $@ $^

.SECONDEXPANSION:
$(PROGS): $(BUILD)/bin/%: $$(OBJ_%) $$(DLIB_%) $$(DEMO_%) $(CLILIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(OBJ_$*) $(DLIB_$*) $(CLILIB) $(DEMO_$*) $(LIB) $(PKG_LIBS) $(LIBS_$*)

$(TEST_PROGS): $(BUILD)/test-bin/%: $$(OBJ_%) $$(DLIB_%) $$(DEMO_%) $(CLILIB_TEST) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(OBJ_$*) $(DLIB_$*) $(CLILIB_TEST) $(DEMO_$*) $(LIB) $(PKG_LIBS) $(LIBS_$*)

# Unit tests of the daemon layer (test-d*.c: test-droute, test-dconf,
# test-dstate) link it too (make takes the pattern with the shorter stem).
$(BUILD)/tests/unit/test-d%: tests/unit/test-d%.c $(wildcard tests/unit/*.h) $(DAEMONLIB) $(DEMOLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(DAEMONLIB) $(DEMOLIB) $(LIB) $(CMOCKA_LIBS) $(PKG_LIBS)

# The verifier's settings (include/tcard/vdconf.h) are not in libtcard.a:
# their table is in the daemon, their reader in the daemon layer.
VDCONF_OBJ := $(BUILD)/verifier/vd-conf.o $(BUILD)/daemon/conf.o
$(BUILD)/tests/unit/test-vdconf: tests/unit/test-vdconf.c $(wildcard tests/unit/*.h) $(VDCONF_OBJ) $(DEMOLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(VDCONF_OBJ) $(DEMOLIB) $(LIB) $(CMOCKA_LIBS) $(PKG_LIBS)

# tcard-issuerd's settings (include/tcard/idconf.h): the same, with the
# monitor's table (office/mon-conf.c).
IDCONF_OBJ := $(BUILD)/office/mon-conf.o $(BUILD)/daemon/conf.o
$(BUILD)/tests/unit/test-idconf: tests/unit/test-idconf.c $(wildcard tests/unit/*.h) $(IDCONF_OBJ) $(DEMOLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(IDCONF_OBJ) $(DEMOLIB) $(LIB) $(CMOCKA_LIBS) $(PKG_LIBS)

# tcard-station's settings (station/station.h): its table and the layer's
# reader.
STCONF_OBJ := $(BUILD)/station/st-conf.o $(BUILD)/daemon/conf.o
$(BUILD)/tests/unit/test-stconf: tests/unit/test-stconf.c $(wildcard tests/unit/*.h) $(STCONF_OBJ) $(DEMOLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Istation $(ALL_LDFLAGS) -o $@ $< $(STCONF_OBJ) $(DEMOLIB) $(LIB) $(CMOCKA_LIBS) $(PKG_LIBS)

# The card emulator's card layer and applets (vcard/), without its vpcd
# loop (main.c): its unit test, and personalisation through the station
# relay on the emulated card.
VCARD_UNIT_OBJ := $(filter-out $(BUILD)/vcard/main.o,$(VCARD_OBJ))
VCARD_UNIT_TESTS := $(BUILD)/tests/unit/test-vcard $(BUILD)/tests/unit/test-perso-relay
$(VCARD_UNIT_TESTS): $(BUILD)/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h vcard/*.h) $(VCARD_UNIT_OBJ) $(DEMOLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(VCARD_UNIT_OBJ) $(DEMOLIB) $(LIB) $(CMOCKA_LIBS) $(PKG_LIBS)

# The monitor's perso ops with the worker's side of a job
# (tests/unit/test-mon-perso.c, which gives mon_log, mon_spawn and web_call
# itself) on the emulator's applets.
MON_PERSO_OBJ := $(filter-out $(BUILD)/office/issuerd.o,$(ISSUERD_OBJ)) $(BUILD)/office/web-perso.o
$(BUILD)/tests/unit/test-mon-perso: tests/unit/test-mon-perso.c $(wildcard tests/unit/*.h vcard/*.h office/*.h) $(MON_PERSO_OBJ) $(VCARD_UNIT_OBJ) $(DAEMONLIB) $(DEMOLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(MON_PERSO_OBJ) $(VCARD_UNIT_OBJ) $(DAEMONLIB) $(DEMOLIB) $(LIB) $(CMOCKA_LIBS) $(PKG_LIBS)

$(BUILD)/tests/unit/test-%: tests/unit/test-%.c $(wildcard tests/unit/*.h tests/unit/kat/*.h) $(DEMOLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(DEMOLIB) $(LIB) $(CMOCKA_LIBS) $(PKG_LIBS)

ifeq ($(SANITIZE),fuzz)
$(BUILD)/tests/fuzz/fuzz_vdconf: tests/fuzz/fuzz_vdconf.c tests/fuzz/fuzz.h $(VDCONF_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(VDCONF_OBJ) $(LIB) $(PKG_LIBS)
$(BUILD)/tests/fuzz/fuzz_idconf: tests/fuzz/fuzz_idconf.c tests/fuzz/fuzz.h $(IDCONF_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(IDCONF_OBJ) $(LIB) $(PKG_LIBS)
$(BUILD)/tests/fuzz/fuzz_stconf: tests/fuzz/fuzz_stconf.c tests/fuzz/fuzz.h $(STCONF_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Istation $(ALL_LDFLAGS) -o $@ $< $(STCONF_OBJ) $(LIB) $(PKG_LIBS)
$(BUILD)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fixed-key.h tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)
else
$(BUILD)/tests/fuzz/fuzz_vdconf: tests/fuzz/fuzz_vdconf.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(VDCONF_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(VDCONF_OBJ) $(LIB) $(PKG_LIBS)
$(BUILD)/tests/fuzz/fuzz_idconf: tests/fuzz/fuzz_idconf.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(IDCONF_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(IDCONF_OBJ) $(LIB) $(PKG_LIBS)
$(BUILD)/tests/fuzz/fuzz_stconf: tests/fuzz/fuzz_stconf.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(STCONF_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Istation $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(STCONF_OBJ) $(LIB) $(PKG_LIBS)
$(BUILD)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fixed-key.h tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB) $(PKG_LIBS)
endif

$(BUILD)/tests/bench/bench-%: tests/bench/bench-%.c tests/bench/synth.h $(DEMOLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(DEMOLIB) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/bench/make-bundle: tests/bench/make-bundle.c tests/bench/synth.h $(DEMOLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(DEMOLIB) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/bench/make-office: tests/bench/make-office.c $(DEMOLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(DEMOLIB) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/oidc/oidc-flow: tests/oidc/oidc-flow.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

$(BUILD)/tests/print/print-job: tests/print/print-job.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

tests: all $(TEST_PROGS) $(UNIT_BIN) $(FUZZ_BIN) $(TOOL_BIN)
fuzzers: $(FUZZ_BIN)
benches: all $(TEST_PROGS) $(BENCH_BIN) $(TOOL_BIN)

check:
	@scripts/install-deps
	@scripts/install-npm
	@$(MAKE) --no-print-directory -s tests >$(BUILD).log 2>&1 || \
		{ cat $(BUILD).log; echo "build failed (log: $(BUILD).log)"; \
		  echo "0 passed, 1 failed"; exit 1; }
	@scripts/run-tests $(BUILD)

asan:
	@$(MAKE) --no-print-directory check BUILD=build-asan SANITIZE=1

fuzz:
	@scripts/install-deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang SANITIZE=fuzz fuzzers
	@echo "fuzzers in build-fuzz/tests/fuzz; run: scripts/fuzz-all SECONDS"

bench:
	@scripts/install-deps
	@$(MAKE) --no-print-directory -s benches
	@scripts/run-bench $(BUILD)

# Line and branch coverage of src/ over the whole test suite, in build-cov
# (scripts/coverage; minutes, so not part of check).
.PHONY: coverage
coverage:
	@scripts/install-deps
	@scripts/coverage build-cov

# The sample card faces of docs/cardfaces.md, from demo data.
faces-samples: $(BUILD)/test-bin/tcard-issuer
	@scripts/faces-samples $(BUILD)

run demo:
	@scripts/install-deps
	@$(MAKE) --no-print-directory -s all
	@scripts/demo $(BUILD)

install: all
	install -d "$(DESTDIR)$(BINDIR)"
	install -m 0755 $(PROGS) "$(DESTDIR)$(BINDIR)"

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz build.log build-asan.log build-*/ build-*.log

-include $(LIB_OBJ:.o=.d) $(DEMO_OBJ:.o=.d) $(DAEMON_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(BUILD)/common/cli-testclock.d $(ISSUER_OBJ:.o=.d) $(KEYS_OBJ:.o=.d) \
	$(VERIFY_OBJ:.o=.d) $(VERIFIERD_OBJ:.o=.d) $(VCARD_OBJ:.o=.d) $(STATION_OBJ:.o=.d) \
	$(ISSUERD_OBJ:.o=.d) $(ISSUERD_WEB_OBJ:.o=.d) $(BUILD)/office/oidc-agent.d $(BUILD)/office/pdf-render.d

# vqlite: a SQLite extension that turns a host's network and process state
# into SQL tables and Velociraptor's Windows network artifacts into views.
#
#   make              vqlite.so (Linux, against the system SQLite and PCRE2)
#   make win32        vqlite.dll (mingw-w64, PCRE2 static; deps built once)
#   make check        every test: native suites, Python, the same SQL suites
#                     against vqlite.dll under Wine
#   make check-native the native suites only
#   make check-wine   the SQL suites against vqlite.dll under Wine
#   make demo         load the extension and query the live host
#   make bench        the benchmarks, with ratios against peer tools
#   make format       clang-format the tree;  make lint: cppcheck, clang-tidy
#   make docs         regenerate docs/tables.md from the column declarations
#   make clean

SHELL := /bin/bash
# BUILD holds objects and test binaries; several trees can be built side by
# side (make BUILD=build/asan SO=build/asan/vqlite.so SANITIZE=address).
BUILD ?= build
SO ?= vqlite.so
CC ?= gcc
MINGW ?= x86_64-w64-mingw32-gcc
WINE ?= /usr/lib/wine/wine64
PYTHON ?= /usr/bin/python3

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -fvisibility=hidden
SANITIZE ?=
ifneq ($(SANITIZE),)
# Every report is fatal: a sanitizer finding fails the suite, never scrolls by.
CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif
ifneq ($(findstring clang,$(CC)),)
# The kernel's NLMSG_OK() compares its int length with a __u32 (only after
# checking it is at least a header); clang warns inside the macro, gcc not.
CFLAGS += -Wno-sign-compare
endif

# Source sets: ext and tables are shared; exactly one backend is linked.
SHARED_SRC := $(wildcard ext/*.c tables/*.c)
LINUX_SRC := $(SHARED_SRC) $(wildcard linux/*.c) $(BUILD)/sql_embedded.c
WIN32_SRC := $(SHARED_SRC) $(wildcard win32/*.c) $(BUILD)/sql_embedded.c
SQL_FILES := $(sort $(wildcard sql/*.sql))

LINUX_OBJ := $(patsubst %.c,$(BUILD)/linux/%.o,$(patsubst $(BUILD)/%,%,$(LINUX_SRC)))
WIN32_OBJ := $(patsubst %.c,$(BUILD)/win32/%.o,$(patsubst $(BUILD)/%,%,$(WIN32_SRC)))

LINUX_LIBS := $(shell pkg-config --libs libpcre2-8 2>/dev/null || echo -lpcre2-8)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

W32DEPS ?= build/win32-deps
W32_CFLAGS := -std=c11 -O2 -g $(WARN) -DPCRE2_STATIC -D_WIN32_WINNT=0x0A00 -DWINVER=0x0A00 \
  -DUNICODE -D_UNICODE -I$(W32DEPS)/include
W32_LIBS := $(W32DEPS)/lib/libpcre2-8.a -lws2_32 -liphlpapi -lbcrypt -lwintrust -lcrypt32 \
  -ladvapi32 -lpsapi -lntdll -lole32
W32_LDFLAGS := -shared -static-libgcc -Wl,--no-insert-timestamp

TEST_SRC := $(wildcard tests/check_*.c)
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/linux/tests/%,$(TEST_SRC))
TEST_SUPPORT := tests/harness.c tests/render.c
# Suites whose SQL cases run against vqlite.dll under Wine as well.
WINE_SUITES ?= $(patsubst tests/%.c,%,$(shell grep -l 'harness_is_wine' $(TEST_SRC)))

.PHONY: all win32 check check-native check-wine demo bench format lint docs clean deps-win32 wine-prefix \
  check-asan check-valgrind check-tsan fuzz fuzz-build
all: $(SO)

# ---- the embedded SQL (views, parameters) ------------------------------
$(BUILD)/sql_embedded.c: $(SQL_FILES) tests/embed-sql.sh
	@mkdir -p $(@D)
	tests/embed-sql.sh $(SQL_FILES) > $@.tmp && mv $@.tmp $@

# ---- Linux --------------------------------------------------------------
$(BUILD)/linux/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -Iext -Itables -MMD -MP -c $< -o $@
$(BUILD)/linux/sql_embedded.o: $(BUILD)/sql_embedded.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -Iext -c $< -o $@

$(SO): $(LINUX_OBJ)
	$(CC) $(LDFLAGS) -shared -o $@ $^ $(LINUX_LIBS)

$(BUILD)/linux/libvqlite.a: $(LINUX_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/linux/tests/%: tests/%.c $(TEST_SUPPORT) tests/harness.h $(BUILD)/linux/libvqlite.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Wno-missing-prototypes -Iext -Itables -Itests $< $(TEST_SUPPORT) \
	  $(BUILD)/linux/libvqlite.a -o $@ $(LDFLAGS) -lsqlite3 $(LINUX_LIBS) $(CHECK_LIBS) -lpthread

# ---- Windows (cross) ----------------------------------------------------
$(W32DEPS)/.built: tests/build-win32-deps.sh
	tests/build-win32-deps.sh $(W32DEPS)
deps-win32: $(W32DEPS)/.built

$(BUILD)/win32/%.o: %.c $(W32DEPS)/.built
	@mkdir -p $(@D)
	$(MINGW) $(W32_CFLAGS) -Iext -Itables -MMD -MP -c $< -o $@
$(BUILD)/win32/sql_embedded.o: $(BUILD)/sql_embedded.c
	@mkdir -p $(@D)
	$(MINGW) $(W32_CFLAGS) -Iext -c $< -o $@

$(BUILD)/win32/vqlite.dll: $(WIN32_OBJ)
	$(MINGW) $(W32_LDFLAGS) -o $@ $^ $(W32_LIBS)
vqlite.dll: $(BUILD)/win32/vqlite.dll
	cp $< $@

$(BUILD)/win32/sqlrun.exe: tests/sqlrun.c tests/render.c tests/render.h tests/stress.c tests/stress.h \
                           tests/iphlpapi_shim.c tests/iphlpapi_shim.h $(W32DEPS)/.built
	@mkdir -p $(@D)
	$(MINGW) $(W32_CFLAGS) -Itests tests/sqlrun.c tests/render.c tests/stress.c \
	  tests/iphlpapi_shim.c -o $@ \
	  $(W32DEPS)/lib/libsqlite3.a -static

win32: vqlite.dll $(BUILD)/win32/sqlrun.exe

# A private Wine prefix, made once (wineboot takes a while the first time).
WINEPREFIX_DIR ?= $(abspath build/wineprefix)
WINE_ENV := WINEPREFIX=$(WINEPREFIX_DIR) WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINE=$(WINE)
$(WINEPREFIX_DIR)/.ready:
	@mkdir -p $(@D)
	$(WINE_ENV) $(WINE) wineboot -i >/dev/null 2>&1; $(WINE_ENV) wineserver -w; touch $@
wine-prefix: $(WINEPREFIX_DIR)/.ready

# ---- tests --------------------------------------------------------------
check:
	tests/install-deps.sh check
	$(MAKE) check-native
	$(MAKE) check-wine
	$(MAKE) check-asan
	$(MAKE) check-valgrind
	$(MAKE) check-tsan
	$(MAKE) fuzz

check-native: $(SO) $(TEST_BIN)
	@VQLITE_SO=$(abspath $(basename $(SO))) tests/run-suites.sh linux $(TEST_BIN)

check-wine: $(BUILD)/win32/vqlite.dll $(BUILD)/win32/sqlrun.exe wine-prefix $(TEST_BIN)
	@$(WINE_ENV) VQLITE_DLL=$(BUILD)/win32/vqlite.dll VQLITE_SQLRUN=$(BUILD)/win32/sqlrun.exe \
	  VQLITE_SQLITE3_EXE=$(W32DEPS)/bin/sqlite3.exe \
	  tests/run-suites.sh wine $(addprefix $(BUILD)/linux/tests/,$(WINE_SUITES))

# ---- hardening: sanitizers, valgrind, ThreadSanitizer, fuzzing -----------
# Each builds in its own tree, so none disturbs the others or build/linux.
# Measured on 2 cores, builds included (docs/reliability.md has the figures):
# check-asan ~1 min 45 s, check-valgrind ~2 min 45 s, check-tsan ~50 s,
# fuzz ~5 min 10 s; with check-native and check-wine, `make check` ~12 min.
#
# check-asan: every native suite built with ASan + UBSan, every report fatal
# (-fno-sanitize-recover=all, halt_on_error), leaks checked at exit of each
# test. Suites also start programs that load the extension (the sqlite3 shell,
# /usr/bin/python3): those are not built with ASan, so the runtime must come
# first in them. The suites get its path in VQLITE_CHILD_PRELOAD and
# tests/harness.c puts it in LD_PRELOAD for the children only (with
# VQLITE_CHILD_ASAN_OPTIONS, leak checks off: an interpreter's exit-time
# leaks are not vqlite's, and vqlite's are checked in the suite's process).
ASAN_BUILD := build/asan
ASAN_RUNTIME = $(shell $(CC) -print-file-name=libasan.so)
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  VQLITE_CHILD_PRELOAD=$(ASAN_RUNTIME) VQLITE_CHILD_ASAN_OPTIONS=detect_leaks=0:halt_on_error=1
check-asan:
	$(ASAN_ENV) VQLITE_SUITE_LABEL=asan $(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) SO=$(ASAN_BUILD)/vqlite.so \
	  SANITIZE=address,undefined check-native

# check-valgrind: memcheck over every native suite, in one process each
# (CK_FORK=no, so leaks add up over the whole suite), any error or definite
# or indirect leak fatal. tests/valgrind.supp holds the suppressions, each
# justified there (PCRE2's JIT code only). Programs that suites start from
# /bin, /sbin, /usr/bin, /usr/sbin and /usr/lib run without valgrind; a suite
# re-executing itself is followed. Children that a test forks report through
# the test's own assertions only (--child-silent-after-fork).
# VQLITE_SLOW=valgrind lets check_hardening run 100 churn rounds instead of
# 1000 (memcheck is ~30x slower); the normal runs keep theirs.
VALGRIND_BUILD := build/valgrind
VALGRIND := valgrind --quiet --error-exitcode=1 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
  --suppressions=tests/valgrind.supp --child-silent-after-fork=yes --trace-children=yes \
  --trace-children-skip='/bin/*,/sbin/*,/usr/bin/*,/usr/sbin/*,/usr/lib/*,*/vq-sleeper' --trace-children-skip-by-arg='--sleep-child'
VALGRIND_TESTS := $(patsubst tests/%.c,$(VALGRIND_BUILD)/linux/tests/%,$(TEST_SRC))
check-valgrind:
	$(MAKE) --no-print-directory BUILD=$(VALGRIND_BUILD) SO=$(VALGRIND_BUILD)/vqlite.so \
	  $(VALGRIND_BUILD)/vqlite.so $(VALGRIND_TESTS)
	@failed=; for suite in $(VALGRIND_TESTS); do echo "== $$(basename $$suite) (valgrind)"; \
	  CK_FORK=no VQLITE_SLOW=valgrind VQLITE_SO=$(abspath $(VALGRIND_BUILD)/vqlite) \
	    $(VALGRIND) $$suite || failed="$$failed $$(basename $$suite)"; done; \
	  if [ -n "$$failed" ]; then echo "FAILED (valgrind):$$failed"; exit 1; fi

# check-tsan: check_hardening built with ThreadSanitizer, its concurrency
# case (eight threads, a connection each, every table and view) for
# VQLITE_CONCURRENCY_SECONDS (the issue's 30 s). tests/tsan.supp holds the one
# suppression (the sqlite3_api pointer every loadable extension shares),
# justified there.
TSAN_BUILD := build/tsan
check-tsan:
	$(MAKE) --no-print-directory BUILD=$(TSAN_BUILD) SO=$(TSAN_BUILD)/vqlite.so SANITIZE=thread \
	  $(TSAN_BUILD)/vqlite.so $(TSAN_BUILD)/linux/tests/check_hardening
	@TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(abspath tests/tsan.supp) CK_RUN_CASE=concurrency \
	  VQLITE_CONCURRENCY_SECONDS=$${VQLITE_CONCURRENCY_SECONDS:-30} \
	  VQLITE_SUITE_LABEL=tsan VQLITE_SO=$(abspath $(TSAN_BUILD)/vqlite) \
	  tests/run-suites.sh linux $(TSAN_BUILD)/linux/tests/check_hardening

# fuzz: the libFuzzer targets of tests/fuzz (one per parser of outside input),
# built with clang, ASan and UBSan, each run FUZZ_SECONDS from its committed
# seed corpus (tests/fuzz/corpus/<target>), two at a time on the 2 cores. New
# inputs go to build/fuzz/corpus, crashes to build/fuzz/artifacts.
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(BUILD)/linux/libvqlite.a
	$(CC) $(CFLAGS) -fsanitize=fuzzer -Iext -Itables $< $(BUILD)/linux/libvqlite.a -o $@ \
	  -lsqlite3 $(LINUX_LIBS)
fuzz-build:
	$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) SO=$(FUZZ_BUILD)/vqlite.so CC=clang \
	  SANITIZE=fuzzer-no-link,address,undefined $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

demo:
	tests/install-deps.sh run
	$(MAKE) $(SO)
	tests/demo.sh

bench: $(SO)
	tests/install-deps.sh bench
	tests/bench/run.sh

docs: $(SO)
	tests/gen-docs.sh > docs/tables.md

format:
	clang-format -i $(wildcard ext/*.[ch] tables/*.[ch] linux/*.[ch] win32/*.[ch] tests/*.[ch] tests/bench/*.[ch] tests/fuzz/*.[ch])

lint: $(BUILD)/sql_embedded.c
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
	  -Iext -Itables --suppress=missingIncludeSystem ext tables linux
	clang-tidy --quiet $(wildcard ext/*.c tables/*.c linux/*.c) -- -std=c11 -D_GNU_SOURCE -Iext -Itables

clean:
	rm -rf $(BUILD)/linux $(BUILD)/win32 $(BUILD)/sql_embedded.c vqlite.so vqlite.dll

-include $(LINUX_OBJ:.o=.d) $(WIN32_OBJ:.o=.d)

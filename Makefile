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

.PHONY: all win32 check check-native check-wine demo bench format lint docs clean deps-win32 wine-prefix
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

$(BUILD)/win32/sqlrun.exe: tests/sqlrun.c tests/render.c tests/render.h $(W32DEPS)/.built
	@mkdir -p $(@D)
	$(MINGW) $(W32_CFLAGS) -Itests tests/sqlrun.c tests/render.c -o $@ $(W32DEPS)/lib/libsqlite3.a -static

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

check-native: $(SO) $(TEST_BIN)
	@VQLITE_SO=$(abspath $(basename $(SO))) tests/run-suites.sh linux $(TEST_BIN)

check-wine: $(BUILD)/win32/vqlite.dll $(BUILD)/win32/sqlrun.exe wine-prefix $(TEST_BIN)
	@$(WINE_ENV) VQLITE_DLL=$(BUILD)/win32/vqlite.dll VQLITE_SQLRUN=$(BUILD)/win32/sqlrun.exe \
	  VQLITE_SQLITE3_EXE=$(W32DEPS)/bin/sqlite3.exe \
	  tests/run-suites.sh wine $(addprefix $(BUILD)/linux/tests/,$(WINE_SUITES))

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
	clang-format -i $(wildcard ext/*.[ch] tables/*.[ch] linux/*.[ch] win32/*.[ch] tests/*.[ch] tests/bench/*.[ch])

lint: $(BUILD)/sql_embedded.c
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
	  -Iext -Itables --suppress=missingIncludeSystem ext tables linux
	clang-tidy --quiet $(wildcard ext/*.c tables/*.c linux/*.c) -- -std=c11 -D_GNU_SOURCE -Iext -Itables

clean:
	rm -rf $(BUILD)/linux $(BUILD)/win32 $(BUILD)/sql_embedded.c vqlite.so vqlite.dll

-include $(LINUX_OBJ:.o=.d) $(WIN32_OBJ:.o=.d)

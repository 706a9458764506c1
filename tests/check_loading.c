/*
** check_loading.c: vqlite loads every way a user loads it: the sqlite3
** shell (.load ./vqlite), Python's sqlite3 module through Debian's
** /usr/bin/python3, and the Windows sqlite3.exe loading vqlite.dll under
** Wine; and sqlite3_vqlite_init refuses a SQLite that is too old.
**
** Paths come from the environment the Makefile sets: VQLITE_SO (native,
** without suffix), VQLITE_DLL, VQLITE_SQLITE3_EXE, WINE. The native cases run
** in `make check-native`, the Wine one in `make check-wine`.
*/
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vqlite.h"

/* The API struct's definition, without sqlite3ext.h's renaming macros. */
#define SQLITE_CORE 1
#include <sqlite3ext.h>

static const char *env_or(const char *name, const char *fallback) {
  const char *value = getenv(name);
  return value && *value ? value : fallback;
}

START_TEST(shell_loads_extension) {
  int status = 0;
  char *out = harness_command(&status,
                              "sqlite3 :memory: '.load %s' \"SELECT 'Ä' REGEXP '^.\\$', "
                              "vqlite_version('number')\" 2>&1",
                              env_or("VQLITE_SO", "./vqlite"));
  ck_assert_int_eq(status, 0);
  ck_assert_msg(strncmp(out, "1|0.", 4) == 0, "shell printed: %s", out);
  free(out);
}
END_TEST

START_TEST(shell_reports_invalid_pattern) {
  int status = 0;
  char *out =
      harness_command(&status, "sqlite3 :memory: '.load %s' \"SELECT 'x' REGEXP '[a-'\" 2>&1",
                      env_or("VQLITE_SO", "./vqlite"));
  ck_assert_int_ne(status, 0);
  ck_assert_msg(strstr(out,
                       "regexp: invalid pattern '[a-': missing terminating ] for character "
                       "class at offset 3") != NULL,
                "shell printed: %s", out);
  free(out);
}
END_TEST

START_TEST(shell_select_load_extension_explains) {
  /* The shell defines its own regexp(); SQLite cannot replace it while the
   * SELECT that loads vqlite runs, and vqlite says how to load it instead. */
  int status = 0;
  char *out = harness_command(&status, "sqlite3 :memory: \"SELECT load_extension('%s')\" 2>&1",
                              env_or("VQLITE_SO", "./vqlite"));
  ck_assert_int_ne(status, 0);
  ck_assert_msg(strstr(out,
                       "vqlite: cannot replace the regexp() already defined on this connection "
                       "while a statement runs") != NULL,
                "shell printed: %s", out);
  free(out);
}
END_TEST

START_TEST(python_loads_extension) {
  int status = 0;
  char *out = harness_command(&status, "/usr/bin/python3 tests/test_python.py %s 2>&1",
                              env_or("VQLITE_SO", "./vqlite"));
  ck_assert_msg(status == 0, "python said:\n%s", out);
  ck_assert_msg(strstr(out, "6 passed, 0 failed") != NULL, "python said:\n%s", out);
  free(out);
}
END_TEST

START_TEST(wine_shell_loads_dll) {
  int status = 0;
  char *out = harness_command(&status,
                              "%s %s :memory: '.load %s' \"SELECT 'Ä' REGEXP '^.$', "
                              "vqlite_version()\" 2>&1",
                              env_or("WINE", "/usr/lib/wine/wine64"),
                              env_or("VQLITE_SQLITE3_EXE", "build/win32-deps/bin/sqlite3.exe"),
                              env_or("VQLITE_DLL", "build/win32/vqlite.dll"));
  ck_assert_int_eq(status, 0);
  ck_assert_msg(strstr(out, "1|vqlite ") == out, "sqlite3.exe printed: %s", out);
  ck_assert_msg(strstr(out, "(windows x86_64;") != NULL, "sqlite3.exe printed: %s", out);
  free(out);
}
END_TEST

START_TEST(docs_table_reference_is_current) {
  /* docs/tables.md is generated from the column declarations: `make docs`. */
  int status = 0;
  char *out = harness_command(&status, "tests/gen-docs.sh %s | diff docs/tables.md - 2>&1",
                              env_or("VQLITE_SO", "./vqlite"));
  ck_assert_msg(status == 0, "docs/tables.md is stale; run make docs:\n%s", out);
  free(out);
}
END_TEST

START_TEST(dll_imports_only_windows_dlls) {
  /* PCRE2 is linked in statically and nothing from mingw's runtime is
   * needed: every import must be a DLL that every Windows has. */
  static const char *const system_dlls[] = {
      "advapi32.dll", "bcrypt.dll", "crypt32.dll", "iphlpapi.dll", "kernel32.dll",
      "msvcrt.dll",   "ntdll.dll",  "ole32.dll",   "wintrust.dll", "ws2_32.dll"};
  int status = 0;
  char *out = harness_command(&status,
                              "x86_64-w64-mingw32-objdump -p %s | sed -n "
                              "'s/^\\s*DLL Name: //p' | tr 'A-Z' 'a-z'",
                              env_or("VQLITE_DLL", "build/win32/vqlite.dll"));
  ck_assert_int_eq(status, 0);
  int imports = 0;
  for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"), imports++) {
    int known = 0;
    for (size_t i = 0; i < sizeof system_dlls / sizeof system_dlls[0]; i++)
      known |= strcmp(line, system_dlls[i]) == 0;
    ck_assert_msg(known, "vqlite.dll imports %s, which is not a Windows system DLL", line);
  }
  ck_assert_int_ge(imports, 3);
  free(out);
}
END_TEST

/* ---- the version gate: a copy of the real API whose version is 3.37.2 ---- */
static const sqlite3_api_routines *captured_api;
static int capture_api(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api) {
  (void)db, (void)errmsg;
  captured_api = api;
  return SQLITE_OK;
}
static int old_version_number(void) { return 3037002; }
static const char *old_version(void) { return "3.37.2"; }

START_TEST(refuses_old_sqlite) {
  sqlite3 *db = NULL;
  sqlite3_auto_extension((void (*)(void))capture_api);
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  sqlite3_cancel_auto_extension((void (*)(void))capture_api);
  ck_assert_ptr_nonnull(captured_api);
  sqlite3_api_routines old = *captured_api;
  old.libversion_number = old_version_number;
  old.libversion = old_version;
  char *error = NULL;
  ck_assert_int_eq(sqlite3_vqlite_init(db, &error, &old), SQLITE_ERROR);
  ck_assert_str_eq(error,
                   "vqlite needs SQLite 3.38.0 or newer (for sqlite3_vtab_in and "
                   "MATERIALIZED CTEs); this is SQLite 3.37.2");
  sqlite3_free(error);
  sqlite3_close(db);
}
END_TEST

START_TEST(registers_on_current_sqlite) {
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  sqlite3_auto_extension((void (*)(void))capture_api);
  sqlite3 *other = NULL;
  ck_assert_int_eq(sqlite3_open(":memory:", &other), SQLITE_OK);
  sqlite3_cancel_auto_extension((void (*)(void))capture_api);
  char *error = NULL;
  ck_assert_int_eq(sqlite3_vqlite_init(db, &error, captured_api), SQLITE_OK);
  ck_assert_ptr_null(error);
  sqlite3_stmt *stmt = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT 'abc' REGEXP 'b'", -1, &stmt, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
  ck_assert_int_eq(sqlite3_column_int(stmt, 0), 1);
  sqlite3_finalize(stmt);
  sqlite3_close(other);
  sqlite3_close(db);
}
END_TEST

int main(void) {
  Suite *suite = suite_create(harness_is_wine() ? "loading (wine)" : "loading");
  TCase *tcase = tcase_create(harness_target());
  tcase_set_timeout(tcase, 120);
  if (harness_is_wine()) {
    tcase_add_test(tcase, wine_shell_loads_dll);
    tcase_add_test(tcase, dll_imports_only_windows_dlls);
  } else {
    tcase_add_test(tcase, shell_loads_extension);
    tcase_add_test(tcase, shell_reports_invalid_pattern);
    tcase_add_test(tcase, shell_select_load_extension_explains);
    tcase_add_test(tcase, python_loads_extension);
    tcase_add_test(tcase, docs_table_reference_is_current);
    tcase_add_test(tcase, refuses_old_sqlite);
    tcase_add_test(tcase, registers_on_current_sqlite);
  }
  suite_add_tcase(suite, tcase);
  return harness_run(suite);
}

/*
** harness.h: what every vqlite Check suite shares.
**
** SQL goes to the target chosen by VQLITE_TARGET:
**   linux (default)  in this process: a fresh in-memory connection that loads
**                    ./vqlite.so with sqlite3_load_extension, as a user would;
**   wine             build/win32/sqlrun.exe under Wine, which loads
**                    build/win32/vqlite.dll into the Windows sqlite3 and
**                    answers over a pipe; one driver serves the whole suite.
** Results come back rendered by render.c (`.mode quote` style, rows joined by
** "\n", columns by "|", errors as "error: <message>"), identically for both,
** so the very same cases run on both builds.
**
** A suite that has SQL cases for Wine too mentions harness_is_wine() (the
** Makefile runs exactly those suites under Wine) and adds its native-only
** cases (parsers, the Linux backend) only when it returns 0:
**
**   int main(void) {
**     Suite *suite = suite_create("regexp");
**     TCase *sql = harness_tcase("sql");   // opens a fresh connection per test
**     tcase_add_test(sql, literal_matches);
**     suite_add_tcase(suite, sql);
**     if (!harness_is_wine()) suite_add_tcase(suite, parser_cases());
**     return harness_run(suite);
**   }
**
**   START_TEST(literal_matches) { ck_assert_sql("1", "SELECT 'abc' REGEXP 'b'"); }
*/
#ifndef VQLITE_HARNESS_H
#define VQLITE_HARNESS_H

#include <check.h>
#include <stddef.h>

/* "linux" or "wine". */
const char *harness_target(void);
int harness_is_wine(void);

/* Under Wine: one request to sqlrun.exe that carries no SQL ("P", "N": see
 * tests/sqlrun.c) and its answer (malloc'd, caller frees). Wine only. */
char *harness_driver_request(const char *command);

/* A fresh connection with vqlite loaded (Check fixture setup/teardown). */
void harness_open(void);
void harness_close(void);

/* Runs printf-formatted SQL on the current connection; returns the rendered
 * result (malloc'd, caller frees). Opens a connection if none is open. */
char *harness_sql(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Asserts that the SQL renders exactly as expected, showing both if not. */
#define ck_assert_sql(expected, ...)                                                               \
  do {                                                                                             \
    char *harness_actual_ = harness_sql(__VA_ARGS__);                                              \
    ck_assert_msg(strcmp(harness_actual_, (expected)) == 0, "SQL: %s\nexpected: %s\nactual:   %s", \
                  #__VA_ARGS__, (expected), harness_actual_);                                      \
    free(harness_actual_);                                                                         \
  } while (0)

/* Asserts that the rendered result starts with prefix (for error texts that
 * end with OS-specific words). */
#define ck_assert_sql_prefix(prefix, ...)                                               \
  do {                                                                                  \
    char *harness_actual_ = harness_sql(__VA_ARGS__);                                   \
    ck_assert_msg(strncmp(harness_actual_, (prefix), strlen(prefix)) == 0,              \
                  "SQL: %s\nexpected prefix: %s\nactual:   %s", #__VA_ARGS__, (prefix), \
                  harness_actual_);                                                     \
    free(harness_actual_);                                                              \
  } while (0)

/* A test case with harness_open/harness_close around each test and a 60 s
 * timeout (Wine's first start is slow). */
TCase *harness_tcase(const char *name);

/* Runs the suite (no fork under Wine, so one driver serves every test),
 * prints Check's summary line, returns the process exit code. */
int harness_run(Suite *suite);

/* This test process's name as the kernel gives it (/proc/self/comm: the
 * binary's first 15 bytes, or the tool's under valgrind), into out[size]. */
void harness_own_comm(char *out, size_t size);

/* Runs a shell command, returns its stdout (malloc'd) and sets *status to
 * its exit status. For tests that drive the sqlite3 shell, Python, Wine. */
char *harness_command(int *status, const char *format, ...) __attribute__((format(printf, 2, 3)));

#endif

/*
** harness.c: see harness.h.
*/
#include "harness.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "render.h"

static sqlite3 *harness_db;
static FILE *wine_to, *wine_from;
static pid_t wine_pid;

const char *harness_target(void) {
  const char *target = getenv("VQLITE_TARGET");
  return target && strcmp(target, "wine") == 0 ? "wine" : "linux";
}

int harness_is_wine(void) { return strcmp(harness_target(), "wine") == 0; }

static const char *harness_env(const char *name, const char *fallback) {
  const char *value = getenv(name);
  return value && *value ? value : fallback;
}

static void wine_start(void) {
  int to_child[2], from_child[2];
  ck_assert_int_eq(pipe(to_child), 0);
  ck_assert_int_eq(pipe(from_child), 0);
  wine_pid = fork();
  ck_assert_int_ge(wine_pid, 0);
  if (wine_pid == 0) {
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    close(to_child[1]), close(from_child[0]);
    const char *wine = harness_env("WINE", "/usr/lib/wine/wine64");
    execl(wine, wine, harness_env("VQLITE_SQLRUN", "build/win32/sqlrun.exe"),
          harness_env("VQLITE_DLL", "build/win32/vqlite.dll"), (char *)NULL);
    _exit(127);
  }
  close(to_child[0]), close(from_child[1]);
  wine_to = fdopen(to_child[1], "w");
  wine_from = fdopen(from_child[0], "r");
  signal(SIGPIPE, SIG_IGN);
}

/* One request to sqlrun.exe: "Q <length>\n<sql>", or a bare command ("R\n"); one answer:
 * "<length>\n<bytes>". */
static char *wine_request(const char *command, const char *payload) {
  if (wine_to == NULL) wine_start();
  if (payload)
    fprintf(wine_to, "%s %zu\n%s", command, strlen(payload), payload);
  else
    fprintf(wine_to, "%s\n", command);
  fflush(wine_to);
  size_t length = 0;
  if (fscanf(wine_from, "%zu", &length) != 1 || fgetc(wine_from) != '\n')
    ck_abort_msg("sqlrun.exe under Wine did not answer (did it crash?)");
  char *answer = malloc(length + 1);
  ck_assert_ptr_nonnull(answer);
  ck_assert_uint_eq(fread(answer, 1, length, wine_from), length);
  answer[length] = 0;
  return answer;
}

char *harness_driver_request(const char *command) {
  ck_assert_msg(harness_is_wine(), "harness_driver_request(\"%s\") needs the Wine target", command);
  return wine_request(command, NULL);
}

void harness_open(void) {
  if (harness_is_wine()) {
    free(wine_request("R", NULL));
    return;
  }
  harness_close();
  ck_assert_int_eq(sqlite3_open(":memory:", &harness_db), SQLITE_OK);
  sqlite3_enable_load_extension(harness_db, 1);
  char *error = NULL;
  int rc = sqlite3_load_extension(harness_db, harness_env("VQLITE_SO", "./vqlite"), NULL, &error);
  ck_assert_msg(rc == SQLITE_OK, "loading vqlite: %s", error ? error : "?");
  sqlite3_free(error);
}

void harness_close(void) {
  if (harness_db) sqlite3_close(harness_db);
  harness_db = NULL;
}

char *harness_sql(const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *sql = sqlite3_vmprintf(format, args);
  va_end(args);
  ck_assert_ptr_nonnull(sql);
  char *result;
  if (harness_is_wine()) {
    result = wine_request("Q", sql);
  } else {
    if (harness_db == NULL) harness_open();
    result = render_sql(harness_db, sql);
  }
  sqlite3_free(sql);
  return result;
}

TCase *harness_tcase(const char *name) {
  TCase *tcase = tcase_create(name);
  tcase_add_checked_fixture(tcase, harness_open, harness_close);
  tcase_set_timeout(tcase, 60);
  return tcase;
}

/*
** Sanitizer builds (make check-asan): the programs a suite starts that load
** the extension (the sqlite3 shell, Python) are not built with ASan, so the
** runtime must be preloaded into them. The Makefile names it in
** VQLITE_CHILD_PRELOAD; this process already runs with it and its options
** were read at start, so setting LD_PRELOAD and ASAN_OPTIONS here reaches
** only the children. Their leak check stays off (VQLITE_CHILD_ASAN_OPTIONS):
** an interpreter's own leaks at exit are not vqlite's, and vqlite's are
** checked in this process.
*/
static void harness_prepare_children(void) {
  const char *preload = getenv("VQLITE_CHILD_PRELOAD");
  if (preload == NULL || *preload == 0) return;
  setenv("LD_PRELOAD", preload, 1);
  setenv("ASAN_OPTIONS", harness_env("VQLITE_CHILD_ASAN_OPTIONS", "detect_leaks=0"), 1);
}

int harness_run(Suite *suite) {
  harness_prepare_children();
  SRunner *runner = srunner_create(suite);
  if (harness_is_wine()) srunner_set_fork_status(runner, CK_NOFORK);
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  if (wine_to) {
    fclose(wine_to);
    fclose(wine_from);
    waitpid(wine_pid, NULL, 0);
  }
  return failed == 0 ? 0 : 1;
}

char *harness_command(int *status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *command = sqlite3_vmprintf(format, args);
  va_end(args);
  ck_assert_ptr_nonnull(command);
  FILE *pipe = popen(command, "r");
  ck_assert_msg(pipe != NULL, "cannot run %s", command);
  size_t length = 0, capacity = 4096;
  char *output = malloc(capacity);
  size_t got;
  while ((got = fread(output + length, 1, capacity - length - 1, pipe)) > 0) {
    length += got;
    if (capacity - length < 1024) output = realloc(output, capacity *= 2);
  }
  output[length] = 0;
  int raw = pclose(pipe);
  *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  sqlite3_free(command);
  return output;
}

void harness_own_comm(char *out, size_t size) {
  out[0] = 0;
  FILE *comm_file = fopen("/proc/self/comm", "r");
  ck_assert_ptr_nonnull(comm_file);
  ck_assert_ptr_nonnull(fgets(out, (int)size, comm_file));
  fclose(comm_file);
  out[strcspn(out, "\n")] = 0;
}

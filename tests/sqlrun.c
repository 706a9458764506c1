/*
** sqlrun.c: the test driver that runs SQL against vqlite inside a Windows
** process (under Wine), for the native Check suites (tests/harness.c).
**
**   wine64 sqlrun.exe path\to\vqlite.dll
**
** Reads requests on stdin and answers each on stdout:
**   "Q <length>\n<sql bytes>"  ->  "<length>\n<rendered result>" (render.h)
**   "R\n"                      ->  "0\n", after reopening a fresh in-memory
**                                  database with the extension loaded
**
**   wine64 sqlrun.exe path\to\vqlite.dll --stress THREADS SECONDS < queries
**
** runs the concurrency test of stress.h instead and exits with its status.
** Builds natively too (it uses only the sqlite3 API), which is how it is
** debugged without Wine.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

#include "render.h"
#include "stress.h"

static sqlite3 *sqlrun_db;

static char *sqlrun_reopen(const char *extension) {
  if (sqlrun_db) sqlite3_close(sqlrun_db);
  sqlrun_db = NULL;
  if (sqlite3_open(":memory:", &sqlrun_db) != SQLITE_OK)
    return strdup("error: cannot open :memory:");
  sqlite3_enable_load_extension(sqlrun_db, 1);
  char *error = NULL;
  if (sqlite3_load_extension(sqlrun_db, extension, NULL, &error) != SQLITE_OK) {
    size_t size = strlen(error ? error : "?") + 64;
    char *message = malloc(size);
    snprintf(message, size, "error: loading vqlite: %s", error ? error : "?");
    sqlite3_free(error);
    return message;
  }
  return NULL;
}

static void sqlrun_answer(const char *text) {
  printf("%zu\n", strlen(text));
  fwrite(text, 1, strlen(text), stdout);
  fflush(stdout);
}

int main(int argc, char **argv) {
#ifdef _WIN32
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
#endif
  if (argc == 5 && strcmp(argv[2], "--stress") == 0)
    return stress_main(argv[1], atoi(argv[3]), atof(argv[4]), stdin);
  if (argc != 2) {
    fprintf(stderr, "usage: sqlrun vqlite.dll [--stress THREADS SECONDS < queries]\n");
    return 2;
  }
  char *load_error = sqlrun_reopen(argv[1]);
  char command[16];
  while (scanf("%15s", command) == 1) {
    if (strcmp(command, "R") == 0) {
      free(load_error);
      load_error = sqlrun_reopen(argv[1]);
      getchar();
      sqlrun_answer(load_error ? load_error : "");
      continue;
    }
    size_t length = 0;
    if (strcmp(command, "Q") != 0 || scanf("%zu", &length) != 1 || getchar() != '\n') return 3;
    char *sql = malloc(length + 1);
    if (sql == NULL || fread(sql, 1, length, stdin) != length) return 4;
    sql[length] = 0;
    char *result = load_error ? strdup(load_error) : render_sql(sqlrun_db, sql);
    sqlrun_answer(result);
    free(result);
    free(sql);
  }
  free(load_error);
  sqlite3_close(sqlrun_db);
  return 0;
}

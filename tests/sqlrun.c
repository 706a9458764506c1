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
**   "P\n"                      ->  "0\n", once the loaded DLL sees an IP Helper
**                                  that refuses the OWNER_MODULE socket tables
**                                  (iphlpapi_shim.h; undone by the next "R"),
**                                  or the reason it could not be done
**   "N\n"                      ->  "refused R forwarded F": the shim's counts
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

#include "iphlpapi_shim.h"
#include "render.h"
#include "stress.h"

static sqlite3 *sqlrun_db;

static char *sqlrun_reopen(const char *extension) {
  shim_restore(); /* before the DLL can be unloaded */
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

/* The loaded module's name: the extension path's last component. */
static const char *sqlrun_module_name(const char *extension) {
  const char *name = extension;
  for (const char *p = extension; *p; p++)
    if (*p == '/' || *p == '\\') name = p + 1;
  return name;
}

/* "P" and "N": the IP Helper shim. */
static void sqlrun_shim_request(const char *command, const char *extension) {
  if (strcmp(command, "P") == 0) {
    const char *problem = shim_refuse_owner_module(sqlrun_module_name(extension));
    char answer[160];
    snprintf(answer, sizeof answer, "%s%s", problem ? "error: " : "", problem ? problem : "");
    sqlrun_answer(answer);
    return;
  }
  long refused, forwarded;
  shim_counts(&refused, &forwarded);
  char answer[64];
  snprintf(answer, sizeof answer, "refused %ld forwarded %ld", refused, forwarded);
  sqlrun_answer(answer);
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
    if (strcmp(command, "P") == 0 || strcmp(command, "N") == 0) {
      getchar();
      sqlrun_shim_request(command, argv[1]);
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
  shim_restore();
  sqlite3_close(sqlrun_db);
  return 0;
}

/*
** vqlite.c: the extension's entry point.
**
**   sqlite3> .load ./vqlite
**   >>> con.load_extension("./vqlite")
**
** sqlite3_vqlite_init refuses a SQLite older than VQLITE_MIN_SQLITE (it needs
** sqlite3_vtab_in for `pid IN (...)` pushdown and MATERIALIZED CTEs for the
** artifact views), then registers, checking every return code:
**
**   regexp(p, x), vql_match(x, p)   ext/regexp.c
**   vqlite_version([what])          the version and build facts
**   vqlite_counter(name)            counters of costly OS work (platform.h)
**   the OS tables, vqlite_columns   tables/
**
** Nothing it installs is persistent: tables are eponymous-only, and nothing is
** written to the user's database file.
*/
#include <string.h>

#include "../tables/platform.h"
#include "../tables/vtab.h"
#include "artifacts.h"
#include "regex.h"
#include "regexp.h"
#include "snapshot.h"
#include "sqlite3ext.h"
#include "version.h"
#include "vqlite.h"

SQLITE_EXTENSION_INIT1

/* 3.38.0: sqlite3_vtab_in and built-in JSON. */
#define VQLITE_MIN_SQLITE 3038000
#define VQLITE_MIN_SQLITE_TEXT "3.38.0"

/* vqlite_version(): "vqlite 0.1.0 (linux x86_64; SQLite 3.40.1; PCRE2 10.42
 * 2022-12-11 with JIT)"; vqlite_version('number') gives "0.1.0" alone. */
static void version_function(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const char *what = argc > 0 ? (const char *)sqlite3_value_text(argv[0]) : NULL;
  if (what && strcmp(what, "number") == 0) {
    sqlite3_result_text(ctx, VQLITE_VERSION, -1, SQLITE_STATIC);
    return;
  }
  if (what && strcmp(what, "full") != 0) {
    char *message = sqlite3_mprintf(
        "vqlite_version: unknown argument '%q' (expected 'number' or 'full')", what);
    sqlite3_result_error(ctx, message ? message : "vqlite_version: unknown argument", -1);
    sqlite3_free(message);
    return;
  }
  vq_host_info host;
  char pcre2[64];
  vq_host_info_read(&host);
  vq_regex_version(pcre2);
  char *text = sqlite3_mprintf("vqlite %s (%s %s; SQLite %s; PCRE2 %s %s)", VQLITE_VERSION,
                               host.platform, host.arch, sqlite3_libversion(), pcre2,
                               vq_regex_jit_available() ? "with JIT" : "without JIT");
  if (text)
    sqlite3_result_text(ctx, text, -1, sqlite3_free);
  else
    sqlite3_result_error_nomem(ctx);
}

/* vqlite_counter(name): the count of one kind of OS work since load. */
static void counter_function(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *name = (const char *)sqlite3_value_text(argv[0]);
  for (int id = 0; name && vq_counter_name(id); id++) {
    if (strcmp(name, vq_counter_name(id)) == 0) {
      sqlite3_result_int64(ctx, vq_counter_get(id));
      return;
    }
  }
  sqlite3_str *known = sqlite3_str_new(NULL);
  for (int id = 0; vq_counter_name(id); id++)
    sqlite3_str_appendf(known, "%s%s", id ? ", " : "", vq_counter_name(id));
  char *list = sqlite3_str_finish(known);
  char *message = sqlite3_mprintf("vqlite_counter: unknown counter %Q (expected one of %s)", name,
                                  list ? list : "");
  sqlite3_result_error(ctx, message ? message : "vqlite_counter: unknown counter", -1);
  sqlite3_free(message);
  sqlite3_free(list);
}

static int register_functions(sqlite3 *db) {
  const int innocuous = SQLITE_UTF8 | SQLITE_INNOCUOUS;
  int rc = vq_regexp_register(db);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "vqlite_version", 0, innocuous, NULL, version_function, NULL,
                                 NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "vqlite_version", 1, innocuous, NULL, version_function, NULL,
                                 NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "vqlite_counter", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL,
                                 counter_function, NULL, NULL);
  return rc;
}

#ifdef _WIN32
#define VQLITE_EXPORT __declspec(dllexport)
#else
#define VQLITE_EXPORT __attribute__((visibility("default")))
#endif

VQLITE_EXPORT int sqlite3_vqlite_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  if (sqlite3_libversion_number() < VQLITE_MIN_SQLITE) {
    *errmsg = sqlite3_mprintf(
        "vqlite needs SQLite %s or newer (for sqlite3_vtab_in and "
        "MATERIALIZED CTEs); this is SQLite %s",
        VQLITE_MIN_SQLITE_TEXT, sqlite3_libversion());
    return SQLITE_ERROR;
  }
  int rc = register_functions(db);
  if (rc == SQLITE_BUSY)
    /* SQLite refuses to replace a function (the shell's own regexp) while a
     * statement runs, as it does during SELECT load_extension(...). */
    *errmsg = sqlite3_mprintf(
        "vqlite: cannot replace the regexp() already defined on this "
        "connection while a statement runs (as in SELECT "
        "load_extension(...)); load vqlite with .load or "
        "sqlite3_load_extension() instead");
  if (rc == SQLITE_OK) rc = vq_tables_register(db);
  if (rc == SQLITE_OK) rc = vq_artifacts_install(db, errmsg);
  if (rc == SQLITE_OK) rc = vq_snapshot_register(db);
  if (rc != SQLITE_OK && *errmsg == NULL)
    *errmsg = sqlite3_mprintf("vqlite: registration failed: %s", sqlite3_errstr(rc));
  return rc;
}

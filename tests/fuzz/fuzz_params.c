/*
** fuzz_params.c: the validation of the artifact parameters, end to end: an
** in-memory connection with vqlite loaded (as sqlite3_auto_extension loads
** it), and UPDATE artifact_params SET value = <input> for one parameter,
** through the trigger that calls vqlite_artifact_param_check() (regexes,
** choices, Choice,Regex CSV maps, JSON objects), then vqlite_artifact_map()
** on the same text.
**
** Input: one byte choosing the parameter (by rowid, modulo their count),
** then the value, bound as text (any bytes, invalid UTF-8 and NULs included).
** Promises checked: the UPDATE either stores exactly the bytes given, or
** fails with a message that starts "artifact_params: " and names the
** parameter, leaving the old value; the value is reset after each input so
** every run starts from the defaults.
*/
#include <sqlite3.h>

#include "../../ext/vqlite.h"
#include "fuzz.h"

static sqlite3 *fuzz_db;
static int fuzz_param_count;

static sqlite3 *fuzz_params_db(void) {
  if (fuzz_db) return fuzz_db;
  FUZZ_CHECK(sqlite3_auto_extension((void (*)(void))sqlite3_vqlite_init) == SQLITE_OK);
  FUZZ_CHECK(sqlite3_open(":memory:", &fuzz_db) == SQLITE_OK);
  sqlite3_stmt *count = NULL;
  FUZZ_CHECK(sqlite3_prepare_v2(fuzz_db, "SELECT count(*) FROM artifact_params", -1, &count,
                                NULL) == SQLITE_OK);
  FUZZ_CHECK(sqlite3_step(count) == SQLITE_ROW);
  fuzz_param_count = sqlite3_column_int(count, 0);
  sqlite3_finalize(count);
  FUZZ_CHECK(fuzz_param_count > 0);
  return fuzz_db;
}

/* The parameter's name and current value (malloc'd copies). */
static void fuzz_params_read(sqlite3 *db, int rowid, char **name, char **value, int *value_length) {
  sqlite3_stmt *stmt = NULL;
  FUZZ_CHECK(sqlite3_prepare_v2(db, "SELECT name, value FROM artifact_params WHERE rowid = ?1", -1,
                                &stmt, NULL) == SQLITE_OK);
  sqlite3_bind_int(stmt, 1, rowid);
  FUZZ_CHECK(sqlite3_step(stmt) == SQLITE_ROW);
  *name = strdup((const char *)sqlite3_column_text(stmt, 0));
  *value_length = sqlite3_column_bytes(stmt, 1);
  *value = (char *)fuzz_copy(sqlite3_column_blob(stmt, 1), (size_t)*value_length);
  sqlite3_finalize(stmt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  sqlite3 *db = fuzz_params_db();
  int rowid = 1 + data[0] % fuzz_param_count;
  const char *value = (const char *)data + 1;
  int length = (int)(size - 1);
  char *name = NULL, *before = NULL, *after = NULL;
  int before_length = 0, after_length = 0;
  fuzz_params_read(db, rowid, &name, &before, &before_length);

  sqlite3_stmt *update = NULL;
  FUZZ_CHECK(sqlite3_prepare_v2(db, "UPDATE artifact_params SET value = ?1 WHERE rowid = ?2", -1,
                                &update, NULL) == SQLITE_OK);
  sqlite3_bind_text(update, 1, value, length, SQLITE_STATIC);
  sqlite3_bind_int(update, 2, rowid);
  int rc = sqlite3_step(update);
  char *message = rc == SQLITE_DONE ? NULL : strdup(sqlite3_errmsg(db));
  sqlite3_finalize(update);

  char *same_name = NULL;
  fuzz_params_read(db, rowid, &same_name, &after, &after_length);
  FUZZ_CHECK(strcmp(same_name, name) == 0);
  free(same_name);
  if (rc == SQLITE_DONE) {
    FUZZ_CHECK(after_length == length && memcmp(after, value, (size_t)length) == 0);
  } else {
    FUZZ_CHECK(message && strncmp(message, "artifact_params: ", 17) == 0);
    FUZZ_CHECK(strstr(message, name) != NULL);
    FUZZ_CHECK(after_length == before_length);
    FUZZ_CHECK(memcmp(after, before, (size_t)before_length) == 0);
  }

  sqlite3_stmt *map = NULL;
  FUZZ_CHECK(sqlite3_prepare_v2(db, "SELECT vqlite_artifact_map(?1, 'ALL')", -1, &map, NULL) ==
             SQLITE_OK);
  sqlite3_bind_text(map, 1, value, length, SQLITE_STATIC);
  rc = sqlite3_step(map);
  FUZZ_CHECK(rc == SQLITE_ROW || rc == SQLITE_ERROR);
  sqlite3_finalize(map);

  FUZZ_CHECK(sqlite3_exec(db, "UPDATE artifact_params SET value = default_value", NULL, NULL,
                          NULL) == SQLITE_OK);
  free(name), free(before), free(after), free(message);
  return 0;
}

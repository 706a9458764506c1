/*
** artifacts.c: installs Velociraptor's five Windows.Network.* artifacts as
** TEMP views, with their parameters, on every connection that loads vqlite.
**
**   SELECT * FROM "Windows.Network.NetstatEnriched";
**   UPDATE artifact_params SET value = 'chrome' WHERE name = 'ProcessNameRegex';
**   SELECT name, description, parameters FROM vqlite_artifacts;
**
** The SQL lives in the files of sql/ (one per view, plus the parameters and the
** listing), embedded at build time into vq_sql_files[] and run here in
** file-name order inside one savepoint. Everything is TEMP: the user's
** database file is never written, and a second load into the same connection
** (sqlite3_auto_extension plus .load, say) keeps the parameter values the
** user set and replaces the views.
**
** SQL functions the SQL files use:
**   vqlite_artifact_map(map, choice)
**       the Regex of the row whose Choice is `choice` in a Choice,Regex CSV
**       map (the seed's parse_csv(...) WHERE Choice = x LIMIT 1); NULL when
**       no row has it. DETERMINISTIC, INNOCUOUS.
**   vqlite_artifact_param_check(name, type, value, choices)
**       NULL when `value` suits a parameter of that type, else fails the
**       statement with a message naming the parameter and what it accepts;
**       the artifact_params trigger calls it, since RAISE() only takes a
**       constant message. DIRECTONLY (TEMP triggers may still call it).
*/
#include "artifacts.h"

#include <stdio.h>
#include <string.h>

#include "regex.h"
#include "sql_files.h"
#include "sqlite3ext.h"

SQLITE_EXTENSION_INIT3

/* ---- the Choice,Regex CSV map (pure C) -------------------------------- */

static int map_fail(vq_map_reader *reader, char *error, size_t error_size, const char *what) {
  snprintf(error, error_size, "line %d: %s", reader->line, what);
  return -1;
}

static void map_skip_blank_lines(vq_map_reader *reader) {
  const char *text = reader->text;
  while (reader->offset < reader->length) {
    if (text[reader->offset] == '\n') {
      reader->offset++;
    } else if (text[reader->offset] == '\r' && reader->offset + 1 < reader->length &&
               text[reader->offset + 1] == '\n') {
      reader->offset += 2;
    } else {
      break;
    }
    reader->line++;
  }
}

/* After a closing quote: a comma, a line end or the end of the text. */
static int map_end_quoted_field(vq_map_reader *reader, int *row_end, char *error,
                                size_t error_size) {
  const char *text = reader->text;
  if (reader->offset + 1 < reader->length && text[reader->offset] == '\r' &&
      text[reader->offset + 1] == '\n')
    reader->offset++;
  if (reader->offset >= reader->length) {
    *row_end = 1;
  } else if (text[reader->offset] == ',') {
    reader->offset++;
  } else if (text[reader->offset] == '\n') {
    reader->offset++;
    reader->line++;
    *row_end = 1;
  } else {
    return map_fail(reader, error, error_size, "a character after the closing quote of a field");
  }
  return 0;
}

/*
** Reads the field at the reader's offset into out[out_size] (NUL-terminated)
** and sets *row_end when it is the last of its row. 0, or -1 with error.
*/
static int map_read_field(vq_map_reader *reader, char *out, size_t out_size, int *row_end,
                          char *error, size_t error_size) {
  const char *text = reader->text;
  size_t used = 0;
  int too_long = 0;
  *row_end = 0;
  if (reader->offset < reader->length && text[reader->offset] == '"') {
    reader->offset++;
    for (;;) {
      if (reader->offset >= reader->length)
        return map_fail(reader, error, error_size, "a quoted field is not closed");
      char c = text[reader->offset++];
      if (c == '"') {
        if (reader->offset >= reader->length || text[reader->offset] != '"') break;
        reader->offset++; /* "" stands for one quote */
      } else if (c == '\n') {
        reader->line++;
      }
      if (used + 1 < out_size)
        out[used++] = c;
      else
        too_long = 1;
    }
    if (map_end_quoted_field(reader, row_end, error, error_size) < 0) return -1;
  } else {
    for (;;) {
      if (reader->offset >= reader->length) {
        *row_end = 1;
        break;
      }
      char c = text[reader->offset++];
      if (c == ',') break;
      if (c == '\n') {
        reader->line++;
        *row_end = 1;
        if (used > 0 && out[used - 1] == '\r') used--;
        break;
      }
      if (c == '"')
        return map_fail(reader, error, error_size, "a quote inside a field that is not quoted");
      if (used + 1 < out_size)
        out[used++] = c;
      else
        too_long = 1;
    }
  }
  out[used] = 0;
  if (too_long) return map_fail(reader, error, error_size, "a field is too long");
  return 0;
}

int vq_map_reader_init(vq_map_reader *reader, const char *text, size_t length, char *error,
                       size_t error_size) {
  *reader = (vq_map_reader){text, length, 0, 1, 0, -1, -1};
  map_skip_blank_lines(reader);
  if (reader->offset >= length)
    return map_fail(reader, error, error_size, "no header row (expected Choice,Regex)");
  char field[VQ_MAP_FIELD_MAX];
  int row_end = 0, header_line = reader->line;
  while (!row_end) {
    if (map_read_field(reader, field, sizeof field, &row_end, error, error_size) < 0) return -1;
    if (strcmp(field, "Choice") == 0)
      reader->choice_field = reader->field_count;
    else if (strcmp(field, "Regex") == 0)
      reader->regex_field = reader->field_count;
    reader->field_count++;
  }
  if (reader->choice_field < 0 || reader->regex_field < 0) {
    reader->line = header_line;
    return map_fail(reader, error, error_size,
                    "the header row does not name both columns Choice and Regex");
  }
  return 0;
}

int vq_map_reader_next(vq_map_reader *reader, vq_map_row *row, char *error, size_t error_size) {
  map_skip_blank_lines(reader);
  if (reader->offset >= reader->length) return 0;
  row->line = reader->line;
  row->choice[0] = row->regex[0] = 0;
  char ignored[VQ_MAP_FIELD_MAX] = ""; /* fields past the two are read into it, unused */
  int fields = 0, row_end = 0;
  while (!row_end) {
    char *out = fields == reader->choice_field  ? row->choice
                : fields == reader->regex_field ? row->regex
                                                : ignored;
    if (map_read_field(reader, out, VQ_MAP_FIELD_MAX, &row_end, error, error_size) < 0) return -1;
    fields++;
  }
  if (fields != reader->field_count) {
    snprintf(error, error_size, "line %d: %d fields where the header has %d", row->line, fields,
             reader->field_count);
    return -1;
  }
  return 1;
}

/* ---- SQL functions ------------------------------------------------------- */

static void artifact_result_error(sqlite3_context *ctx, char *message) {
  if (message)
    sqlite3_result_error(ctx, message, -1);
  else
    sqlite3_result_error_nomem(ctx);
  sqlite3_free(message);
}

/* vqlite_artifact_map(map, choice): see the file's comment. */
static void artifact_map_function(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *map = (const char *)sqlite3_value_text(argv[0]);
  const char *choice = (const char *)sqlite3_value_text(argv[1]);
  if (map == NULL || choice == NULL) return;
  vq_map_reader reader;
  vq_map_row row;
  char error[256];
  int rc =
      vq_map_reader_init(&reader, map, (size_t)sqlite3_value_bytes(argv[0]), error, sizeof error);
  if (rc == 0) {
    while ((rc = vq_map_reader_next(&reader, &row, error, sizeof error)) == 1) {
      if (strcmp(row.choice, choice) == 0) {
        sqlite3_result_text(ctx, row.regex, -1, SQLITE_TRANSIENT);
        return;
      }
    }
  }
  if (rc == 0) return; /* no row for that choice: NULL, as VQL's Regex[0] of no row */
  artifact_result_error(
      ctx, sqlite3_mprintf("vqlite_artifact_map: not a Choice,Regex CSV map: %s", error));
}

/* A choice: one of the JSON array `choices`. */
static void artifact_check_choice(sqlite3_context *ctx, const char *name, const char *value,
                                  const char *choices) {
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2(sqlite3_context_db_handle(ctx), "SELECT value FROM json_each(?1)", -1,
                              &stmt, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_bind_text(stmt, 1, choices ? choices : "[]", -1, SQLITE_STATIC);
  sqlite3_str *list = sqlite3_str_new(NULL);
  int found = 0, count = 0;
  while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const char *choice = (const char *)sqlite3_column_text(stmt, 0);
    if (choice && strcmp(choice, value) == 0) found = 1;
    sqlite3_str_appendf(list, "%s%s", count++ ? ", " : "", choice ? choice : "");
    rc = SQLITE_OK;
  }
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  const char *db_error = sqlite3_errmsg(sqlite3_context_db_handle(ctx));
  char *message = NULL;
  if (rc != SQLITE_OK)
    message = sqlite3_mprintf("artifact_params: cannot read the choices of %s: %s", name, db_error);
  sqlite3_finalize(stmt);
  char *listed = sqlite3_str_finish(list);
  if (rc == SQLITE_OK && !found)
    message = sqlite3_mprintf("artifact_params: %s must be one of %s (got '%q')", name,
                              listed ? listed : "?", value);
  sqlite3_free(listed);
  if (rc != SQLITE_OK || !found) artifact_result_error(ctx, message);
}

static void artifact_check_regex(sqlite3_context *ctx, const char *name, const char *value,
                                 int length) {
  char error[300];
  vq_regex *regex = vq_regex_compile(value, (size_t)length, VQ_REGEX_CASELESS, error, sizeof error);
  if (regex) {
    vq_regex_free(regex);
    return;
  }
  artifact_result_error(ctx, sqlite3_mprintf("artifact_params: %s must be a valid regex: %s "
                                             "(got '%q')",
                                             name, error, value));
}

/* A *Map: a Choice,Regex CSV whose every regex compiles. */
static void artifact_check_map(sqlite3_context *ctx, const char *name, const char *value,
                               int length) {
  vq_map_reader reader;
  vq_map_row row;
  char error[300];
  int rc = vq_map_reader_init(&reader, value, (size_t)length, error, sizeof error);
  while (rc == 0 && (rc = vq_map_reader_next(&reader, &row, error, sizeof error)) == 1) {
    char regex_error[256];
    vq_regex *regex = vq_regex_compile(row.regex, strlen(row.regex), VQ_REGEX_CASELESS, regex_error,
                                       sizeof regex_error);
    if (regex == NULL) {
      snprintf(error, sizeof error, "line %d: regex '%s': %s", row.line, row.regex, regex_error);
      rc = -1;
      break;
    }
    vq_regex_free(regex);
    rc = 0;
  }
  if (rc < 0)
    artifact_result_error(ctx, sqlite3_mprintf("artifact_params: %s must be CSV with the header "
                                               "Choice,Regex and a valid regex in each row: %s "
                                               "(got '%q')",
                                               name, error, value));
}

/* A JSON object (kMapOfState). */
static void artifact_check_json_object(sqlite3_context *ctx, const char *name, const char *value) {
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2(sqlite3_context_db_handle(ctx),
                              "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) = 'object' "
                              "ELSE 0 END",
                              -1, &stmt, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_bind_text(stmt, 1, value, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  int is_object = rc == SQLITE_ROW && sqlite3_column_int(stmt, 0) == 1;
  char *message = NULL;
  if (rc != SQLITE_ROW)
    message = sqlite3_mprintf("artifact_params: cannot check %s: %s", name,
                              sqlite3_errmsg(sqlite3_context_db_handle(ctx)));
  else if (!is_object)
    message = sqlite3_mprintf(
        "artifact_params: %s must be a JSON object such as "
        "{\"5\": \"Reachable\"} (got '%q')",
        name, value);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW || !is_object) artifact_result_error(ctx, message);
}

/* vqlite_artifact_param_check(name, type, value, choices): see the file's comment. */
static void artifact_param_check_function(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *name = (const char *)sqlite3_value_text(argv[0]);
  const char *type = (const char *)sqlite3_value_text(argv[1]);
  const char *value = (const char *)sqlite3_value_text(argv[2]);
  const char *choices = (const char *)sqlite3_value_text(argv[3]);
  int length = sqlite3_value_bytes(argv[2]);
  if (name == NULL) name = "?";
  if (type == NULL) type = "";
  if (value == NULL) {
    artifact_result_error(ctx, sqlite3_mprintf("artifact_params: %s needs a value (reset it "
                                               "with SET value = default_value)",
                                               name));
  } else if (strcmp(type, "choices") == 0) {
    artifact_check_choice(ctx, name, value, choices);
  } else if (strcmp(type, "regex") == 0) {
    artifact_check_regex(ctx, name, value, length);
  } else if (strcmp(type, "hidden") == 0) {
    artifact_check_map(ctx, name, value, length);
  } else if (strcmp(type, "json") == 0) {
    artifact_check_json_object(ctx, name, value);
  } else {
    artifact_result_error(ctx, sqlite3_mprintf("artifact_params: %s has the unknown type '%q' "
                                               "(expected regex, choices, hidden or json)",
                                               name, type));
  }
}

/* ---- installing ---------------------------------------------------------- */

static int artifacts_register_functions(sqlite3 *db) {
  int rc = sqlite3_create_function(db, "vqlite_artifact_map", 2,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                   artifact_map_function, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "vqlite_artifact_param_check", 4,
                                 SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL,
                                 artifact_param_check_function, NULL, NULL);
  return rc;
}

static void artifacts_set_error(char **errmsg, char *message) {
  if (errmsg && *errmsg == NULL)
    *errmsg = message;
  else
    sqlite3_free(message);
}

/* Runs the embedded files in order; the first failure names its file. */
static int artifacts_run_files(sqlite3 *db, char **errmsg) {
  int rc = SQLITE_OK;
  for (const vq_sql_file *file = vq_sql_files; rc == SQLITE_OK && file->name; file++) {
    char *error = NULL;
    rc = sqlite3_exec(db, file->text, NULL, NULL, &error);
    if (rc != SQLITE_OK)
      artifacts_set_error(errmsg, sqlite3_mprintf("vqlite: installing the artifact views failed "
                                                  "in sql/%s: %s",
                                                  file->name, error ? error : sqlite3_errstr(rc)));
    sqlite3_free(error);
  }
  return rc;
}

int vq_artifacts_install(sqlite3 *db, char **errmsg) {
  int rc = artifacts_register_functions(db);
  if (rc != SQLITE_OK) {
    artifacts_set_error(errmsg, sqlite3_mprintf("vqlite: registering the artifact functions "
                                                "failed: %s",
                                                sqlite3_errmsg(db)));
    return rc;
  }
  rc = sqlite3_exec(db, "SAVEPOINT vqlite_install", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    artifacts_set_error(errmsg, sqlite3_mprintf("vqlite: installing the artifact views failed: "
                                                "cannot open a savepoint: %s",
                                                sqlite3_errmsg(db)));
    return rc;
  }
  rc = artifacts_run_files(db, errmsg);
  if (rc == SQLITE_OK) {
    rc = sqlite3_exec(db, "RELEASE vqlite_install", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
      artifacts_set_error(errmsg, sqlite3_mprintf("vqlite: installing the artifact views failed: "
                                                  "cannot release the savepoint: %s",
                                                  sqlite3_errmsg(db)));
  } else {
    /* Leaves nothing half-installed; the first error stays the one reported,
     * with a note if even the undo failed. */
    int undo =
        sqlite3_exec(db, "ROLLBACK TO vqlite_install; RELEASE vqlite_install", NULL, NULL, NULL);
    if (undo != SQLITE_OK && errmsg && *errmsg) {
      char *both = sqlite3_mprintf("%s (undoing the partial install failed too: %s)", *errmsg,
                                   sqlite3_errmsg(db));
      if (both) {
        sqlite3_free(*errmsg);
        *errmsg = both;
      }
    }
  }
  return rc;
}

/*
** render.c: see render.h.
*/
#include "render.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct render_buffer {
  char *text;
  size_t length, capacity;
} render_buffer;

static void render_append(render_buffer *out, const char *bytes, size_t length) {
  if (out->length + length + 1 > out->capacity) {
    size_t grown = (out->capacity + length + 1) * 2;
    char *text = realloc(out->text, grown);
    if (text == NULL) abort();
    out->text = text, out->capacity = grown;
  }
  memcpy(out->text + out->length, bytes, length);
  out->length += length;
  out->text[out->length] = 0;
}

static void render_appendf(render_buffer *out, const char *format, ...) {
  char small[64];
  va_list args;
  va_start(args, format);
  int length = vsnprintf(small, sizeof small, format, args);
  va_end(args);
  if (length > 0)
    render_append(out, small, (size_t)length < sizeof small ? (size_t)length : sizeof small - 1);
}

static void render_value(render_buffer *out, sqlite3_stmt *stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL: render_append(out, "NULL", 4); break;
    case SQLITE_INTEGER:
      render_appendf(out, "%lld", (long long)sqlite3_column_int64(stmt, column));
      break;
    case SQLITE_FLOAT: {
      char *text = sqlite3_mprintf("%!.15g", sqlite3_column_double(stmt, column));
      if (text) render_append(out, text, strlen(text));
      sqlite3_free(text);
      break;
    }
    case SQLITE_BLOB: {
      const unsigned char *blob = sqlite3_column_blob(stmt, column);
      int length = sqlite3_column_bytes(stmt, column);
      render_append(out, "X'", 2);
      for (int i = 0; i < length; i++) render_appendf(out, "%02x", blob[i]);
      render_append(out, "'", 1);
      break;
    }
    default: {
      const char *text = (const char *)sqlite3_column_text(stmt, column);
      int length = sqlite3_column_bytes(stmt, column);
      render_append(out, "'", 1);
      for (int i = 0; i < length; i++) {
        render_append(out, text + i, 1);
        if (text[i] == '\'') render_append(out, "'", 1);
      }
      render_append(out, "'", 1);
    }
  }
}

static char *render_error(sqlite3 *db, render_buffer *out) {
  out->length = 0;
  render_append(out, "error: ", 7);
  const char *message = sqlite3_errmsg(db);
  render_append(out, message, strlen(message));
  return out->text;
}

char *render_sql(sqlite3 *db, const char *sql) {
  render_buffer out = {0};
  render_append(&out, "", 0);
  int rows = 0;
  while (sql && *sql) {
    sqlite3_stmt *stmt = NULL;
    const char *tail = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, &tail) != SQLITE_OK) return render_error(db, &out);
    sql = tail;
    if (stmt == NULL) continue; /* whitespace or a comment */
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (rows++) render_append(&out, "\n", 1);
      for (int i = 0; i < sqlite3_column_count(stmt); i++) {
        if (i) render_append(&out, "|", 1);
        render_value(&out, stmt, i);
      }
    }
    if (rc != SQLITE_DONE) {
      render_error(db, &out);
      sqlite3_finalize(stmt);
      return out.text;
    }
    sqlite3_finalize(stmt);
  }
  return out.text;
}

/*
** catalog.c: registration of every OS table, and `vqlite_columns`, the
** catalog of their columns that the reference docs are generated from.
**
**   SELECT * FROM vqlite_columns WHERE table_name = 'netstat';
**
**   CREATE TABLE vqlite_columns(table_name TEXT, name TEXT, type TEXT,
**                               hidden INTEGER, description TEXT,
**                               table_summary TEXT, table_platforms TEXT)
**
** The catalog reads nothing outside the extension, so unlike the OS tables it
** is INNOCUOUS rather than DIRECTONLY.
*/
#include "vtab.h"

#include <string.h>

SQLITE_EXTENSION_INIT3

#define CATALOG_COLUMNS(X)                                                             \
  X(CATALOG_TABLE_NAME, "table_name", "TEXT", 0, "the table the column belongs to")    \
  X(CATALOG_NAME, "name", "TEXT", 0, "column name")                                    \
  X(CATALOG_TYPE, "type", "TEXT", 0, "SQL type")                                       \
  X(CATALOG_HIDDEN, "hidden", "INTEGER", 0, "1 for a table-valued function argument")  \
  X(CATALOG_DESCRIPTION, "description", "TEXT", 0, "what the column holds")            \
  X(CATALOG_TABLE_SUMMARY, "table_summary", "TEXT", 0, "what one row of the table is") \
  X(CATALOG_TABLE_PLATFORMS, "table_platforms", "TEXT", 0, "how each platform fills the table")

enum { CATALOG_COLUMNS(VQ_COLUMN_ENUM) CATALOG_NCOLUMN };
static const vq_column catalog_columns[] = {CATALOG_COLUMNS(VQ_COLUMN_SPEC)};

typedef struct catalog_cursor {
  sqlite3_vtab_cursor base;
  int table_index;
  int column_index;
  sqlite3_int64 rowid;
} catalog_cursor;

static const sqlite3_module catalog_module;

static const vq_table catalog_table = {"vqlite_columns",
                                       "one row per column of every vqlite table",
                                       "the same on every platform",
                                       catalog_columns,
                                       CATALOG_NCOLUMN,
                                       &catalog_module};

static int catalog_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                           sqlite3_vtab **out, char **errmsg) {
  (void)aux, (void)argc, (void)argv;
  char *schema = vq_schema_sql(&catalog_table);
  if (schema == NULL) return SQLITE_NOMEM;
  int rc = sqlite3_declare_vtab(db, schema);
  sqlite3_free(schema);
  if (rc == SQLITE_OK) rc = sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
  if (rc != SQLITE_OK) {
    *errmsg = sqlite3_mprintf("vqlite_columns: cannot declare the table: %s", sqlite3_errmsg(db));
    return rc;
  }
  sqlite3_vtab *vtab = sqlite3_malloc(sizeof *vtab);
  if (vtab == NULL) return SQLITE_NOMEM;
  memset(vtab, 0, sizeof *vtab);
  *out = vtab;
  return SQLITE_OK;
}

static int catalog_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out) {
  (void)vtab;
  catalog_cursor *cursor = sqlite3_malloc(sizeof *cursor);
  if (cursor == NULL) return SQLITE_NOMEM;
  memset(cursor, 0, sizeof *cursor);
  *out = &cursor->base;
  return SQLITE_OK;
}

static int catalog_close(sqlite3_vtab_cursor *cur) {
  sqlite3_free(cur);
  return SQLITE_OK;
}

/* Plan: a full scan of a few dozen constant rows; nothing is pushed down. */
static int catalog_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  (void)vtab;
  info->estimatedCost = 100;
  info->estimatedRows = 100;
  return SQLITE_OK;
}

static int catalog_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
                          sqlite3_value **argv) {
  (void)idx_num, (void)idx_str, (void)argc, (void)argv;
  catalog_cursor *cursor = (catalog_cursor *)cur;
  cursor->table_index = 0;
  cursor->column_index = 0;
  cursor->rowid = 1;
  return SQLITE_OK;
}

static int catalog_next(sqlite3_vtab_cursor *cur) {
  catalog_cursor *cursor = (catalog_cursor *)cur;
  if (++cursor->column_index >= vq_tables[cursor->table_index]->column_count) {
    cursor->table_index++;
    cursor->column_index = 0;
  }
  cursor->rowid++;
  return SQLITE_OK;
}

static int catalog_eof(sqlite3_vtab_cursor *cur) {
  return vq_tables[((catalog_cursor *)cur)->table_index] == NULL;
}

static int catalog_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i) {
  catalog_cursor *cursor = (catalog_cursor *)cur;
  const vq_table *table = vq_tables[cursor->table_index];
  const vq_column *column = &table->columns[cursor->column_index];
  switch (i) {
    case CATALOG_TABLE_NAME: vq_result_text_or_null(ctx, table->name); break;
    case CATALOG_NAME: vq_result_text_or_null(ctx, column->name); break;
    case CATALOG_TYPE: vq_result_text_or_null(ctx, column->type); break;
    case CATALOG_HIDDEN: sqlite3_result_int(ctx, column->hidden); break;
    case CATALOG_DESCRIPTION: vq_result_text_or_null(ctx, column->description); break;
    case CATALOG_TABLE_SUMMARY: vq_result_text_or_null(ctx, table->summary); break;
    case CATALOG_TABLE_PLATFORMS: vq_result_text_or_null(ctx, table->platforms); break;
    default: break;
  }
  return SQLITE_OK;
}

static int catalog_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  *rowid = ((catalog_cursor *)cur)->rowid;
  return SQLITE_OK;
}

static const sqlite3_module catalog_module = {
    .xConnect = catalog_connect,
    .xBestIndex = catalog_best_index,
    .xDisconnect = vq_table_disconnect,
    .xOpen = catalog_open,
    .xClose = catalog_close,
    .xFilter = catalog_filter,
    .xNext = catalog_next,
    .xEof = catalog_eof,
    .xColumn = catalog_column,
    .xRowid = catalog_rowid,
};

int vq_tables_register(sqlite3 *db) {
  int rc = SQLITE_OK;
  for (int i = 0; rc == SQLITE_OK && vq_tables[i]; i++)
    rc = sqlite3_create_module(db, vq_tables[i]->name, vq_tables[i]->module, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_create_module(db, catalog_table.name, &catalog_module, NULL);
  return rc;
}

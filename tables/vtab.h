/*
** vtab.h: what every vqlite virtual table shares.
**
** One declaration per table: each table lists its columns once, as an
** X-macro, from which come the column numbers (an enum), the CREATE TABLE
** string given to sqlite3_declare_vtab, and the rows of the `vqlite_columns`
** table that the reference docs are generated from:
**
**   #define NETSTAT_COLUMNS(X) \
**     X(NETSTAT_PID, "pid", "INTEGER", 0, "owning process") \
**     X(NETSTAT_FAMILY, "family", "TEXT", 0, "IPv4 or IPv6")
**   enum { NETSTAT_COLUMNS(VQ_COLUMN_ENUM) NETSTAT_NCOLUMN };
**   static const vq_column netstat_columns[] = { NETSTAT_COLUMNS(VQ_COLUMN_SPEC) };
**
** Every table is eponymous-only, read-only and SQLITE_VTAB_DIRECTONLY, so a
** schema written by someone else (a view or trigger in a database file) can
** never reach OS state; vq_table_register() and vq_table_connect() see to it.
*/
#ifndef VQLITE_VTAB_H
#define VQLITE_VTAB_H

#include "sqlite3ext.h"
#include <stddef.h>
#include <stdint.h>

typedef struct vq_column {
  const char *name;        /* column name as SQL sees it */
  const char *type;        /* SQL type: INTEGER, TEXT, REAL, BLOB */
  int hidden;              /* 1 for a table-valued function's argument */
  const char *description; /* one line, for the docs */
} vq_column;

#define VQ_COLUMN_ENUM(id, name, type, hidden, description) id,
#define VQ_COLUMN_SPEC(id, name, type, hidden, description) {name, type, hidden, description},

/* What a table file exports: its name, columns, docs and module. */
typedef struct vq_table {
  const char *name;
  const char *summary;   /* one line: what a row is */
  const char *platforms; /* how each platform fills it, for the docs */
  const vq_column *columns;
  int column_count;
  const sqlite3_module *module;
} vq_table;

/* The five OS tables and the catalog, in the order they are registered. */
extern const vq_table netstat_table;
extern const vq_table processes_table;
extern const vq_table authenticode_table;
extern const vq_table arp_cache_table;
extern const vq_table interface_addresses_table;

/* NULL-terminated list of every table vqlite registers. */
extern const vq_table *const vq_tables[];

/* Registers every table of vq_tables plus vqlite_columns on db. */
int vq_tables_register(sqlite3 *db);

/* "CREATE TABLE x(a INTEGER, b TEXT HIDDEN, ...)", from sqlite3_malloc; NULL on OOM. */
char *vq_schema_sql(const vq_table *table);

/*
** xConnect for every table: declares the schema from the column list, marks
** the table DIRECTONLY, and allocates a vtab of `vtab_size` bytes (the first
** member must be a sqlite3_vtab) that remembers db and the table spec.
*/
typedef struct vq_vtab {
  sqlite3_vtab base;
  sqlite3 *db;
  const vq_table *table;
} vq_vtab;

int vq_table_connect(sqlite3 *db, const vq_table *table, size_t vtab_size, sqlite3_vtab **out,
                     char **errmsg);
int vq_table_disconnect(sqlite3_vtab *vtab);

/* Sets the vtab's error to a printf-style message; returns SQLITE_ERROR. */
int vq_vtab_error(sqlite3_vtab *vtab, const char *format, ...);

/* True when column `column` is used by the query (colUsed semantics: the
 * last bit stands for every column from 63 on). */
static inline int vq_column_used(sqlite3_uint64 col_used, int column) {
  return (col_used & ((sqlite3_uint64)1 << (column < 63 ? column : 63))) != 0;
}

/*
** Integer equality / IN pushdown shared by the tables that filter on a
** column such as `pid`: in xBestIndex, vq_plan_int_filter() finds a usable
** `col = ?` or `col IN (...)` constraint, claims it (argvIndex, omit, and
** sqlite3_vtab_in for IN), and returns its constraint index or -1. In
** xFilter, vq_collect_int_filter() turns the argument into a sorted,
** deduplicated array of values (an IN list is read with sqlite3_vtab_in_first
** and _next); NULL members are dropped since `col = NULL` matches nothing.
*/
int vq_plan_int_filter(sqlite3_index_info *info, int column, int argv_index);

typedef struct vq_int_set {
  int64_t *values; /* sorted ascending, no duplicates; sqlite3_malloc'd */
  int count;
} vq_int_set;

int vq_collect_int_filter(sqlite3_value *arg, int is_in, vq_int_set *set);
void vq_int_set_clear(vq_int_set *set);
int vq_int_set_contains(const vq_int_set *set, int64_t value);

/* Text helpers: result text copied by SQLite, NULL for a NULL pointer. */
void vq_result_text_or_null(sqlite3_context *ctx, const char *text);

/* UTC RFC 3339 text ("2026-12-03T07:49:10Z") from Unix seconds, into buf[32]. */
void vq_format_utc(int64_t unix_seconds, char buf[32]);

#endif /* VQLITE_VTAB_H */

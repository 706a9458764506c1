/*
** vtab.c: the parts every vqlite virtual table shares: schema strings built
** from each table's single column list, connect/disconnect, DIRECTONLY,
** integer equality and IN pushdown, and time formatting.
*/
#include "vtab.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

SQLITE_EXTENSION_INIT3

char *vq_schema_sql(const vq_table *table) {
  sqlite3_str *sql = sqlite3_str_new(NULL);
  sqlite3_str_appendf(sql, "CREATE TABLE x(");
  for (int i = 0; i < table->column_count; i++) {
    const vq_column *column = &table->columns[i];
    sqlite3_str_appendf(sql, "%s\"%w\" %s%s", i ? ", " : "", column->name, column->type,
                        column->hidden ? " HIDDEN" : "");
  }
  sqlite3_str_appendf(sql, ")");
  return sqlite3_str_finish(sql);
}

int vq_table_connect(sqlite3 *db, const vq_table *table, size_t vtab_size, sqlite3_vtab **out,
                     char **errmsg) {
  char *schema = vq_schema_sql(table);
  if (schema == NULL) return SQLITE_NOMEM;
  int rc = sqlite3_declare_vtab(db, schema);
  sqlite3_free(schema);
  if (rc == SQLITE_OK) rc = sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  if (rc != SQLITE_OK) {
    *errmsg = sqlite3_mprintf("%s: cannot declare the table: %s", table->name, sqlite3_errmsg(db));
    return rc;
  }
  vq_vtab *vtab = sqlite3_malloc64(vtab_size);
  if (vtab == NULL) return SQLITE_NOMEM;
  memset(vtab, 0, vtab_size);
  vtab->db = db;
  vtab->table = table;
  *out = &vtab->base;
  return SQLITE_OK;
}

int vq_table_disconnect(sqlite3_vtab *vtab) {
  sqlite3_free(vtab);
  return SQLITE_OK;
}

int vq_vtab_error(sqlite3_vtab *vtab, const char *format, ...) {
  va_list args;
  va_start(args, format);
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_vmprintf(format, args);
  va_end(args);
  return SQLITE_ERROR;
}

int vq_plan_int_filter(sqlite3_index_info *info, int column, int argv_index) {
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (!c->usable || c->iColumn != column || c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    info->aConstraintUsage[i].argvIndex = argv_index;
    info->aConstraintUsage[i].omit = 1;
    /* Ask for the whole IN list at once when the constraint is an IN. */
    if (sqlite3_vtab_in(info, i, -1)) sqlite3_vtab_in(info, i, 1);
    return i;
  }
  return -1;
}

static int vq_int_compare(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static int vq_int_set_push(vq_int_set *set, int *capacity, sqlite3_value *value) {
  /* `pid = 'abc'` or `pid = 1.5` matches no integer column value: skip it. */
  int type = sqlite3_value_numeric_type(value);
  if (type != SQLITE_INTEGER) {
    if (type != SQLITE_FLOAT) return SQLITE_OK;
    double d = sqlite3_value_double(value);
    if (d != (double)(int64_t)d) return SQLITE_OK;
  }
  if (set->count == *capacity) {
    int grown = *capacity ? *capacity * 2 : 8;
    int64_t *values = sqlite3_realloc64(set->values, (sqlite3_uint64)grown * sizeof *values);
    if (values == NULL) return SQLITE_NOMEM;
    set->values = values;
    *capacity = grown;
  }
  set->values[set->count++] = sqlite3_value_int64(value);
  return SQLITE_OK;
}

int vq_collect_int_filter(sqlite3_value *arg, int is_in, vq_int_set *set) {
  int capacity = 0, rc = SQLITE_OK;
  vq_int_set_clear(set);
  if (!is_in) return vq_int_set_push(set, &capacity, arg);
  sqlite3_value *member = NULL;
  for (rc = sqlite3_vtab_in_first(arg, &member); rc == SQLITE_OK && member;
       rc = sqlite3_vtab_in_next(arg, &member)) {
    rc = vq_int_set_push(set, &capacity, member);
    if (rc != SQLITE_OK) return rc;
  }
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  if (rc != SQLITE_OK) return rc;
  /* An empty IN list leaves values NULL, which qsort must not be given. */
  if (set->count > 1) qsort(set->values, (size_t)set->count, sizeof *set->values, vq_int_compare);
  int unique = 0;
  for (int i = 0; i < set->count; i++)
    if (unique == 0 || set->values[unique - 1] != set->values[i])
      set->values[unique++] = set->values[i];
  set->count = unique;
  return SQLITE_OK;
}

void vq_int_set_clear(vq_int_set *set) {
  sqlite3_free(set->values);
  set->values = NULL;
  set->count = 0;
}

int vq_int_set_contains(const vq_int_set *set, int64_t value) {
  int low = 0, high = set->count - 1;
  while (low <= high) {
    int middle = low + (high - low) / 2;
    if (set->values[middle] == value) return 1;
    if (set->values[middle] < value)
      low = middle + 1;
    else
      high = middle - 1;
  }
  return 0;
}

void vq_result_text_or_null(sqlite3_context *ctx, const char *text) {
  if (text)
    sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_result_null(ctx);
}

void vq_format_utc(int64_t unix_seconds, char buf[32]) {
  /* Civil-from-days (proleptic Gregorian): no gmtime_r, which mingw lacks. */
  int64_t days = unix_seconds / 86400, seconds = unix_seconds % 86400;
  if (seconds < 0) seconds += 86400, days--;
  int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2);
  sqlite3_snprintf(32, buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)year,
                   (long long)month, (long long)day, (long long)(seconds / 3600),
                   (long long)(seconds / 60 % 60), (long long)(seconds % 60));
}

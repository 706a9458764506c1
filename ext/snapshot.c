/*
** snapshot.c: save what the host shows into a .db file, analyse it later
** anywhere; replay the artifact views over a stored snapshot; compare two.
**
**   SELECT vqlite_snapshot('host.db');                 -- 1, the new snapshot's id
**   SELECT vqlite_snapshot('host.db', 'after isolation');
**   SELECT vqlite_replay(1);            -- the views read snapshot 1 of main
**   SELECT vqlite_replay(1, 'h2');      -- ... of the attached schema h2
**   SELECT vqlite_replay(NULL);         -- back to the live host
**   SELECT * FROM vqlite_snapshot_diff(1, 2);          -- what changed in main
**   SELECT * FROM vqlite_snapshot_diff(1, 2, 'h2');
**
** vqlite_snapshot(path [, label]) opens its own connection to `path` (so it
** works from inside any statement, and the caller's connection is never
** written), registers vqlite's tables and views on it, and inside one
** BEGIN IMMEDIATE ... COMMIT appends one snapshot: a row of `snapshots`
** (when, host, OS, vqlite version, label), the artifact parameters of the
** calling connection (`snapshot_params`), every OS table (`snapshot_netstat`,
** ...; authenticode for the executable of every process captured), then the
** five artifact views (`snapshot_view_netstat`, ...) evaluated over the rows
** just stored, with the caller's parameters, so that views and tables agree
** and a replay gives exactly the stored view rows. `snapshot_contents` lists
** each table's row count. The file holds ordinary tables and indexes only:
** nothing in it names a vqlite function or table, so it opens anywhere.
**
** The target must be a new or empty file or a snapshot file (one with the
** table `snapshots`); any other SQLite database is refused, as are a
** directory, a read-only file, a file that is not a database and a file
** locked by another connection past the caller's busy timeout (5 s when the
** caller has none). Any failure rolls the transaction back, so the file
** keeps what it had (a process killed mid-way leaves a hot journal that the
** next reader rolls back). The result is the new snapshot's id.
**
** vqlite_replay(id [, schema]) makes the calling connection's artifact views
** read snapshot `id` of `schema` (default main: open vqlite on the snapshot
** file, or ATTACH it): one TEMP view per OS table, named as the table, over
** its stored rows (the temp schema is searched first), and artifact_params
** set to the values stored with the snapshot (change them afterwards to ask
** other questions of the same snapshot). vqlite_replay(NULL) drops those
** views, so the tables and views read the live host again. Under replay,
** authenticode is a view: filter it with WHERE path = '...'.
**
** vqlite_snapshot_diff(old_id, new_id [, schema]) is an eponymous table-valued
** function: one row per thing present in one snapshot and not the other.
**   change     'appeared' (only in new_id) or 'disappeared' (only in old_id)
**   kind       listener            a TCP LISTEN or UDP socket
**              connection          any other TCP socket
**              process             a process
**              neighbor            an ARP/NDP cache entry
**              interface_address   an address of an interface
** A thing is known by its identity, not by its state: a listener by (pid,
** family, protocol, local address and port); a connection by those plus the
** remote address and port; a process by (pid, create_time, name, path); a
** neighbor by (interface, family, IP address, link-layer address), so a MAC
** that changes for one IP shows as one disappeared and one appeared; an
** interface address by (interface, family, address, prefix, kind). A state
** change (ESTAB to CLOSE_WAIT, Reachable to Stale) is not a difference.
** All three are DIRECTONLY: a database's own views or triggers cannot write
** files or change the connection's views through them.
*/
#include "snapshot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../tables/platform.h"
#include "../tables/vtab.h"
#include "artifacts.h"
#include "regexp.h"
#include "version.h"

SQLITE_EXTENSION_INIT3

/* Busy timeout when the calling connection has none. */
#define SNAPSHOT_DEFAULT_TIMEOUT_MS 5000

/* Columns a stored table may have (the widest vqlite table has about 20). */
#define SNAPSHOT_MAX_COLUMNS 64

/* Marks the TEMP views that vqlite_replay creates (kept in their SQL text). */
#define SNAPSHOT_REPLAY_MARK "/* replay of a stored snapshot */"

/* ---- names and small helpers ---------------------------------------------- */

/* "snapshot_netstat" for the OS table netstat. */
static char *snapshot_table_name(const char *table) {
  return sqlite3_mprintf("snapshot_%s", table);
}

/* "snapshot_view_netstat_enriched" for Windows.Network.NetstatEnriched: the
 * part after the last dot, CamelCase to snake_case. */
static char *snapshot_view_table_name(const char *view) {
  const char *dot = strrchr(view, '.');
  const char *name = dot ? dot + 1 : view;
  sqlite3_str *out = sqlite3_str_new(NULL);
  sqlite3_str_appendall(out, "snapshot_view_");
  for (const char *c = name; *c; c++) {
    if (*c >= 'A' && *c <= 'Z') {
      if (c != name) sqlite3_str_appendchar(out, 1, '_');
      sqlite3_str_appendchar(out, 1, (char)(*c - 'A' + 'a'));
    } else {
      sqlite3_str_appendchar(out, 1, *c);
    }
  }
  return sqlite3_str_finish(out);
}

static int table_has_hidden_column(const vq_table *table) {
  for (int i = 0; i < table->column_count; i++)
    if (table->columns[i].hidden) return 1;
  return 0;
}

/* `"a", "b", ...` of the table's columns, each prefixed by `prefix`. */
static void append_column_list(sqlite3_str *sql, const vq_table *table, const char *prefix) {
  for (int i = 0; i < table->column_count; i++)
    sqlite3_str_appendf(sql, "%s%s\"%w\"", i ? ", " : "", prefix, table->columns[i].name);
}

/* Runs printf-formatted SQL; on failure *error gets SQLite's message. */
static int exec_printf(sqlite3 *db, char **error, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *sql = sqlite3_vmprintf(format, args);
  va_end(args);
  if (sql == NULL) return SQLITE_NOMEM;
  char *message = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &message);
  sqlite3_free(sql);
  if (rc != SQLITE_OK && error && *error == NULL)
    *error = sqlite3_mprintf("%s", message ? message : sqlite3_errstr(rc));
  sqlite3_free(message);
  return rc;
}

/* The single integer a query gives (or `fallback` when it gives no row). */
static int query_int64(sqlite3 *db, const char *sql, sqlite3_int64 bind1, const char *bind2,
                       sqlite3_int64 fallback, sqlite3_int64 *out) {
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
  int count = rc == SQLITE_OK ? sqlite3_bind_parameter_count(stmt) : 0;
  if (rc == SQLITE_OK && count >= 1) rc = sqlite3_bind_int64(stmt, 1, bind1);
  if (rc == SQLITE_OK && count >= 2) rc = sqlite3_bind_text(stmt, 2, bind2, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    *out = sqlite3_column_int64(stmt, 0);
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    *out = fallback;
    rc = SQLITE_OK;
  }
  sqlite3_finalize(stmt);
  return rc;
}

/* ---- the shadow views (replay, and the views of a snapshot) ----------------- */

/*
** One TEMP view per OS table, named as the table, over the rows of snapshot
** `id` in `schema`: the artifact views, which name the tables unqualified,
** then read the snapshot (the temp schema is searched before main, and an
** eponymous table is only looked for when no table or view has the name).
** Views of an earlier replay must be dropped first (replay_drop_views).
*/
static int replay_create_views(sqlite3 *db, const char *schema, sqlite3_int64 id, char **error) {
  int rc = SQLITE_OK;
  for (int t = 0; rc == SQLITE_OK && vq_tables[t]; t++) {
    const vq_table *table = vq_tables[t];
    sqlite3_str *sql = sqlite3_str_new(NULL);
    sqlite3_str_appendf(sql, "CREATE TEMP VIEW \"%w\" AS %s SELECT ", table->name,
                        SNAPSHOT_REPLAY_MARK);
    append_column_list(sql, table, "");
    sqlite3_str_appendf(sql, " FROM \"%w\".\"snapshot_%w\" WHERE snapshot_id = %lld", schema,
                        table->name, id);
    char *text = sqlite3_str_finish(sql);
    if (text == NULL) return SQLITE_NOMEM;
    rc = exec_printf(db, error, "%s", text);
    sqlite3_free(text);
  }
  return rc;
}

/* Drops the views replay_create_views made (and no other object). */
static int replay_drop_views(sqlite3 *db, char **error) {
  int rc = SQLITE_OK;
  for (int t = 0; rc == SQLITE_OK && vq_tables[t]; t++) {
    sqlite3_int64 ours = 0;
    char *probe = sqlite3_mprintf(
        "SELECT count(*) FROM temp.sqlite_master WHERE type = 'view' "
        "AND name = %Q AND instr(sql, %Q) > 0",
        vq_tables[t]->name, SNAPSHOT_REPLAY_MARK);
    if (probe == NULL) return SQLITE_NOMEM;
    rc = query_int64(db, probe, 0, NULL, 0, &ours);
    sqlite3_free(probe);
    if (rc != SQLITE_OK && *error == NULL) *error = sqlite3_mprintf("%s", sqlite3_errmsg(db));
    if (rc == SQLITE_OK && ours)
      rc = exec_printf(db, error, "DROP VIEW temp.\"%w\"", vq_tables[t]->name);
  }
  return rc;
}

/* ---- vqlite_snapshot ------------------------------------------------------- */

typedef struct snapshot_job {
  const char *path; /* the target file, as given */
  sqlite3 *target;  /* our own connection to it */
  int timeout_ms;   /* busy timeout */
  sqlite3_int64 id; /* the new snapshot's id */
  char *error;      /* the first failure, sqlite3_malloc'd */
  int failed_rc;    /* its SQLite code, for the message */
} snapshot_job;

/* Records the first failure: `what` was being done, SQLite said the rest. */
static int job_fail(snapshot_job *job, int rc, const char *what) {
  if (job->error == NULL) {
    job->failed_rc = rc;
    job->error = sqlite3_mprintf("%s: %s", what,
                                 job->target ? sqlite3_errmsg(job->target) : sqlite3_errstr(rc));
  }
  return rc;
}

/* The OS's words for the last failed open, when it said anything. */
static char *snapshot_os_error(sqlite3 *db) {
  int code = db ? sqlite3_system_errno(db) : 0;
  if (code == 0) return sqlite3_mprintf("");
#ifdef _WIN32
  return sqlite3_mprintf(" (Windows error %d)", code);
#else
  return sqlite3_mprintf(" (%s, OS error %d)", strerror(code), code);
#endif
}

/* The message the user sees: who, which file, what happened, and that the
 * file keeps what it had. */
static char *snapshot_describe_failure(const snapshot_job *job) {
  const char *path = job->path;
  int primary = job->failed_rc & 0xff;
  const char *kept = "the file was not changed";
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return sqlite3_mprintf(
          "vqlite_snapshot: '%s' is locked by another connection (waited %d ms; "
          "set a longer busy timeout with PRAGMA busy_timeout); %s",
          path, job->timeout_ms, kept);
    case SQLITE_READONLY:
      return sqlite3_mprintf(
          "vqlite_snapshot: '%s' is read-only for this process (no write "
          "permission on the file or its folder, or a read-only file system); %s",
          path, kept);
    case SQLITE_NOTADB:
      return sqlite3_mprintf(
          "vqlite_snapshot: '%s' is not a SQLite database (expected a new file "
          "or a snapshot file); %s",
          path, kept);
    case SQLITE_FULL:
      return sqlite3_mprintf(
          "vqlite_snapshot: the disk holding '%s' is full (%s); the snapshot "
          "was rolled back and the file keeps what it had",
          path, job->error);
    default:
      return sqlite3_mprintf(
          "vqlite_snapshot: writing '%s' failed while %s; the snapshot was "
          "rolled back and the file keeps what it had",
          path, job->error);
  }
}

/* Opens our connection to the file; refuses what cannot be written. */
static int snapshot_open(snapshot_job *job) {
  int rc =
      sqlite3_open_v2(job->path, &job->target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK) {
    int primary = rc & 0xff;
    if (primary == SQLITE_CANTOPEN) {
      char *os = snapshot_os_error(job->target);
      job->failed_rc = rc;
      job->error = sqlite3_mprintf(
          "vqlite_snapshot: cannot open '%s' as a database file: %s%s; "
          "expected a new file or a snapshot file, in a folder that exists "
          "(a directory cannot be one)",
          job->path, job->target ? sqlite3_errmsg(job->target) : sqlite3_errstr(rc), os ? os : "");
      sqlite3_free(os);
      return rc;
    }
    return job_fail(job, rc, "opening it");
  }
  if (sqlite3_db_readonly(job->target, "main") == 1)
    return job_fail(job, SQLITE_READONLY, "opening it");
  rc = sqlite3_busy_timeout(job->target, job->timeout_ms);
  if (rc == SQLITE_OK) rc = sqlite3_extended_result_codes(job->target, 1);
  if (rc != SQLITE_OK) return job_fail(job, rc, "setting it up");
  return SQLITE_OK;
}

/* vqlite's functions, tables and views on our connection. */
static int snapshot_register_vqlite(snapshot_job *job) {
  int rc = vq_regexp_register(job->target);
  if (rc == SQLITE_OK) rc = vq_tables_register(job->target);
  if (rc != SQLITE_OK) return job_fail(job, rc, "registering the vqlite tables");
  char *message = NULL;
  rc = vq_artifacts_install(job->target, &message);
  if (rc != SQLITE_OK && job->error == NULL) {
    job->failed_rc = rc;
    job->error = sqlite3_mprintf("installing the artifact views: %s",
                                 message ? message : sqlite3_errstr(rc));
  }
  sqlite3_free(message);
  return rc;
}

/* After BEGIN IMMEDIATE: the file must be empty or a snapshot file. */
static int snapshot_check_target(snapshot_job *job) {
  sqlite3_int64 foreign = 0;
  int rc = query_int64(job->target,
                       "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' "
                       "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                       "AND NOT EXISTS (SELECT 1 FROM main.sqlite_master WHERE type = 'table' "
                       "AND name = 'snapshots')",
                       0, NULL, 0, &foreign);
  if (rc != SQLITE_OK) return job_fail(job, rc, "reading its schema");
  if (foreign > 0) {
    job->failed_rc = SQLITE_ERROR;
    job->error = sqlite3_mprintf(
        "vqlite_snapshot: '%s' is a SQLite database but not a snapshot file "
        "(it has %lld tables and no table snapshots); choose a new file; "
        "the file was not changed",
        job->path, foreign);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

static const char snapshot_meta_schema[] =
    "CREATE TABLE IF NOT EXISTS main.snapshots (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  taken_at TEXT NOT NULL,\n"
    "  host_name TEXT,\n"
    "  platform TEXT,\n"
    "  os_name TEXT,\n"
    "  os_version TEXT,\n"
    "  arch TEXT,\n"
    "  vqlite_version TEXT,\n"
    "  sqlite_version TEXT,\n"
    "  label TEXT\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS main.snapshot_params (\n"
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),\n"
    "  artifact TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  value TEXT,\n"
    "  default_value TEXT,\n"
    "  PRIMARY KEY (snapshot_id, artifact, name)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS main.snapshot_contents (\n"
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),\n"
    "  table_name TEXT NOT NULL,\n"
    "  source TEXT NOT NULL,\n"
    "  row_count INTEGER,\n"
    "  PRIMARY KEY (snapshot_id, table_name)\n"
    ");\n";

/*
** Makes main.`name` hold snapshot_id plus the given columns: created with an
** index on (snapshot_id, first column) when missing, a column added when an
** older file lacks it. types[i] NULL gives a column without a declared type
** (values are kept exactly as the views give them).
*/
static int snapshot_ensure_table(snapshot_job *job, const char *name, const char *const *columns,
                                 const char *const *types, int count) {
  sqlite3_int64 present = 0;
  int rc = query_int64(job->target,
                       "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name = ?2",
                       0, name, 0, &present);
  if (rc != SQLITE_OK) return job_fail(job, rc, "reading its schema");
  if (!present) {
    sqlite3_str *sql = sqlite3_str_new(NULL);
    sqlite3_str_appendf(sql,
                        "CREATE TABLE main.\"%w\" (snapshot_id INTEGER NOT NULL "
                        "REFERENCES snapshots(id)",
                        name);
    for (int i = 0; i < count; i++)
      sqlite3_str_appendf(sql, ", \"%w\"%s%s", columns[i], types[i] ? " " : "",
                          types[i] ? types[i] : "");
    sqlite3_str_appendf(
        sql, "); CREATE INDEX main.\"%w_by_snapshot\" ON \"%w\" (snapshot_id%s%w%s);", name, name,
        count ? ", \"" : "", count ? columns[0] : "", count ? "\"" : "");
    char *text = sqlite3_str_finish(sql);
    if (text == NULL) return SQLITE_NOMEM;
    rc = sqlite3_exec(job->target, text, NULL, NULL, NULL);
    sqlite3_free(text);
    return rc == SQLITE_OK ? rc : job_fail(job, rc, "creating a table");
  }
  for (int i = 0; rc == SQLITE_OK && i < count; i++) {
    sqlite3_int64 has = 0;
    char *probe = sqlite3_mprintf(
        "SELECT count(*) FROM pragma_table_info(%Q, 'main') "
        "WHERE name = ?2 COLLATE NOCASE",
        name);
    if (probe == NULL) return SQLITE_NOMEM;
    rc = query_int64(job->target, probe, 0, columns[i], 0, &has);
    sqlite3_free(probe);
    if (rc == SQLITE_OK && !has)
      rc = exec_printf(job->target, NULL, "ALTER TABLE main.\"%w\" ADD COLUMN \"%w\"%s%s", name,
                       columns[i], types[i] ? " " : "", types[i] ? types[i] : "");
    if (rc != SQLITE_OK) return job_fail(job, rc, "adding a column");
  }
  return rc;
}

/* The row of `snapshots`; sets job->id. */
static int snapshot_insert_metadata(snapshot_job *job, const char *label) {
  vq_host_info host;
  char taken_at[32];
  vq_host_info_read(&host);
  vq_format_utc((int64_t)time(NULL), taken_at);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2(job->target,
                              "INSERT INTO main.snapshots (taken_at, host_name, platform, os_name, "
                              "os_version, arch, vqlite_version, sqlite_version, label) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              -1, &stmt, NULL);
  const char *values[] = {taken_at,       host.hostname,        host.platform,
                          host.os_name,   host.os_version,      host.arch,
                          VQLITE_VERSION, sqlite3_libversion(), label};
  for (int i = 0; rc == SQLITE_OK && i < (int)(sizeof values / sizeof values[0]); i++)
    rc = values[i] && *values[i] ? sqlite3_bind_text(stmt, i + 1, values[i], -1, SQLITE_TRANSIENT)
                                 : sqlite3_bind_null(stmt, i + 1);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_OK) return job_fail(job, rc, "recording the snapshot's metadata");
  job->id = sqlite3_last_insert_rowid(job->target);
  return SQLITE_OK;
}

/* Our connection's views take the caller's parameters (a JSON array of
 * [artifact, name, value]); snapshot_params records what they then use. */
static int snapshot_store_params(snapshot_job *job, const char *params_json) {
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2(
      job->target,
      "UPDATE temp.artifact_params AS p SET value = json_extract(j.value, '$[2]') "
      "FROM json_each(?1) AS j "
      "WHERE json_extract(j.value, '$[0]') = p.artifact "
      "AND json_extract(j.value, '$[1]') = p.name "
      "AND p.value IS NOT json_extract(j.value, '$[2]')",
      -1, &stmt, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_bind_text(stmt, 1, params_json, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_OK) return job_fail(job, rc, "taking the caller's artifact parameters");
  rc = exec_printf(
      job->target, NULL,
      "INSERT INTO main.snapshot_params (snapshot_id, artifact, name, value, default_value) "
      "SELECT %lld, artifact, name, value, default_value FROM temp.artifact_params "
      "ORDER BY rowid",
      job->id);
  return rc == SQLITE_OK ? rc : job_fail(job, rc, "storing the artifact parameters");
}

static int snapshot_record_contents(snapshot_job *job, const char *table_name, const char *source) {
  sqlite3_int64 rows = sqlite3_changes64(job->target);
  int rc =
      exec_printf(job->target, NULL,
                  "INSERT INTO main.snapshot_contents (snapshot_id, table_name, source, row_count) "
                  "VALUES (%lld, %Q, %Q, %lld)",
                  job->id, table_name, source, rows);
  return rc == SQLITE_OK ? rc : job_fail(job, rc, "recording the row counts");
}

/*
** Table-valued functions and where a snapshot takes their argument: the
** executable of every process of the same snapshot.
*/
static const struct snapshot_argument {
  const char *table;
  const char *column;
  const char *values; /* SQL giving the argument values as `value`; %lld is the id */
} snapshot_arguments[] = {
    {"authenticode", "path",
     "SELECT DISTINCT path AS value FROM main.snapshot_processes WHERE snapshot_id = %lld "
     "AND path IS NOT NULL"},
};

static const struct snapshot_argument *snapshot_argument_for(const vq_table *table) {
  for (size_t i = 0; i < sizeof snapshot_arguments / sizeof snapshot_arguments[0]; i++)
    if (strcmp(snapshot_arguments[i].table, table->name) == 0) return &snapshot_arguments[i];
  return NULL;
}

/* Copies one live OS table into main.snapshot_<name>. */
static int snapshot_copy_table(snapshot_job *job, const vq_table *table) {
  const struct snapshot_argument *argument = snapshot_argument_for(table);
  if (table_has_hidden_column(table) && argument == NULL)
    return SQLITE_OK; /* no argument to give */
  const char *columns[SNAPSHOT_MAX_COLUMNS] = {0}, *types[SNAPSHOT_MAX_COLUMNS] = {0};
  int count = table->column_count;
  if (count > SNAPSHOT_MAX_COLUMNS) {
    job->failed_rc = SQLITE_ERROR;
    job->error =
        sqlite3_mprintf("copying %s: it has %d columns, more than the %d a snapshot copies",
                        table->name, count, SNAPSHOT_MAX_COLUMNS);
    return SQLITE_ERROR;
  }
  char *name = snapshot_table_name(table->name);
  for (int i = 0; i < count; i++)
    columns[i] = table->columns[i].name, types[i] = table->columns[i].type;
  int rc = name ? snapshot_ensure_table(job, name, columns, types, count) : SQLITE_NOMEM;
  sqlite3_str *sql = sqlite3_str_new(NULL);
  sqlite3_str_appendf(sql, "INSERT INTO main.\"%w\" (snapshot_id, ", name ? name : "");
  append_column_list(sql, table, "");
  sqlite3_str_appendf(sql, ") SELECT %lld, ", job->id);
  append_column_list(sql, table, "t.");
  if (argument) {
    sqlite3_str_appendf(sql, " FROM (");
    sqlite3_str_appendf(sql, argument->values, job->id);
    sqlite3_str_appendf(sql, ") AS a JOIN \"%w\" AS t ON t.\"%w\" = a.value", table->name,
                        argument->column);
  } else {
    sqlite3_str_appendf(sql, " FROM \"%w\" AS t", table->name);
  }
  char *text = sqlite3_str_finish(sql);
  if (rc == SQLITE_OK && text == NULL) rc = SQLITE_NOMEM;
  if (rc == SQLITE_OK) {
    rc = sqlite3_exec(job->target, text, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
      char *what = sqlite3_mprintf("copying %s", table->name);
      job_fail(job, rc, what ? what : "copying a table");
      sqlite3_free(what);
    }
  }
  if (rc == SQLITE_OK) rc = snapshot_record_contents(job, name, table->name);
  sqlite3_free(text);
  sqlite3_free(name);
  return rc;
}

/* Plain tables first, then the table-valued functions that read them. */
static int snapshot_copy_tables(snapshot_job *job) {
  int rc = SQLITE_OK;
  for (int pass = 0; pass < 2; pass++)
    for (int t = 0; rc == SQLITE_OK && vq_tables[t]; t++)
      if (table_has_hidden_column(vq_tables[t]) == pass)
        rc = snapshot_copy_table(job, vq_tables[t]);
  return rc;
}

/* Stores one artifact view, as it reads the rows just stored. */
static int snapshot_copy_view(snapshot_job *job, const char *view) {
  char *name = snapshot_view_table_name(view);
  char *select = sqlite3_mprintf("SELECT * FROM temp.\"%w\"", view);
  sqlite3_stmt *stmt = NULL;
  int rc = name && select ? sqlite3_prepare_v2(job->target, select, -1, &stmt, NULL) : SQLITE_NOMEM;
  if (rc != SQLITE_OK) job_fail(job, rc, "reading an artifact view");
  int count = rc == SQLITE_OK ? sqlite3_column_count(stmt) : 0;
  const char *columns[SNAPSHOT_MAX_COLUMNS] = {0}, *types[SNAPSHOT_MAX_COLUMNS] = {0};
  if (count > SNAPSHOT_MAX_COLUMNS) {
    rc = SQLITE_ERROR;
    if (job->error == NULL) {
      job->failed_rc = rc;
      job->error = sqlite3_mprintf(
          "storing the view %s: it has %d columns, more than the %d a "
          "snapshot copies",
          view, count, SNAPSHOT_MAX_COLUMNS);
    }
    count = 0;
  }
  for (int i = 0; i < count; i++) columns[i] = sqlite3_column_name(stmt, i), types[i] = NULL;
  if (rc == SQLITE_OK) rc = snapshot_ensure_table(job, name, columns, types, count);
  sqlite3_str *sql = sqlite3_str_new(NULL);
  sqlite3_str_appendf(sql, "INSERT INTO main.\"%w\" (snapshot_id", name ? name : "");
  for (int i = 0; i < count; i++) sqlite3_str_appendf(sql, ", \"%w\"", columns[i]);
  sqlite3_str_appendf(sql, ") SELECT %lld, * FROM temp.\"%w\"", job->id, view);
  char *text = sqlite3_str_finish(sql);
  sqlite3_finalize(stmt); /* after the column names are used */
  if (rc == SQLITE_OK && text == NULL) rc = SQLITE_NOMEM;
  if (rc == SQLITE_OK) {
    rc = sqlite3_exec(job->target, text, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
      char *what = sqlite3_mprintf("storing the view %s", view);
      job_fail(job, rc, what ? what : "storing a view");
      sqlite3_free(what);
    }
  }
  if (rc == SQLITE_OK) rc = snapshot_record_contents(job, name, view);
  sqlite3_free(text);
  sqlite3_free(select);
  sqlite3_free(name);
  return rc;
}

/* The artifact views over the stored tables of this snapshot. */
static int snapshot_copy_views(snapshot_job *job) {
  char *message = NULL;
  int rc = replay_create_views(job->target, "main", job->id, &message);
  if (rc != SQLITE_OK) {
    job_fail(job, rc, "pointing the artifact views at the stored tables");
    sqlite3_free(message);
    return rc;
  }
  sqlite3_stmt *stmt = NULL;
  rc = sqlite3_prepare_v2(job->target, "SELECT name FROM temp.vqlite_artifacts", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    char *view = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(stmt, 0));
    rc = view ? snapshot_copy_view(job, view) : SQLITE_NOMEM;
    sqlite3_free(view);
  }
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  if (rc != SQLITE_OK) job_fail(job, rc, "listing the artifact views");
  sqlite3_finalize(stmt);
  return rc;
}

/* Everything between BEGIN IMMEDIATE and COMMIT. */
static int snapshot_write(snapshot_job *job, const char *params_json, const char *label) {
  int rc = sqlite3_exec(job->target, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK) return job_fail(job, rc, "starting the transaction");
  rc = snapshot_check_target(job);
  if (rc == SQLITE_OK) {
    rc = sqlite3_exec(job->target, snapshot_meta_schema, NULL, NULL, NULL);
    if (rc != SQLITE_OK) job_fail(job, rc, "creating the metadata tables");
  }
  if (rc == SQLITE_OK) rc = snapshot_insert_metadata(job, label);
  if (rc == SQLITE_OK) rc = snapshot_store_params(job, params_json);
  if (rc == SQLITE_OK) rc = snapshot_copy_tables(job);
  if (rc == SQLITE_OK) rc = snapshot_copy_views(job);
  if (rc == SQLITE_OK) {
    rc = sqlite3_exec(job->target, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) job_fail(job, rc, "committing");
  }
  if (rc != SQLITE_OK && !sqlite3_get_autocommit(job->target)) {
    /* If even this fails, the hot journal restores the file on next open. */
    int undo = sqlite3_exec(job->target, "ROLLBACK", NULL, NULL, NULL);
    (void)undo;
  }
  return rc;
}

/* The caller's busy timeout and artifact parameters (JSON), read before
 * the target is touched. */
static int snapshot_read_caller(sqlite3 *caller, int *timeout_ms, char **params_json,
                                char **error) {
  sqlite3_int64 timeout = 0;
  int rc = query_int64(caller, "PRAGMA busy_timeout", 0, NULL, 0, &timeout);
  *timeout_ms = rc == SQLITE_OK && timeout > 0 ? (int)timeout : SNAPSHOT_DEFAULT_TIMEOUT_MS;
  sqlite3_stmt *stmt = NULL;
  rc = sqlite3_prepare_v2(caller,
                          "SELECT json_group_array(json_array(artifact, name, value)) "
                          "FROM temp.artifact_params",
                          -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    *params_json = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(stmt, 0));
    rc = *params_json ? SQLITE_OK : SQLITE_NOMEM;
  }
  if (rc != SQLITE_OK)
    *error = sqlite3_mprintf(
        "vqlite_snapshot: cannot read the artifact parameters "
        "(temp.artifact_params) of this connection: %s",
        sqlite3_errmsg(caller));
  sqlite3_finalize(stmt);
  return rc;
}

static void snapshot_result_error(sqlite3_context *ctx, char *message) {
  if (message)
    sqlite3_result_error(ctx, message, -1);
  else
    sqlite3_result_error_nomem(ctx);
  sqlite3_free(message);
}

/* vqlite_snapshot(path [, label]): see the file's comment. */
static void snapshot_function(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const char *path = (const char *)sqlite3_value_text(argv[0]);
  const char *label = argc > 1 ? (const char *)sqlite3_value_text(argv[1]) : NULL;
  if (path == NULL || *path == 0 || strcmp(path, ":memory:") == 0) {
    snapshot_result_error(ctx,
                          sqlite3_mprintf("vqlite_snapshot: needs the path of a .db file, as in "
                                          "SELECT vqlite_snapshot('host.db') (got %s)",
                                          path == NULL ? "NULL"
                                          : *path      ? "':memory:'"
                                                       : "''"));
    return;
  }
  snapshot_job job = {path, NULL, 0, 0, NULL, SQLITE_OK};
  char *params_json = NULL, *error = NULL;
  if (snapshot_read_caller(sqlite3_context_db_handle(ctx), &job.timeout_ms, &params_json, &error) !=
      SQLITE_OK) {
    snapshot_result_error(ctx, error);
    return;
  }
  int rc = snapshot_open(&job);
  if (rc == SQLITE_OK) rc = snapshot_register_vqlite(&job);
  if (rc == SQLITE_OK) rc = snapshot_write(&job, params_json, label);
  if (rc == SQLITE_OK) {
    sqlite3_result_int64(ctx, job.id);
  } else if (job.error && strncmp(job.error, "vqlite_snapshot:", 16) == 0) {
    snapshot_result_error(ctx, job.error); /* already the whole message */
    job.error = NULL;
  } else {
    snapshot_result_error(ctx, snapshot_describe_failure(&job));
  }
  if (job.target) sqlite3_close(job.target);
  sqlite3_free(job.error);
  sqlite3_free(params_json);
}

/* ---- vqlite_replay --------------------------------------------------------- */

/* "snapshot 3 of main (host01, 2026-12-03T07:49:10Z)", or an error. */
static int replay_describe(sqlite3 *db, const char *schema, sqlite3_int64 id, char **text,
                           char **error) {
  char *sql = sqlite3_mprintf(
      "SELECT host_name, taken_at, "
      "(SELECT group_concat(id, ', ') FROM (SELECT id FROM \"%w\".snapshots "
      "ORDER BY id)) FROM \"%w\".snapshots WHERE id = ?1 "
      "UNION ALL SELECT NULL, NULL, (SELECT group_concat(id, ', ') FROM "
      "(SELECT id FROM \"%w\".snapshots ORDER BY id)) LIMIT 1",
      schema, schema, schema);
  sqlite3_stmt *stmt = NULL;
  int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc != SQLITE_OK) {
    *error = sqlite3_mprintf(
        "vqlite_replay: schema '%s' holds no snapshots (%s); open vqlite on a "
        "snapshot file or ATTACH one",
        schema, sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    return rc;
  }
  if ((rc = sqlite3_bind_int64(stmt, 1, id)) == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 1) != SQLITE_NULL) {
    *text = sqlite3_mprintf("snapshot %lld of %s (%s, %s)", id, schema,
                            (const char *)sqlite3_column_text(stmt, 0),
                            (const char *)sqlite3_column_text(stmt, 1));
    rc = *text ? SQLITE_OK : SQLITE_NOMEM;
  } else if (rc == SQLITE_ROW) {
    const char *ids = (const char *)sqlite3_column_text(stmt, 2);
    *error = sqlite3_mprintf("vqlite_replay: %s has no snapshot %lld (it holds %s)", schema, id,
                             ids ? ids : "none");
    rc = SQLITE_ERROR;
  } else {
    *error =
        sqlite3_mprintf("vqlite_replay: cannot read %s.snapshots: %s", schema, sqlite3_errmsg(db));
  }
  sqlite3_finalize(stmt);
  return rc;
}

/* The caller's artifact_params take the values stored with the snapshot. */
static int replay_set_params(sqlite3 *db, const char *schema, sqlite3_int64 id, char **error) {
  return exec_printf(db, error,
                     "UPDATE temp.artifact_params AS p SET value = s.value "
                     "FROM \"%w\".snapshot_params AS s WHERE s.snapshot_id = %lld "
                     "AND s.artifact = p.artifact AND s.name = p.name AND p.value IS NOT s.value",
                     schema, id);
}

/* Ends the savepoint vqlite_replay opened: kept when the work (rc) went
 * well, undone otherwise, so a failed replay leaves no view behind. */
static int replay_end_savepoint(sqlite3 *db, int rc) {
  if (rc == SQLITE_OK) return sqlite3_exec(db, "RELEASE vqlite_replay", NULL, NULL, NULL);
  int undo = sqlite3_exec(db, "ROLLBACK TO vqlite_replay; RELEASE vqlite_replay", NULL, NULL, NULL);
  (void)undo;
  return rc;
}

/* vqlite_replay(id [, schema]) / vqlite_replay(NULL): see the file's comment. */
static void replay_function(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  const char *schema = argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL
                           ? (const char *)sqlite3_value_text(argv[1])
                           : "main";
  int live = sqlite3_value_type(argv[0]) == SQLITE_NULL;
  if (!live && sqlite3_value_numeric_type(argv[0]) != SQLITE_INTEGER) {
    snapshot_result_error(ctx,
                          sqlite3_mprintf("vqlite_replay: the snapshot id must be an integer "
                                          "(an id of the snapshots table), or NULL for the live "
                                          "host (got '%q')",
                                          (const char *)sqlite3_value_text(argv[0])));
    return;
  }
  sqlite3_int64 id = live ? 0 : sqlite3_value_int64(argv[0]);
  char *description = NULL, *error = NULL;
  int rc = live ? SQLITE_OK : replay_describe(db, schema, id, &description, &error);
  if (rc == SQLITE_OK) rc = exec_printf(db, &error, "SAVEPOINT vqlite_replay");
  if (rc == SQLITE_OK) {
    int work = replay_drop_views(db, &error);
    if (work == SQLITE_OK && !live) work = replay_create_views(db, schema, id, &error);
    if (work == SQLITE_OK && !live) work = replay_set_params(db, schema, id, &error);
    rc = replay_end_savepoint(db, work);
    if (rc != SQLITE_OK && error == NULL) error = sqlite3_mprintf("%s", sqlite3_errmsg(db));
  }
  if (rc != SQLITE_OK) {
    char *message = error && strncmp(error, "vqlite_replay:", 14) == 0
                        ? sqlite3_mprintf("%s", error)
                        : sqlite3_mprintf("vqlite_replay: %s", error ? error : sqlite3_errstr(rc));
    snapshot_result_error(ctx, message);
  } else if (live) {
    sqlite3_result_text(ctx, "live: the tables and artifact views read the host", -1,
                        SQLITE_STATIC);
  } else {
    char *text = sqlite3_mprintf(
        "replaying %s: the OS tables and artifact views read it, with its "
        "parameters; SELECT vqlite_replay(NULL) returns to the live host",
        description);
    if (text)
      sqlite3_result_text(ctx, text, -1, sqlite3_free);
    else
      sqlite3_result_error_nomem(ctx);
  }
  sqlite3_free(description);
  sqlite3_free(error);
}

/* ---- vqlite_snapshot_diff --------------------------------------------------- */

#define DIFF_COLUMNS(X)                                                                            \
  X(DIFF_CHANGE, "change", "TEXT", 0, "appeared (only in new_id) or disappeared (only in old_id)") \
  X(DIFF_KIND, "kind", "TEXT", 0, "listener, connection, process, neighbor or interface_address")  \
  X(DIFF_PID, "pid", "INTEGER", 0, "the process (listener, connection, process)")                  \
  X(DIFF_PROCESS, "process", "TEXT", 0, "the process's name in the same snapshot")                 \
  X(DIFF_FAMILY, "family", "TEXT", 0, "IPv4 or IPv6")                                              \
  X(DIFF_PROTOCOL, "protocol", "TEXT", 0, "TCP or UDP")                                            \
  X(DIFF_LOCAL_ADDRESS, "local_address", "TEXT", 0, "socket's local address; interface address")   \
  X(DIFF_LOCAL_PORT, "local_port", "INTEGER", 0, "socket's local port")                            \
  X(DIFF_REMOTE_ADDRESS, "remote_address", "TEXT", 0, "connection's remote address; neighbor IP")  \
  X(DIFF_REMOTE_PORT, "remote_port", "INTEGER", 0, "connection's remote port")                     \
  X(DIFF_INTERFACE, "interface", "TEXT", 0, "interface name (neighbor, interface_address)")        \
  X(DIFF_LINK_LAYER, "link_layer_address", "TEXT", 0, "neighbor's MAC; interface's MAC")           \
  X(DIFF_SUMMARY, "summary", "TEXT", 0, "one line a responder reads")                              \
  X(DIFF_ROW, "row", "TEXT", 0, "the whole stored row, as a JSON object")                          \
  X(DIFF_OLD_ID, "old_id", "INTEGER", 1, "the earlier snapshot")                                   \
  X(DIFF_NEW_ID, "new_id", "INTEGER", 1, "the later snapshot")                                     \
  X(DIFF_SCHEMA, "schema", "TEXT", 1, "the schema holding both (default main)")

enum { DIFF_COLUMNS(VQ_COLUMN_ENUM) DIFF_NCOLUMN };
static const vq_column diff_columns[] = {DIFF_COLUMNS(VQ_COLUMN_SPEC)};
static const sqlite3_module diff_module;
static const vq_table diff_table = {"vqlite_snapshot_diff",
                                    "one row per thing present in one of two snapshots only",
                                    "the same on every platform",
                                    diff_columns,
                                    DIFF_NCOLUMN,
                                    &diff_module};

/*
** What the diff compares: the stored table, which of its rows, what names a
** thing (GROUP BY; a process's name is left out, since Linux kernel threads
** rename themselves as they work), and its output columns pid .. link_layer_address from
** the stored row `d`.
*/
static const struct diff_kind {
  const char *kind, *table, *filter, *keys, *columns;
} diff_kinds[] = {
    {"listener", "netstat", "(type = 'TCP' AND status = 'LISTEN') OR type = 'UDP'",
     "pid, family, type, local_address, local_port",
     "d.pid, NULL, d.family, d.type, d.local_address, d.local_port, d.remote_address, "
     "d.remote_port, NULL, NULL"},
    {"connection", "netstat", "type = 'TCP' AND status <> 'LISTEN'",
     "pid, family, type, local_address, local_port, remote_address, remote_port",
     "d.pid, NULL, d.family, d.type, d.local_address, d.local_port, d.remote_address, "
     "d.remote_port, NULL, NULL"},
    {"process", "processes", "1", "pid, create_time, path",
     "d.pid, d.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"},
    {"neighbor", "arp_cache", "1",
     "interface_index, address_family, ip_address, link_layer_address",
     "NULL, NULL, d.address_family, NULL, NULL, NULL, d.ip_address, NULL, d.interface_alias, "
     "d.link_layer_address"},
    {"interface_address", "interface_addresses", "1",
     "interface_index, name, family, address, prefix_length, kind",
     "NULL, NULL, d.family, NULL, d.address, NULL, NULL, NULL, d.name, d.mac"},
};

static const vq_table *diff_find_table(const char *name) {
  for (int t = 0; vq_tables[t]; t++)
    if (strcmp(vq_tables[t]->name, name) == 0) return vq_tables[t];
  return NULL;
}

/* The one query behind the table: ?1 old id, ?2 new id. */
static char *diff_build_sql(const char *schema) {
  sqlite3_str *sql = sqlite3_str_new(NULL);
  sqlite3_str_appendall(sql,
                        "WITH u(position, change, kind, side_id, pid, process, family, protocol, "
                        "local_address, local_port, remote_address, remote_port, interface, "
                        "link_layer_address, row) AS (");
  for (size_t k = 0; k < sizeof diff_kinds / sizeof diff_kinds[0]; k++) {
    const struct diff_kind *kind = &diff_kinds[k];
    const vq_table *table = diff_find_table(kind->table);
    if (table == NULL) continue;
    if (k) sqlite3_str_appendall(sql, " UNION ALL ");
    sqlite3_str_appendf(sql, "SELECT %d, d.change, %Q, d.snapshot_id, %s, json_object(", (int)k,
                        kind->kind, kind->columns);
    for (int i = 0; i < table->column_count; i++)
      sqlite3_str_appendf(sql, "%s%Q, d.\"%w\"", i ? ", " : "", table->columns[i].name,
                          table->columns[i].name);
    sqlite3_str_appendf(
        sql,
        ") FROM (SELECT CASE max(side) WHEN 1 THEN 'appeared' ELSE 'disappeared' "
        "END AS change, * FROM (SELECT 0 AS side, * FROM \"%w\".\"snapshot_%w\" "
        "WHERE snapshot_id = ?1 AND (%s) UNION ALL SELECT 1, * FROM \"%w\".\"snapshot_%w\" "
        "WHERE snapshot_id = ?2 AND (%s)) GROUP BY %s HAVING min(side) = max(side)) AS d",
        schema, kind->table, kind->filter, schema, kind->table, kind->filter, kind->keys);
  }
  /* v: the rows with their process's name, from the same snapshot. */
  sqlite3_str_appendf(sql,
                      "), v AS (SELECT u.*, coalesce(u.process, (SELECT p.name FROM "
                      "\"%w\".snapshot_processes AS p WHERE p.snapshot_id = u.side_id "
                      "AND p.pid = u.pid LIMIT 1)) AS process_name FROM u) ",
                      schema);
  sqlite3_str_appendall(
      sql,
      "SELECT change, kind, pid, process_name, family, protocol, local_address, "
      "local_port, remote_address, remote_port, interface, link_layer_address, "
      "CASE kind "
      "WHEN 'listener' THEN protocol || ' ' || "
      "  CASE WHEN family = 'IPv6' THEN '[' || local_address || ']' ELSE local_address END "
      "  || ':' || local_port "
      "WHEN 'connection' THEN protocol || ' ' || "
      "  CASE WHEN family = 'IPv6' THEN '[' || local_address || ']' ELSE local_address END "
      "  || ':' || local_port || ' -> ' || "
      "  CASE WHEN family = 'IPv6' THEN '[' || remote_address || ']' ELSE remote_address END "
      "  || ':' || remote_port || ' ' || json_extract(row, '$.status') "
      "WHEN 'process' THEN 'pid ' || pid || coalesce(' (' || process_name || ')', '') || "
      "  coalesce(': ' || coalesce(nullif(json_extract(row, '$.cmdline'), ''), "
      "  json_extract(row, '$.path')), '') "
      "WHEN 'neighbor' THEN remote_address || ' at ' || "
      "  CASE WHEN link_layer_address = '' THEN '(no link-layer address)' "
      "  ELSE link_layer_address END || ' on ' || coalesce(interface, '?') || "
      "  ' (' || coalesce(json_extract(row, '$.state'), '?') || ')' "
      "ELSE coalesce(interface, '?') || ' ' || coalesce(local_address || '/' || "
      "  json_extract(row, '$.prefix_length'), '(no address)') END "
      "|| CASE WHEN kind IN ('listener', 'connection') THEN "
      "  coalesce(' pid ' || pid, '') || coalesce(' (' || process_name || ')', '') "
      "ELSE '' END AS summary, "
      "row FROM v ORDER BY position, change, summary");
  return sqlite3_str_finish(sql);
}

typedef struct diff_cursor {
  sqlite3_vtab_cursor base;
  sqlite3_stmt *stmt; /* the running diff, NULL when done */
  sqlite3_int64 rowid;
  sqlite3_int64 old_id, new_id;
  char *schema;
} diff_cursor;

static int diff_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                        sqlite3_vtab **out, char **errmsg) {
  (void)aux, (void)argc, (void)argv;
  return vq_table_connect(db, &diff_table, sizeof(vq_vtab), out, errmsg);
}

/* idxNum bits: which hidden arguments are given, in argv in this order. */
#define DIFF_PLAN_OLD 0x1
#define DIFF_PLAN_NEW 0x2
#define DIFF_PLAN_SCHEMA 0x4

/*
** Plans. idxNum: the bits above, for `old_id = ?`, `new_id = ?` and
** `schema = ?` (the table-valued function's arguments), each passed in argv
** in that order. Without both ids xFilter fails with how to call it; the
** cost is then huge so a plan that supplies them wins. A constraint on an
** argument that is not usable yet answers SQLITE_CONSTRAINT. The estimate
** (1000 rows) assumes a busy host between two snapshots.
*/
static int diff_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  (void)vtab;
  static const int bits[] = {DIFF_PLAN_OLD, DIFF_PLAN_NEW, DIFF_PLAN_SCHEMA};
  int slot[3] = {-1, -1, -1}, unusable = 0, plan = 0;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    int argument = c->iColumn - DIFF_OLD_ID;
    if (argument < 0 || argument > 2 || c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    if (!c->usable)
      unusable = 1;
    else
      slot[argument] = i;
  }
  int next = 1;
  for (int argument = 0; argument < 3; argument++) {
    if (slot[argument] < 0) continue;
    info->aConstraintUsage[slot[argument]].argvIndex = next++;
    info->aConstraintUsage[slot[argument]].omit = 1;
    plan |= bits[argument];
  }
  if (unusable && (plan & (DIFF_PLAN_OLD | DIFF_PLAN_NEW)) != (DIFF_PLAN_OLD | DIFF_PLAN_NEW))
    return SQLITE_CONSTRAINT;
  info->idxNum = plan;
  int complete = (plan & (DIFF_PLAN_OLD | DIFF_PLAN_NEW)) == (DIFF_PLAN_OLD | DIFF_PLAN_NEW);
  info->estimatedCost = complete ? 1000 : 1e18;
  info->estimatedRows = 1000;
  return SQLITE_OK;
}

static int diff_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out) {
  (void)vtab;
  diff_cursor *cursor = sqlite3_malloc(sizeof *cursor);
  if (cursor == NULL) return SQLITE_NOMEM;
  memset(cursor, 0, sizeof *cursor);
  *out = &cursor->base;
  return SQLITE_OK;
}

static void diff_reset(diff_cursor *cursor) {
  sqlite3_finalize(cursor->stmt);
  sqlite3_free(cursor->schema);
  cursor->stmt = NULL;
  cursor->schema = NULL;
  cursor->rowid = 0;
}

static int diff_close(sqlite3_vtab_cursor *cur) {
  diff_reset((diff_cursor *)cur);
  sqlite3_free(cur);
  return SQLITE_OK;
}

static int diff_next(sqlite3_vtab_cursor *cur) {
  diff_cursor *cursor = (diff_cursor *)cur;
  int rc = sqlite3_step(cursor->stmt);
  cursor->rowid++;
  if (rc == SQLITE_ROW) return SQLITE_OK;
  sqlite3_finalize(cursor->stmt);
  cursor->stmt = NULL;
  if (rc == SQLITE_DONE) return SQLITE_OK;
  return vq_vtab_error(cur->pVtab, "vqlite_snapshot_diff: %s",
                       sqlite3_errmsg(((vq_vtab *)cur->pVtab)->db));
}

/* Both ids must name snapshots of the schema. */
static int diff_check_ids(diff_cursor *cursor, sqlite3 *db) {
  for (int side = 0; side < 2; side++) {
    sqlite3_int64 id = side ? cursor->new_id : cursor->old_id, found = 0;
    char *sql =
        sqlite3_mprintf("SELECT count(*) FROM \"%w\".snapshots WHERE id = ?1", cursor->schema);
    int rc = sql ? query_int64(db, sql, id, NULL, 0, &found) : SQLITE_NOMEM;
    sqlite3_free(sql);
    if (rc != SQLITE_OK)
      return vq_vtab_error(
          cursor->base.pVtab,
          "vqlite_snapshot_diff: schema '%s' holds no snapshots (%s); open vqlite on a "
          "snapshot file or ATTACH one",
          cursor->schema, sqlite3_errmsg(db));
    if (!found)
      return vq_vtab_error(cursor->base.pVtab, "vqlite_snapshot_diff: %s has no snapshot %lld (%s)",
                           cursor->schema, id, side ? "new_id" : "old_id");
  }
  return SQLITE_OK;
}

/*
** xFilter: idxNum as in diff_best_index; argv holds old_id, new_id and
** schema for the bits set. Checks both ids, then runs the diff query as a
** nested statement on the same connection and passes its rows through.
*/
static int diff_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
                       sqlite3_value **argv) {
  (void)idx_str;
  diff_cursor *cursor = (diff_cursor *)cur;
  sqlite3 *db = ((vq_vtab *)cur->pVtab)->db;
  diff_reset(cursor);
  int complete = (idx_num & (DIFF_PLAN_OLD | DIFF_PLAN_NEW)) == (DIFF_PLAN_OLD | DIFF_PLAN_NEW);
  if (!complete || argc < 2 || sqlite3_value_numeric_type(argv[0]) != SQLITE_INTEGER ||
      sqlite3_value_numeric_type(argv[1]) != SQLITE_INTEGER)
    return vq_vtab_error(cur->pVtab,
                         "vqlite_snapshot_diff: needs two snapshot ids, as in "
                         "SELECT * FROM vqlite_snapshot_diff(1, 2) or "
                         "vqlite_snapshot_diff(1, 2, 'schema')");
  cursor->old_id = sqlite3_value_int64(argv[0]);
  cursor->new_id = sqlite3_value_int64(argv[1]);
  const char *schema =
      (idx_num & DIFF_PLAN_SCHEMA) && argc > 2 ? (const char *)sqlite3_value_text(argv[2]) : NULL;
  cursor->schema = sqlite3_mprintf("%s", schema ? schema : "main");
  if (cursor->schema == NULL) return SQLITE_NOMEM;
  int rc = diff_check_ids(cursor, db);
  if (rc != SQLITE_OK) return rc;
  char *sql = diff_build_sql(cursor->schema);
  if (sql == NULL) return SQLITE_NOMEM;
  rc = sqlite3_prepare_v2(db, sql, -1, &cursor->stmt, NULL);
  sqlite3_free(sql);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(cursor->stmt, 1, cursor->old_id);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(cursor->stmt, 2, cursor->new_id);
  if (rc != SQLITE_OK)
    return vq_vtab_error(cur->pVtab, "vqlite_snapshot_diff: cannot read the snapshots of %s: %s",
                         cursor->schema, sqlite3_errmsg(db));
  cursor->rowid = -1;
  return diff_next(cur);
}

static int diff_eof(sqlite3_vtab_cursor *cur) { return ((diff_cursor *)cur)->stmt == NULL; }

static int diff_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int column) {
  diff_cursor *cursor = (diff_cursor *)cur;
  switch (column) {
    case DIFF_OLD_ID: sqlite3_result_int64(ctx, cursor->old_id); break;
    case DIFF_NEW_ID: sqlite3_result_int64(ctx, cursor->new_id); break;
    case DIFF_SCHEMA: sqlite3_result_text(ctx, cursor->schema, -1, SQLITE_TRANSIENT); break;
    default: sqlite3_result_value(ctx, sqlite3_column_value(cursor->stmt, column)); break;
  }
  return SQLITE_OK;
}

static int diff_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  *rowid = ((diff_cursor *)cur)->rowid;
  return SQLITE_OK;
}

static const sqlite3_module diff_module = {
    .iVersion = 0,
    .xConnect = diff_connect,
    .xBestIndex = diff_best_index,
    .xDisconnect = vq_table_disconnect,
    .xOpen = diff_open,
    .xClose = diff_close,
    .xFilter = diff_filter,
    .xNext = diff_next,
    .xEof = diff_eof,
    .xColumn = diff_column,
    .xRowid = diff_rowid,
};

/* ---- registration ------------------------------------------------------------ */

int vq_snapshot_register(sqlite3 *db) {
  const int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY;
  int rc =
      sqlite3_create_function(db, "vqlite_snapshot", 1, flags, NULL, snapshot_function, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "vqlite_snapshot", 2, flags, NULL, snapshot_function, NULL,
                                 NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "vqlite_replay", 1, flags, NULL, replay_function, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "vqlite_replay", 2, flags, NULL, replay_function, NULL, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_create_module(db, "vqlite_snapshot_diff", &diff_module, NULL);
  return rc;
}

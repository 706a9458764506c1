/*
** processes.c: the `processes` table, one row per process.
**
**   SELECT pid, name, username, cmdline FROM processes;
**   SELECT sha256 FROM processes WHERE pid = 4242;
**   SELECT p.name, a.trusted FROM processes p, authenticode(p.path) a;
**
**   CREATE TABLE processes(pid INTEGER, ppid INTEGER, name TEXT, path TEXT,
**     cmdline TEXT, username TEXT, create_time TEXT, threads INTEGER,
**     working_set INTEGER, md5 TEXT, sha1 TEXT, sha256 TEXT)
**
** Each scan takes a fresh snapshot from the backend (platform_processes.h)
** that reads only the fields the query uses (colUsed): `pid, name` opens no
** process. `pid = N` and `pid IN (...)` are pushed down. The digests of the
** executable image are computed only for rows whose digest column is read,
** in one pass for all three, and kept in a bounded per-connection cache
** keyed by the file (Linux: device and inode of /proc/<pid>/exe; Windows: the
** path) and its version (size, mtime, inode/file index), so an unchanged file
** is read once per connection; within one scan each distinct image is looked
** at once. A process that exits or denies access mid-scan keeps a row with
** what could be read; nothing about one process fails the query.
*/
#include <string.h>

#include "file_cache.h"
#include "platform.h"
#include "vtab.h"

SQLITE_EXTENSION_INIT3

#define PROCESSES_COLUMNS(X)                                                                       \
  X(PROCESSES_PID, "pid", "INTEGER", 0, "process id")                                              \
  X(PROCESSES_PPID, "ppid", "INTEGER", 0, "parent process id")                                     \
  X(PROCESSES_NAME, "name", "TEXT", 0, "image name (svchost.exe; Linux: comm)")                    \
  X(PROCESSES_PATH, "path", "TEXT", 0, "full path of the executable; NULL when it cannot be read") \
  X(PROCESSES_CMDLINE, "cmdline", "TEXT", 0,                                                       \
    "the whole command line, never truncated; NULL when unreadable")                               \
  X(PROCESSES_USERNAME, "username", "TEXT", 0,                                                     \
    "Windows DOMAIN\\user; Linux the user name (uid as text when unknown)")                        \
  X(PROCESSES_CREATE_TIME, "create_time", "TEXT", 0, "when the process started, UTC RFC 3339")     \
  X(PROCESSES_THREADS, "threads", "INTEGER", 0, "number of threads")                               \
  X(PROCESSES_WORKING_SET, "working_set", "INTEGER", 0, "resident bytes")                          \
  X(PROCESSES_MD5, "md5", "TEXT", 0, "MD5 of the executable, lowercase hex; NULL when unreadable") \
  X(PROCESSES_SHA1, "sha1", "TEXT", 0,                                                             \
    "SHA-1 of the executable, lowercase hex; NULL when unreadable")                                \
  X(PROCESSES_SHA256, "sha256", "TEXT", 0,                                                         \
    "SHA-256 of the executable, lowercase hex; NULL when unreadable")

enum { PROCESSES_COLUMNS(VQ_COLUMN_ENUM) PROCESSES_NCOLUMN };
static const vq_column processes_columns[] = {PROCESSES_COLUMNS(VQ_COLUMN_SPEC)};

/* Digests of up to this many executables are remembered per connection. */
#define PROCESSES_DIGEST_CACHE_SIZE 4096
/* Distinct executables remembered within one scan. */
#define PROCESSES_SCAN_MEMO_SIZE 1024

static const sqlite3_module processes_module;

const vq_table processes_table = {
    "processes",
    "one row per process",
    "Windows: Toolhelp snapshot, OpenProcess with the least right each column needs, "
    "QueryFullProcessImageNameW, the command line from NtQueryInformationProcess or the PEB, "
    "the token user, GetProcessTimes, working set; digests through BCrypt. "
    "Linux: /proc/<pid>/{stat,status,cmdline,exe}, getpwuid_r; digests through libcrypto.",
    processes_columns,
    PROCESSES_NCOLUMN,
    &processes_module};

typedef struct processes_vtab {
  vq_vtab base;
  vq_file_cache *digest_cache; /* per connection, bounded */
} processes_vtab;

typedef struct processes_cursor {
  sqlite3_vtab_cursor base;
  vq_process_set set;
  size_t index;
  vq_int_set pids;
  int digest_state; /* for the current row: 0 not yet, 1 ready, -1 unreadable */
  vq_file_digests digests;
  /* This scan's answers by image key alone (an md5 of "" marks an unreadable
   * file): a file shared by many processes is looked at once per scan. */
  vq_file_cache *scan_digests;
} processes_cursor;

static int processes_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                             sqlite3_vtab **out, char **errmsg) {
  (void)aux, (void)argc, (void)argv;
  int rc = vq_table_connect(db, &processes_table, sizeof(processes_vtab), out, errmsg);
  if (rc != SQLITE_OK) return rc;
  processes_vtab *vtab = (processes_vtab *)*out;
  vtab->digest_cache = vq_file_cache_new(PROCESSES_DIGEST_CACHE_SIZE);
  if (vtab->digest_cache == NULL) {
    vq_table_disconnect(*out);
    *out = NULL;
    return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

static int processes_disconnect(sqlite3_vtab *base) {
  vq_file_cache_free(((processes_vtab *)base)->digest_cache);
  return vq_table_disconnect(base);
}

static int processes_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out) {
  (void)vtab;
  processes_cursor *cursor = sqlite3_malloc(sizeof *cursor);
  if (cursor == NULL) return SQLITE_NOMEM;
  memset(cursor, 0, sizeof *cursor);
  *out = &cursor->base;
  return SQLITE_OK;
}

static int processes_close(sqlite3_vtab_cursor *cur) {
  processes_cursor *cursor = (processes_cursor *)cur;
  vq_file_cache_free(cursor->scan_digests);
  vq_processes_free(&cursor->set);
  vq_int_set_clear(&cursor->pids);
  sqlite3_free(cursor);
  return SQLITE_OK;
}

/* idxNum bits. */
#define PROCESSES_PLAN_PID 0x1       /* argv[0] is the pid (or the IN list of pids) */
#define PROCESSES_PLAN_PID_IN 0x2    /* ... given as an IN list, read with sqlite3_vtab_in_first */
#define PROCESSES_PLAN_FIELD_SHIFT 8 /* bits 8..: the VQ_PROCESS_FIELD_* mask the query needs */

/* The backend fields that the used columns need. */
static unsigned processes_fields_from_columns(sqlite3_uint64 col_used) {
  unsigned fields = 0;
  if (vq_column_used(col_used, PROCESSES_NAME) || vq_column_used(col_used, PROCESSES_PPID))
    fields |= VQ_PROCESS_FIELD_NAME;
  if (vq_column_used(col_used, PROCESSES_PATH)) fields |= VQ_PROCESS_FIELD_PATH;
  if (vq_column_used(col_used, PROCESSES_MD5) || vq_column_used(col_used, PROCESSES_SHA1) ||
      vq_column_used(col_used, PROCESSES_SHA256))
    fields |= vq_process_image_fields();
  if (vq_column_used(col_used, PROCESSES_CMDLINE)) fields |= VQ_PROCESS_FIELD_CMDLINE;
  if (vq_column_used(col_used, PROCESSES_USERNAME)) fields |= VQ_PROCESS_FIELD_USERNAME;
  if (vq_column_used(col_used, PROCESSES_CREATE_TIME)) fields |= VQ_PROCESS_FIELD_CREATE_TIME;
  if (vq_column_used(col_used, PROCESSES_THREADS)) fields |= VQ_PROCESS_FIELD_THREADS;
  if (vq_column_used(col_used, PROCESSES_WORKING_SET)) fields |= VQ_PROCESS_FIELD_WORKING_SET;
  return fields;
}

/*
** Plans. idxNum:
**   bit 0x1   `pid = ?` or `pid IN (...)` is pushed down as argv[0]; only those
**             pids are read (Linux: /proc/<pid> alone; Windows: the snapshot
**             rows are filtered before any process is opened)
**   bit 0x2   that constraint is an IN list, read whole (sqlite3_vtab_in)
**   bits 8..  the VQ_PROCESS_FIELD_* mask from colUsed: what the backend reads
** Costs assume about 1,000 processes and a per-process read cost of 10: a
** full scan costs 10,000 for 1,000 rows; a pid lookup 10 per pid, 1 row each.
*/
static int processes_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  (void)vtab;
  int idx_num = (int)(processes_fields_from_columns(info->colUsed) << PROCESSES_PLAN_FIELD_SHIFT);
  int constraint = vq_plan_int_filter(info, PROCESSES_PID, 1);
  if (constraint >= 0) {
    idx_num |= PROCESSES_PLAN_PID;
    if (sqlite3_vtab_in(info, constraint, -1)) idx_num |= PROCESSES_PLAN_PID_IN;
    info->estimatedCost = 10;
    info->estimatedRows = 1;
    if (!(idx_num & PROCESSES_PLAN_PID_IN)) info->idxFlags |= SQLITE_INDEX_SCAN_UNIQUE;
  } else {
    info->estimatedCost = 10000;
    info->estimatedRows = 1000;
  }
  info->idxNum = idx_num;
  return SQLITE_OK;
}

/*
** xFilter: drops the previous snapshot, collects the pids of a pushed-down
** `pid = ?` / `pid IN (...)` (bits 0x1, 0x2 of idxNum; an empty set means
** no row), and takes a snapshot reading the fields in idxNum >> 8.
*/
static int processes_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
                            sqlite3_value **argv) {
  (void)idx_str;
  processes_cursor *cursor = (processes_cursor *)cur;
  vq_processes_free(&cursor->set);
  vq_int_set_clear(&cursor->pids);
  vq_file_cache_free(cursor->scan_digests);
  cursor->scan_digests = NULL;
  cursor->index = 0;
  cursor->digest_state = 0;
  int filtered = (idx_num & PROCESSES_PLAN_PID) && argc > 0;
  if (filtered) {
    int rc = vq_collect_int_filter(argv[0], (idx_num & PROCESSES_PLAN_PID_IN) != 0, &cursor->pids);
    if (rc != SQLITE_OK) return rc;
    if (cursor->pids.count == 0) return SQLITE_OK;
  }
  unsigned fields = (unsigned)idx_num >> PROCESSES_PLAN_FIELD_SHIFT;
  vq_error error = {{0}};
  if (vq_processes_snapshot(&cursor->set, fields, filtered ? cursor->pids.values : NULL,
                            filtered ? (size_t)cursor->pids.count : 0, &error) != 0)
    return vq_vtab_error(cur->pVtab, "%s", error.message);
  return SQLITE_OK;
}

static int processes_next(sqlite3_vtab_cursor *cur) {
  processes_cursor *cursor = (processes_cursor *)cur;
  cursor->index++;
  cursor->digest_state = 0;
  return SQLITE_OK;
}

static int processes_eof(sqlite3_vtab_cursor *cur) {
  processes_cursor *cursor = (processes_cursor *)cur;
  return cursor->index >= cursor->set.count;
}

/* The digests of the image: from the connection's cache when its file has
 * not changed, else read once and remembered; 0, or -1 when unreadable. */
static int processes_image_digests(vq_file_cache *cache, const vq_process *row,
                                   vq_process_image *image, vq_file_digests *digests) {
  vq_error error;
  if (vq_process_image_identify(row, image, &error) != 0) return -1;
  const vq_file_digests *cached = vq_file_cache_get_digests(cache, image->key, &image->identity);
  if (cached) {
    *digests = *cached;
    return 0;
  }
  vq_file_identity read;
  if (vq_process_image_digests(row, digests, &read, &error) != 0) return -1;
  /* Remembered only when what was read is the file the key names (the
   * process may have exec'd another between the two calls); a full cache
   * costs a recomputation later, never a wrong answer. */
  if (read.inode == image->identity.inode && read.device == image->identity.device)
    (void)vq_file_cache_put_digests(cache, image->key, &read, digests);
  return 0;
}

/* The digests of the current row's executable, once per image per scan;
 * 0 when ready, -1 when the file cannot be read (the columns are NULL). */
static int processes_row_digests(processes_cursor *cursor) {
  if (cursor->digest_state != 0) return cursor->digest_state > 0 ? 0 : -1;
  cursor->digest_state = -1;
  const vq_process *row = &cursor->set.rows[cursor->index];
  vq_process_image image;
  if (vq_process_image_locate(row, &image) != 0) return -1;
  static const vq_file_identity this_scan = {0, 0, 0, 0};
  if (cursor->scan_digests == NULL)
    cursor->scan_digests = vq_file_cache_new(PROCESSES_SCAN_MEMO_SIZE);
  const vq_file_digests *seen =
      vq_file_cache_get_digests(cursor->scan_digests, image.key, &this_scan);
  if (seen) {
    cursor->digests = *seen;
  } else {
    vq_file_cache *cache = ((processes_vtab *)cursor->base.pVtab)->digest_cache;
    if (processes_image_digests(cache, row, &image, &cursor->digests) != 0)
      memset(&cursor->digests, 0, sizeof cursor->digests);
    (void)vq_file_cache_put_digests(cursor->scan_digests, image.key, &this_scan, &cursor->digests);
  }
  if (cursor->digests.md5[0] == 0) return -1;
  cursor->digest_state = 1;
  return 0;
}

static void processes_result_int_or_null(sqlite3_context *ctx, int64_t value) {
  if (value >= 0)
    sqlite3_result_int64(ctx, value);
  else
    sqlite3_result_null(ctx);
}

static int processes_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int column) {
  processes_cursor *cursor = (processes_cursor *)cur;
  const vq_process *row = &cursor->set.rows[cursor->index];
  char time_text[32];
  switch (column) {
    case PROCESSES_PID: sqlite3_result_int64(ctx, row->pid); break;
    case PROCESSES_PPID: processes_result_int_or_null(ctx, row->ppid); break;
    case PROCESSES_NAME: vq_result_text_or_null(ctx, row->name); break;
    case PROCESSES_PATH: vq_result_text_or_null(ctx, row->path); break;
    case PROCESSES_CMDLINE: vq_result_text_or_null(ctx, row->cmdline); break;
    case PROCESSES_USERNAME: vq_result_text_or_null(ctx, row->username); break;
    case PROCESSES_CREATE_TIME:
      if (row->create_time < 0) {
        sqlite3_result_null(ctx);
      } else {
        vq_format_utc(row->create_time, time_text);
        sqlite3_result_text(ctx, time_text, -1, SQLITE_TRANSIENT);
      }
      break;
    case PROCESSES_THREADS: processes_result_int_or_null(ctx, row->threads); break;
    case PROCESSES_WORKING_SET: processes_result_int_or_null(ctx, row->working_set); break;
    case PROCESSES_MD5:
    case PROCESSES_SHA1:
    case PROCESSES_SHA256:
      if (processes_row_digests(cursor) != 0) {
        sqlite3_result_null(ctx);
        break;
      }
      vq_result_text_or_null(ctx, column == PROCESSES_MD5    ? cursor->digests.md5
                                  : column == PROCESSES_SHA1 ? cursor->digests.sha1
                                                             : cursor->digests.sha256);
      break;
    default: sqlite3_result_null(ctx); break;
  }
  return SQLITE_OK;
}

static int processes_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  processes_cursor *cursor = (processes_cursor *)cur;
  *rowid = cursor->set.rows[cursor->index].pid;
  return SQLITE_OK;
}

static const sqlite3_module processes_module = {
    .xConnect = processes_connect,
    .xBestIndex = processes_best_index,
    .xDisconnect = processes_disconnect,
    .xOpen = processes_open,
    .xClose = processes_close,
    .xFilter = processes_filter,
    .xNext = processes_next,
    .xEof = processes_eof,
    .xColumn = processes_column,
    .xRowid = processes_rowid,
};

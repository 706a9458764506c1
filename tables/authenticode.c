/*
** authenticode.c: the `authenticode(path)` table-valued function, one row
** per path asked: who signed the file, and whether the system trusts it.
**
**   SELECT * FROM authenticode('C:\Windows\notepad.exe');
**   SELECT p.name, a.trusted FROM processes p, authenticode(p.path) a;
**
**   CREATE TABLE authenticode(filename TEXT, program_name TEXT,
**     publisher_link TEXT, more_info_link TEXT, serial_number TEXT,
**     issuer_name TEXT, subject_name TEXT, timestamp TEXT, trusted TEXT,
**     detail TEXT, catalog TEXT, path TEXT HIDDEN)
**
** `trusted` is one of trusted, unsigned, untrusted, disallowed, error; a
** missing file, a directory or an unreadable file is one row with 'error'
** and a detail saying which, never a failed query. Without a path, or with a
** literal NULL one, the query fails with a message saying that authenticode
** needs a path; a NULL that comes from a join (a process whose path could not
** be read) gives no row, so one unreadable process never fails a join.
** Results are cached per connection by (path, size, mtime, inode/file index).
** The verification itself is the backend's (platform_signatures.h).
*/
#include <string.h>

#include "file_cache.h"
#include "platform.h"
#include "vtab.h"

SQLITE_EXTENSION_INIT3

#define AUTHENTICODE_COLUMNS(X)                                                                 \
  X(AUTHENTICODE_FILENAME, "filename", "TEXT", 0, "the path as given")                          \
  X(AUTHENTICODE_PROGRAM_NAME, "program_name", "TEXT", 0,                                       \
    "program name from the signer's SpcSpOpusInfo")                                             \
  X(AUTHENTICODE_PUBLISHER_LINK, "publisher_link", "TEXT", 0,                                   \
    "publisher link from the signer's SpcSpOpusInfo")                                           \
  X(AUTHENTICODE_MORE_INFO_LINK, "more_info_link", "TEXT", 0,                                   \
    "more-info link from the signer's SpcSpOpusInfo")                                           \
  X(AUTHENTICODE_SERIAL_NUMBER, "serial_number", "TEXT", 0,                                     \
    "signer certificate serial, lowercase hex")                                                 \
  X(AUTHENTICODE_ISSUER_NAME, "issuer_name", "TEXT", 0, "signer certificate issuer name")       \
  X(AUTHENTICODE_SUBJECT_NAME, "subject_name", "TEXT", 0, "signer certificate subject name")    \
  X(AUTHENTICODE_TIMESTAMP, "timestamp", "TEXT", 0, "signing time, UTC RFC 3339; NULL if none") \
  X(AUTHENTICODE_TRUSTED, "trusted", "TEXT", 0,                                                 \
    "trusted, unsigned, untrusted, disallowed or error")                                        \
  X(AUTHENTICODE_DETAIL, "detail", "TEXT", 0,                                                   \
    "why: the verification result in words and its code")                                       \
  X(AUTHENTICODE_CATALOG, "catalog", "TEXT", 0,                                                 \
    "security catalog that signs the file; NULL when embedded or none")                         \
  X(AUTHENTICODE_PATH, "path", "TEXT", 1, "the file to check (the function's argument)")

enum { AUTHENTICODE_COLUMNS(VQ_COLUMN_ENUM) AUTHENTICODE_NCOLUMN };
static const vq_column authenticode_columns[] = {AUTHENTICODE_COLUMNS(VQ_COLUMN_SPEC)};

/* Results for up to this many files are remembered per connection. */
#define AUTHENTICODE_CACHE_SIZE 1024

#define AUTHENTICODE_NEEDS_PATH \
  "authenticode: a path is required, as in SELECT * FROM authenticode('C:\\x.exe')"

static const sqlite3_module authenticode_module;

const vq_table authenticode_table = {
    "authenticode",
    "one row per path asked: the file's Authenticode signer and trust",
    "Windows: WinVerifyTrust (no UI, no revocation check) on the embedded signature, else the "
    "system catalogs; signer details through CryptQueryObject and CryptMsgGetParam. Linux: ELF and "
    "other non-PE files are unsigned; PE files are an error (embedded-signature verification on "
    "Linux is not available yet).",
    authenticode_columns,
    AUTHENTICODE_NCOLUMN,
    &authenticode_module};

typedef struct authenticode_vtab {
  vq_vtab base;
  vq_file_cache *cache; /* per connection, bounded */
} authenticode_vtab;

typedef struct authenticode_cursor {
  sqlite3_vtab_cursor base;
  char *path; /* sqlite3_malloc'd; NULL when there is no row */
  vq_signature signature;
  int at_end;
} authenticode_cursor;

static int authenticode_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                                sqlite3_vtab **out, char **errmsg) {
  (void)aux, (void)argc, (void)argv;
  int rc = vq_table_connect(db, &authenticode_table, sizeof(authenticode_vtab), out, errmsg);
  if (rc != SQLITE_OK) return rc;
  authenticode_vtab *vtab = (authenticode_vtab *)*out;
  vtab->cache = vq_file_cache_new(AUTHENTICODE_CACHE_SIZE);
  if (vtab->cache == NULL) {
    vq_table_disconnect(*out);
    *out = NULL;
    return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

static int authenticode_disconnect(sqlite3_vtab *base) {
  vq_file_cache_free(((authenticode_vtab *)base)->cache);
  return vq_table_disconnect(base);
}

static int authenticode_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out) {
  (void)vtab;
  authenticode_cursor *cursor = sqlite3_malloc(sizeof *cursor);
  if (cursor == NULL) return SQLITE_NOMEM;
  memset(cursor, 0, sizeof *cursor);
  cursor->signature.timestamp = -1;
  cursor->at_end = 1;
  *out = &cursor->base;
  return SQLITE_OK;
}

static void authenticode_reset(authenticode_cursor *cursor) {
  sqlite3_free(cursor->path);
  cursor->path = NULL;
  vq_signature_clear(&cursor->signature);
  cursor->at_end = 1;
}

static int authenticode_close(sqlite3_vtab_cursor *cur) {
  authenticode_reset((authenticode_cursor *)cur);
  sqlite3_free(cur);
  return SQLITE_OK;
}

/* idxNum bits. */
#define AUTHENTICODE_PLAN_PATH 0x1         /* argv[0] is the path */
#define AUTHENTICODE_PLAN_LITERAL_NULL 0x2 /* ... and it is a NULL written in the query */

/*
** Plans. idxNum:
**   0                 no usable `path = ?`: xFilter fails with "a path is
**                     required"; the cost is huge so that any plan that can
**                     supply the path (a join that runs first) wins
**   0x1               the path is argv[0] (one row: cost 1, 1 row)
**   0x1|0x2           the path is a literal NULL: xFilter fails as for 0
** A constraint on path that is not usable yet (a join in the wrong order)
** answers SQLITE_CONSTRAINT, so SQLite picks an order that can supply it.
*/
static int authenticode_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  (void)vtab;
  int unusable = 0;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (c->iColumn != AUTHENTICODE_PATH || c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    if (!c->usable) {
      unusable = 1;
      continue;
    }
    info->aConstraintUsage[i].argvIndex = 1;
    info->aConstraintUsage[i].omit = 1;
    info->idxNum = AUTHENTICODE_PLAN_PATH;
    sqlite3_value *literal = NULL;
    if (sqlite3_vtab_rhs_value(info, i, &literal) == SQLITE_OK && literal &&
        sqlite3_value_type(literal) == SQLITE_NULL)
      info->idxNum |= AUTHENTICODE_PLAN_LITERAL_NULL;
    info->estimatedCost = 1;
    info->estimatedRows = 1;
    info->idxFlags |= SQLITE_INDEX_SCAN_UNIQUE;
    return SQLITE_OK;
  }
  if (unusable) return SQLITE_CONSTRAINT;
  info->idxNum = 0;
  info->estimatedCost = 1e18;
  info->estimatedRows = 1;
  return SQLITE_OK;
}

/* The check of `path`, from this connection's cache when the file has not
 * changed since it was last checked. */
static void authenticode_check_cached(vq_file_cache *cache, const char *path,
                                      vq_signature *signature) {
  vq_file_identity identity;
  vq_error error;
  if (vq_file_identity_read(path, &identity, &error) != 0) {
    /* Missing, a directory, unreadable: the backend says which, uncached. */
    vq_signature_check(path, signature);
    return;
  }
  const vq_signature *cached = vq_file_cache_get_signature(cache, path, &identity);
  if (cached && vq_signature_copy(signature, cached) == 0) return;
  vq_signature_check(path, signature);
  /* A full cache costs a recheck later, never a wrong answer. */
  (void)vq_file_cache_put_signature(cache, path, &identity, signature);
}

/*
** xFilter: idxNum as above. With the path in argv[0]: a NULL from a join gives
** no row; any other value is checked (cached) into the cursor's one row.
*/
static int authenticode_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
                               sqlite3_value **argv) {
  (void)idx_str;
  authenticode_cursor *cursor = (authenticode_cursor *)cur;
  authenticode_reset(cursor);
  if (!(idx_num & AUTHENTICODE_PLAN_PATH) || (idx_num & AUTHENTICODE_PLAN_LITERAL_NULL) || argc < 1)
    return vq_vtab_error(cur->pVtab, "%s", AUTHENTICODE_NEEDS_PATH);
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return SQLITE_OK;
  const char *path = (const char *)sqlite3_value_text(argv[0]);
  if (path == NULL) return SQLITE_NOMEM;
  cursor->path = sqlite3_mprintf("%s", path);
  if (cursor->path == NULL) return SQLITE_NOMEM;
  authenticode_check_cached(((authenticode_vtab *)cur->pVtab)->cache, cursor->path,
                            &cursor->signature);
  if (cursor->signature.detail == NULL) return SQLITE_NOMEM;
  cursor->at_end = 0;
  return SQLITE_OK;
}

static int authenticode_next(sqlite3_vtab_cursor *cur) {
  ((authenticode_cursor *)cur)->at_end = 1;
  return SQLITE_OK;
}

static int authenticode_eof(sqlite3_vtab_cursor *cur) {
  return ((authenticode_cursor *)cur)->at_end;
}

static int authenticode_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int column) {
  authenticode_cursor *cursor = (authenticode_cursor *)cur;
  const vq_signature *signature = &cursor->signature;
  char time_text[32];
  switch (column) {
    case AUTHENTICODE_FILENAME:
    case AUTHENTICODE_PATH: vq_result_text_or_null(ctx, cursor->path); break;
    case AUTHENTICODE_PROGRAM_NAME: vq_result_text_or_null(ctx, signature->program_name); break;
    case AUTHENTICODE_PUBLISHER_LINK: vq_result_text_or_null(ctx, signature->publisher_link); break;
    case AUTHENTICODE_MORE_INFO_LINK: vq_result_text_or_null(ctx, signature->more_info_link); break;
    case AUTHENTICODE_SERIAL_NUMBER: vq_result_text_or_null(ctx, signature->serial_number); break;
    case AUTHENTICODE_ISSUER_NAME: vq_result_text_or_null(ctx, signature->issuer_name); break;
    case AUTHENTICODE_SUBJECT_NAME: vq_result_text_or_null(ctx, signature->subject_name); break;
    case AUTHENTICODE_TIMESTAMP:
      if (signature->timestamp < 0) {
        sqlite3_result_null(ctx);
      } else {
        vq_format_utc(signature->timestamp, time_text);
        sqlite3_result_text(ctx, time_text, -1, SQLITE_TRANSIENT);
      }
      break;
    case AUTHENTICODE_TRUSTED:
      sqlite3_result_text(ctx, vq_trust_name(signature->trust), -1, SQLITE_STATIC);
      break;
    case AUTHENTICODE_DETAIL: vq_result_text_or_null(ctx, signature->detail); break;
    case AUTHENTICODE_CATALOG: vq_result_text_or_null(ctx, signature->catalog); break;
    default: sqlite3_result_null(ctx); break;
  }
  return SQLITE_OK;
}

static int authenticode_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  (void)cur;
  *rowid = 1;
  return SQLITE_OK;
}

static const sqlite3_module authenticode_module = {
    .xConnect = authenticode_connect,
    .xBestIndex = authenticode_best_index,
    .xDisconnect = authenticode_disconnect,
    .xOpen = authenticode_open,
    .xClose = authenticode_close,
    .xFilter = authenticode_filter,
    .xNext = authenticode_next,
    .xEof = authenticode_eof,
    .xColumn = authenticode_column,
    .xRowid = authenticode_rowid,
};

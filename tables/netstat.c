/*
** netstat.c: the `netstat` table, one row per TCP or UDP endpoint of the host,
** IPv4 and IPv6, with its owning process.
**
**   SELECT pid, local_port FROM netstat WHERE status = 'LISTEN' AND local_port = 445;
**   SELECT * FROM netstat WHERE pid = 1234;
**   SELECT pid, count(*) FROM netstat WHERE status = 'ESTAB' GROUP BY pid;
**
**   CREATE TABLE netstat(pid INTEGER, family TEXT, type TEXT, status TEXT,
**     local_address TEXT, local_port INTEGER, remote_address TEXT,
**     remote_port INTEGER, created TEXT, inode INTEGER, uid INTEGER,
**     module TEXT, module_path TEXT)
**
** Eponymous-only, read-only, DIRECTONLY. Each scan takes a fresh snapshot from
** the backend (platform_sockets.h) in xFilter. What costs OS work is done only
** when the query needs it: the owning pid (Linux: a walk of /proc/<pid>/fd)
** only when `pid` is used, and `pid = N` / `pid IN (...)` are pushed down so
** only those processes are searched; the owning module (Windows) only when
** `module` or `module_path` is used. Addresses are formatted only when read.
** Spellings: family 'IPv4'/'IPv6', type 'TCP'/'UDP', status as Velociraptor
** ('LISTEN', 'ESTAB', ...; '' for UDP), remote_* NULL for UDP.
*/
#include <string.h>

#include "platform.h"
#include "vtab.h"

SQLITE_EXTENSION_INIT3

#define NETSTAT_COLUMNS(X)                                                                         \
  X(NETSTAT_PID, "pid", "INTEGER", 0,                                                              \
    "owning process; Windows: the table's owning pid; Linux: the lowest pid holding the socket, "  \
    "NULL when none does")                                                                         \
  X(NETSTAT_FAMILY, "family", "TEXT", 0, "IPv4 or IPv6")                                           \
  X(NETSTAT_TYPE, "type", "TEXT", 0, "TCP or UDP")                                                 \
  X(NETSTAT_STATUS, "status", "TEXT", 0,                                                           \
    "TCP state as Velociraptor spells it (LISTEN, ESTAB, TIME_WAIT, ...); '' for UDP")             \
  X(NETSTAT_LOCAL_ADDRESS, "local_address", "TEXT", 0, "local address, RFC 5952 text")             \
  X(NETSTAT_LOCAL_PORT, "local_port", "INTEGER", 0, "local port")                                  \
  X(NETSTAT_REMOTE_ADDRESS, "remote_address", "TEXT", 0, "remote address; NULL for UDP")           \
  X(NETSTAT_REMOTE_PORT, "remote_port", "INTEGER", 0, "remote port; NULL for UDP")                 \
  X(NETSTAT_CREATED, "created", "TEXT", 0,                                                         \
    "when the socket was created, UTC RFC 3339; Windows only (NULL on Linux, which keeps no such " \
    "time)")                                                                                       \
  X(NETSTAT_INODE, "inode", "INTEGER", 0,                                                          \
    "Linux: the socket's inode (0 for TIME_WAIT and half-open requests); NULL on Windows")         \
  X(NETSTAT_UID, "uid", "INTEGER", 0, "Linux: the uid that owns the socket; NULL on Windows")      \
  X(NETSTAT_MODULE, "module", "TEXT", 0,                                                           \
    "Windows: the owning module, or the service inside svchost.exe, from "                         \
    "GetOwnerModuleFrom*Entry "                                                                    \
    "(looked up only when selected); NULL on Linux and when Windows cannot tell")                  \
  X(NETSTAT_MODULE_PATH, "module_path", "TEXT", 0,                                                 \
    "Windows: the owning module's path (looked up only when selected); NULL on Linux")

enum { NETSTAT_COLUMNS(VQ_COLUMN_ENUM) NETSTAT_NCOLUMN };
static const vq_column netstat_columns[] = {NETSTAT_COLUMNS(VQ_COLUMN_SPEC)};

static const sqlite3_module netstat_module;

const vq_table netstat_table = {
    "netstat",
    "one row per TCP or UDP endpoint, IPv4 and IPv6, with its owning process",
    "Windows: GetExtendedTcpTable/GetExtendedUdpTable (OWNER_MODULE classes, OWNER_PID where "
    "refused), module via GetOwnerModuleFrom*Entry; Linux: sock_diag netlink dumps (/proc/net "
    "fallback), pid from /proc/<pid>/fd, created NULL",
    netstat_columns,
    NETSTAT_NCOLUMN,
    &netstat_module};

/* idxNum bits (see netstat_best_index). */
enum {
  NETSTAT_PLAN_PID_FILTER = 1, /* argv[0] holds `pid = ?` or the `pid IN (...)` list */
  NETSTAT_PLAN_PID_IN = 2,     /* ... an IN list, read whole with sqlite3_vtab_in_first */
  NETSTAT_PLAN_WANT_PID = 4,   /* the query reads pid: find owners */
  NETSTAT_PLAN_WANT_MODULE = 8 /* the query reads module or module_path */
};

typedef struct netstat_cursor {
  sqlite3_vtab_cursor base;
  vq_socket_set set;
  size_t row;
  int filtered; /* only rows whose pid is in `pids` */
  vq_int_set pids;
  char address[46]; /* the last address formatted */
} netstat_cursor;

static int netstat_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                           sqlite3_vtab **out, char **errmsg) {
  (void)aux, (void)argc, (void)argv;
  return vq_table_connect(db, &netstat_table, sizeof(vq_vtab), out, errmsg);
}

static int netstat_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out) {
  (void)vtab;
  netstat_cursor *cursor = sqlite3_malloc64(sizeof *cursor);
  if (cursor == NULL) return SQLITE_NOMEM;
  memset(cursor, 0, sizeof *cursor);
  *out = &cursor->base;
  return SQLITE_OK;
}

static void netstat_reset(netstat_cursor *cursor) {
  vq_sockets_free(&cursor->set);
  vq_int_set_clear(&cursor->pids);
  cursor->row = 0;
  cursor->filtered = 0;
}

static int netstat_close(sqlite3_vtab_cursor *cur) {
  netstat_reset((netstat_cursor *)cur);
  sqlite3_free(cur);
  return SQLITE_OK;
}

/*
** Plans. idxNum bits:
**   NETSTAT_PLAN_PID_FILTER  a usable `pid = ?` or `pid IN (...)` is claimed
**                            (argvIndex 1, omitted): only those processes are
**                            searched and only their sockets returned;
**   NETSTAT_PLAN_PID_IN      that constraint is an IN list, taken whole;
**   NETSTAT_PLAN_WANT_PID    colUsed has pid (or the filter needs it);
**   NETSTAT_PLAN_WANT_MODULE colUsed has module or module_path.
** Estimates assume about 1,000 endpoints on a host and about 10 per process;
** finding pids multiplies the cost (every process's fd table is read) unless a
** pid filter narrows it to a few processes.
*/
static int netstat_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  (void)vtab;
  int plan = 0;
  int filter = vq_plan_int_filter(info, NETSTAT_PID, 1);
  if (filter >= 0) {
    plan |= NETSTAT_PLAN_PID_FILTER | NETSTAT_PLAN_WANT_PID;
    if (sqlite3_vtab_in(info, filter, -1)) plan |= NETSTAT_PLAN_PID_IN;
  }
  if (vq_column_used(info->colUsed, NETSTAT_PID)) plan |= NETSTAT_PLAN_WANT_PID;
  if (vq_column_used(info->colUsed, NETSTAT_MODULE) ||
      vq_column_used(info->colUsed, NETSTAT_MODULE_PATH))
    plan |= NETSTAT_PLAN_WANT_MODULE;
  info->idxNum = plan;
  if (plan & NETSTAT_PLAN_PID_FILTER) {
    info->estimatedCost = 2000;
    info->estimatedRows = 10;
  } else {
    info->estimatedCost = (plan & NETSTAT_PLAN_WANT_PID) ? 100000 : 10000;
    info->estimatedRows = 1000;
  }
  return SQLITE_OK;
}

static int netstat_row_matches(const netstat_cursor *cursor) {
  const vq_socket *row = &cursor->set.rows[cursor->row];
  if (!cursor->filtered) return 1;
  return (row->flags & VQ_SOCKET_HAS_PID) && vq_int_set_contains(&cursor->pids, row->pid);
}

static void netstat_skip_unmatched(netstat_cursor *cursor) {
  while (cursor->row < cursor->set.count && !netstat_row_matches(cursor)) cursor->row++;
}

/*
** xFilter: takes a fresh snapshot for the plan in idxNum (bits above). With
** NETSTAT_PLAN_PID_FILTER, argv[0] is the pid (or the IN list); its values
** become the sorted list of processes whose fds are read, and rows whose pid
** is not in it are skipped. A filter with no integer value (`pid = 'x'`,
** `pid IN (NULL)`) matches nothing and takes no snapshot at all.
*/
static int netstat_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
                          sqlite3_value **argv) {
  (void)idx_str;
  netstat_cursor *cursor = (netstat_cursor *)cur;
  netstat_reset(cursor);
  vq_socket_options options = {0};
  options.want_pid = (idx_num & NETSTAT_PLAN_WANT_PID) != 0;
  options.want_module = (idx_num & NETSTAT_PLAN_WANT_MODULE) != 0;
  if ((idx_num & NETSTAT_PLAN_PID_FILTER) && argc >= 1) {
    int rc = vq_collect_int_filter(argv[0], (idx_num & NETSTAT_PLAN_PID_IN) != 0, &cursor->pids);
    if (rc != SQLITE_OK) return rc;
    cursor->filtered = 1;
    if (cursor->pids.count == 0) return SQLITE_OK; /* nothing can match */
    options.pids = cursor->pids.values;
    options.pid_count = (size_t)cursor->pids.count;
  }
  vq_error error = {{0}};
  if (vq_sockets_snapshot(&options, &cursor->set, &error) != 0)
    return vq_vtab_error(cur->pVtab, "netstat: %s", error.message);
  netstat_skip_unmatched(cursor);
  return SQLITE_OK;
}

static int netstat_next(sqlite3_vtab_cursor *cur) {
  netstat_cursor *cursor = (netstat_cursor *)cur;
  cursor->row++;
  netstat_skip_unmatched(cursor);
  return SQLITE_OK;
}

static int netstat_eof(sqlite3_vtab_cursor *cur) {
  const netstat_cursor *cursor = (const netstat_cursor *)cur;
  return cursor->row >= cursor->set.count;
}

static void netstat_result_address(netstat_cursor *cursor, sqlite3_context *ctx,
                                   const vq_socket *row, const unsigned char *address) {
  vq_socket_address_text(row->family, address, cursor->address);
  sqlite3_result_text(ctx, cursor->address, -1, SQLITE_TRANSIENT);
}

static int netstat_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int column) {
  netstat_cursor *cursor = (netstat_cursor *)cur;
  const vq_socket *row = &cursor->set.rows[cursor->row];
  int udp = row->protocol == VQ_SOCKET_UDP;
  switch (column) {
    case NETSTAT_PID:
      if (row->flags & VQ_SOCKET_HAS_PID) sqlite3_result_int64(ctx, row->pid);
      break;
    case NETSTAT_FAMILY:
      sqlite3_result_text(ctx, row->family == 4 ? "IPv4" : "IPv6", 4, SQLITE_STATIC);
      break;
    case NETSTAT_TYPE: sqlite3_result_text(ctx, udp ? "UDP" : "TCP", 3, SQLITE_STATIC); break;
    case NETSTAT_STATUS:
      if (udp)
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
      else if (vq_tcp_state_name(row->state))
        sqlite3_result_text(ctx, vq_tcp_state_name(row->state), -1, SQLITE_STATIC);
      break;
    case NETSTAT_LOCAL_ADDRESS: netstat_result_address(cursor, ctx, row, row->local_address); break;
    case NETSTAT_LOCAL_PORT: sqlite3_result_int(ctx, row->local_port); break;
    case NETSTAT_REMOTE_ADDRESS:
      if (!udp) netstat_result_address(cursor, ctx, row, row->remote_address);
      break;
    case NETSTAT_REMOTE_PORT:
      if (!udp) sqlite3_result_int(ctx, row->remote_port);
      break;
    case NETSTAT_CREATED:
      if (row->flags & VQ_SOCKET_HAS_CREATED) {
        char text[32];
        vq_format_utc(row->created, text);
        sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
      }
      break;
    case NETSTAT_INODE:
      if (row->flags & VQ_SOCKET_HAS_INODE) sqlite3_result_int64(ctx, (sqlite3_int64)row->inode);
      break;
    case NETSTAT_UID:
      if (row->flags & VQ_SOCKET_HAS_UID) sqlite3_result_int64(ctx, row->uid);
      break;
    case NETSTAT_MODULE: vq_result_text_or_null(ctx, row->module); break;
    case NETSTAT_MODULE_PATH: vq_result_text_or_null(ctx, row->module_path); break;
    default: break;
  }
  return SQLITE_OK;
}

static int netstat_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  *rowid = (sqlite3_int64)((netstat_cursor *)cur)->row + 1;
  return SQLITE_OK;
}

static const sqlite3_module netstat_module = {
    .xConnect = netstat_connect,
    .xBestIndex = netstat_best_index,
    .xDisconnect = vq_table_disconnect,
    .xOpen = netstat_open,
    .xClose = netstat_close,
    .xFilter = netstat_filter,
    .xNext = netstat_next,
    .xEof = netstat_eof,
    .xColumn = netstat_column,
    .xRowid = netstat_rowid,
};

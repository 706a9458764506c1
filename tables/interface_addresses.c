/*
** interface_addresses.c: the `interface_addresses` table: one row per
** address (unicast or anycast) of each network interface, from the backend's
** vq_interfaces_snapshot(). An interface without any address appears once,
** with family, address, prefix_length and kind NULL.
**
**   SELECT name, address, prefix_length FROM interface_addresses
**    WHERE family = 'IPv6';
**
**   CREATE TABLE interface_addresses(interface_index INTEGER, name TEXT,
**     mtu INTEGER, mac TEXT, flags TEXT, family TEXT, address TEXT,
**     prefix_length INTEGER, kind TEXT)
**
** Eponymous-only, read-only, DIRECTONLY. Every scan takes a fresh snapshot.
** flags is Go's net.Flags text (what Velociraptor prints):
** up|broadcast|loopback|pointtopoint|multicast|running, only those set.
*/
#include <string.h>

#include "platform.h"
#include "vtab.h"

SQLITE_EXTENSION_INIT3

#define INTERFACE_ADDRESSES_COLUMNS(X)                                                             \
  X(INTERFACE_ADDRESSES_INTERFACE_INDEX, "interface_index", "INTEGER", 0, "the interface's index") \
  X(INTERFACE_ADDRESSES_NAME, "name", "TEXT", 0, "friendly name (Windows: Ethernet; Linux: eth0)") \
  X(INTERFACE_ADDRESSES_MTU, "mtu", "INTEGER", 0, "MTU in bytes; -1 when the OS reports none")     \
  X(INTERFACE_ADDRESSES_MAC, "mac", "TEXT", 0,                                                     \
    "hardware address, lowercase and colon-separated; NULL when there is none or it is all zeros") \
  X(INTERFACE_ADDRESSES_FLAGS, "flags", "TEXT", 0,                                                 \
    "up|broadcast|loopback|pointtopoint|multicast|running, only those set, in that order")         \
  X(INTERFACE_ADDRESSES_FAMILY, "family", "TEXT", 0,                                               \
    "IPv4 or IPv6; NULL for an interface without addresses")                                       \
  X(INTERFACE_ADDRESSES_ADDRESS, "address", "TEXT", 0,                                             \
    "the address; NULL for an interface without addresses")                                        \
  X(INTERFACE_ADDRESSES_PREFIX_LENGTH, "prefix_length", "INTEGER", 0,                              \
    "on-link prefix length (anycast: 32 or 128); NULL for an interface without addresses")         \
  X(INTERFACE_ADDRESSES_KIND, "kind", "TEXT", 0,                                                   \
    "unicast or anycast; NULL for an interface without addresses")

enum { INTERFACE_ADDRESSES_COLUMNS(VQ_COLUMN_ENUM) INTERFACE_ADDRESSES_NCOLUMN };
static const vq_column interface_addresses_columns[] = {
    INTERFACE_ADDRESSES_COLUMNS(VQ_COLUMN_SPEC)};

typedef struct interface_addresses_cursor {
  sqlite3_vtab_cursor base;
  vq_interface_set set;
  size_t row;
} interface_addresses_cursor;

static const sqlite3_module interface_addresses_module;

const vq_table interface_addresses_table = {
    "interface_addresses",
    "one row per address of each network interface; one row with NULL address columns for an "
    "interface without any",
    "Windows: GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_INCLUDE_PREFIX), unicast and anycast "
    "addresses, FriendlyName, Mtu, PhysicalAddress, flags from OperStatus and IfType. "
    "Linux: rtnetlink RTM_GETLINK, RTM_GETADDR and RTM_GETANYCAST (IPv6 anycast).",
    interface_addresses_columns,
    INTERFACE_ADDRESSES_NCOLUMN,
    &interface_addresses_module};

static int interface_addresses_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                                       sqlite3_vtab **out, char **errmsg) {
  (void)aux, (void)argc, (void)argv;
  return vq_table_connect(db, &interface_addresses_table, sizeof(vq_vtab), out, errmsg);
}

static int interface_addresses_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out) {
  (void)vtab;
  interface_addresses_cursor *cursor = sqlite3_malloc64(sizeof *cursor);
  if (cursor == NULL) return SQLITE_NOMEM;
  memset(cursor, 0, sizeof *cursor);
  *out = &cursor->base;
  return SQLITE_OK;
}

static int interface_addresses_close(sqlite3_vtab_cursor *cur) {
  interface_addresses_cursor *cursor = (interface_addresses_cursor *)cur;
  vq_interfaces_free(&cursor->set);
  sqlite3_free(cursor);
  return SQLITE_OK;
}

/*
** Plan: idxNum is always 0, a full scan; nothing is pushed down (both OS
** calls return every interface at once, and SQLite filters the rows). The
** estimate assumes a host with a few dozen addresses.
*/
static int interface_addresses_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  (void)vtab;
  info->idxNum = 0;
  info->estimatedCost = 100;
  info->estimatedRows = 30;
  return SQLITE_OK;
}

/*
** xFilter: idxNum 0 (the only plan) takes a fresh snapshot of every
** interface and address; a reused cursor's previous snapshot is freed
** first. A backend failure fails the statement with the backend's message.
*/
static int interface_addresses_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str,
                                      int argc, sqlite3_value **argv) {
  (void)idx_num, (void)idx_str, (void)argc, (void)argv;
  interface_addresses_cursor *cursor = (interface_addresses_cursor *)cur;
  vq_interfaces_free(&cursor->set);
  cursor->row = 0;
  vq_error error = {{0}};
  if (vq_interfaces_snapshot(&cursor->set, &error) != 0) {
    vq_interfaces_free(&cursor->set);
    return vq_vtab_error(cur->pVtab, "%s", error.message);
  }
  return SQLITE_OK;
}

static int interface_addresses_next(sqlite3_vtab_cursor *cur) {
  ((interface_addresses_cursor *)cur)->row++;
  return SQLITE_OK;
}

static int interface_addresses_eof(sqlite3_vtab_cursor *cur) {
  interface_addresses_cursor *cursor = (interface_addresses_cursor *)cur;
  return cursor->row >= cursor->set.count;
}

/* "up|broadcast|multicast|running" from the flag bits, into out[64]. */
static void interface_addresses_flags_text(unsigned flags, char out[64]) {
  static const struct {
    unsigned bit;
    const char *name;
  } names[] = {
      {VQ_INTERFACE_UP, "up"},
      {VQ_INTERFACE_BROADCAST, "broadcast"},
      {VQ_INTERFACE_LOOPBACK, "loopback"},
      {VQ_INTERFACE_POINTTOPOINT, "pointtopoint"},
      {VQ_INTERFACE_MULTICAST, "multicast"},
      {VQ_INTERFACE_RUNNING, "running"},
  };
  size_t length = 0;
  out[0] = 0;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (!(flags & names[i].bit)) continue;
    if (length) out[length++] = '|';
    size_t name_length = strlen(names[i].name);
    memcpy(out + length, names[i].name, name_length + 1);
    length += name_length;
  }
}

static int interface_addresses_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int column) {
  interface_addresses_cursor *cursor = (interface_addresses_cursor *)cur;
  const vq_interface_address *row = &cursor->set.rows[cursor->row];
  int has_address = row->kind != VQ_ADDRESS_NONE;
  char flags[64];
  switch (column) {
    case INTERFACE_ADDRESSES_INTERFACE_INDEX:
      sqlite3_result_int64(ctx, row->interface_index);
      break;
    case INTERFACE_ADDRESSES_NAME:
      sqlite3_result_text(ctx, row->name ? row->name : "", -1, SQLITE_TRANSIENT);
      break;
    case INTERFACE_ADDRESSES_MTU: sqlite3_result_int64(ctx, row->mtu); break;
    case INTERFACE_ADDRESSES_MAC:
      vq_result_text_or_null(ctx, row->mac && row->mac[0] ? row->mac : NULL);
      break;
    case INTERFACE_ADDRESSES_FLAGS:
      interface_addresses_flags_text(row->flags, flags);
      sqlite3_result_text(ctx, flags, -1, SQLITE_TRANSIENT);
      break;
    case INTERFACE_ADDRESSES_FAMILY:
      vq_result_text_or_null(ctx, !has_address ? NULL : row->family == 6 ? "IPv6" : "IPv4");
      break;
    case INTERFACE_ADDRESSES_ADDRESS:
      vq_result_text_or_null(ctx, has_address ? row->address : NULL);
      break;
    case INTERFACE_ADDRESSES_PREFIX_LENGTH:
      if (has_address)
        sqlite3_result_int(ctx, row->prefix_length);
      else
        sqlite3_result_null(ctx);
      break;
    case INTERFACE_ADDRESSES_KIND:
      vq_result_text_or_null(ctx, !has_address                      ? NULL
                                  : row->kind == VQ_ADDRESS_ANYCAST ? "anycast"
                                                                    : "unicast");
      break;
    default: break;
  }
  return SQLITE_OK;
}

static int interface_addresses_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  *rowid = (sqlite3_int64)((interface_addresses_cursor *)cur)->row + 1;
  return SQLITE_OK;
}

static const sqlite3_module interface_addresses_module = {
    .xConnect = interface_addresses_connect,
    .xBestIndex = interface_addresses_best_index,
    .xDisconnect = vq_table_disconnect,
    .xOpen = interface_addresses_open,
    .xClose = interface_addresses_close,
    .xFilter = interface_addresses_filter,
    .xNext = interface_addresses_next,
    .xEof = interface_addresses_eof,
    .xColumn = interface_addresses_column,
    .xRowid = interface_addresses_rowid,
};

/*
** arp_cache.c: the `arp_cache` table: one row per neighbour entry, IPv4
** (ARP) and IPv6 (NDP), from the backend's vq_neighbors_snapshot().
**
**   SELECT ip_address, link_layer_address, state FROM arp_cache
**    WHERE address_family = 'IPv4';
**
**   CREATE TABLE arp_cache(interface_index INTEGER, interface_alias TEXT,
**     address_family TEXT, ip_address TEXT, link_layer_address TEXT,
**     state TEXT, store TEXT, is_router INTEGER)
**
** Eponymous-only, read-only, DIRECTONLY. Every scan takes a fresh snapshot.
** The columns spell what MSFT_NetNeighbor's numbers mean (address family
** 2/23 -> 'IPv4'/'IPv6', Store 0/1 -> 'Persistent'/'Active', State 0..6 ->
** NL_NEIGHBOR_STATE's names); the raw numbers are not columns, since those
** names map back to them one to one (docs/neighbors.md).
*/
#include <string.h>

#include "platform.h"
#include "vtab.h"

SQLITE_EXTENSION_INIT3

#define ARP_CACHE_COLUMNS(X)                                                                    \
  X(ARP_CACHE_INTERFACE_INDEX, "interface_index", "INTEGER", 0,                                 \
    "index of the interface the entry is on")                                                   \
  X(ARP_CACHE_INTERFACE_ALIAS, "interface_alias", "TEXT", 0,                                    \
    "the interface's friendly name (Windows alias, Linux ifname)")                              \
  X(ARP_CACHE_ADDRESS_FAMILY, "address_family", "TEXT", 0, "IPv4 (ARP) or IPv6 (NDP)")          \
  X(ARP_CACHE_IP_ADDRESS, "ip_address", "TEXT", 0, "the neighbour's IP address")                \
  X(ARP_CACHE_LINK_LAYER_ADDRESS, "link_layer_address", "TEXT", 0,                              \
    "its link-layer (MAC) address as Windows prints it, uppercase and dash-separated "          \
    "(00-15-5D-01-02-03); '' when there is none")                                               \
  X(ARP_CACHE_STATE, "state", "TEXT", 0,                                                        \
    "Unreachable, Incomplete, Probe, Delay, Stale, Reachable or Permanent (NL_NEIGHBOR_STATE; " \
    "Linux NUD states mapped onto these)")                                                      \
  X(ARP_CACHE_STORE, "store", "TEXT", 0,                                                        \
    "Active or Persistent (both OS APIs give Active entries only)")                             \
  X(ARP_CACHE_IS_ROUTER, "is_router", "INTEGER", 0,                                             \
    "1 when the neighbour is known to be a router (IPv6)")

enum { ARP_CACHE_COLUMNS(VQ_COLUMN_ENUM) ARP_CACHE_NCOLUMN };
static const vq_column arp_cache_columns[] = {ARP_CACHE_COLUMNS(VQ_COLUMN_SPEC)};

static const char *const arp_cache_state_names[VQ_NEIGHBOR_STATE_COUNT] = {
    [VQ_NEIGHBOR_UNREACHABLE] = "Unreachable",
    [VQ_NEIGHBOR_INCOMPLETE] = "Incomplete",
    [VQ_NEIGHBOR_PROBE] = "Probe",
    [VQ_NEIGHBOR_DELAY] = "Delay",
    [VQ_NEIGHBOR_STALE] = "Stale",
    [VQ_NEIGHBOR_REACHABLE] = "Reachable",
    [VQ_NEIGHBOR_PERMANENT] = "Permanent",
};

typedef struct arp_cache_cursor {
  sqlite3_vtab_cursor base;
  vq_neighbor_set set;
  size_t row;
} arp_cache_cursor;

static const sqlite3_module arp_cache_module;

const vq_table arp_cache_table = {
    "arp_cache",
    "one row per neighbour (ARP and NDP) entry",
    "Windows: GetIpNetTable2(AF_UNSPEC), the source MSFT_NetNeighbor wraps, active store only. "
    "Linux: rtnetlink RTM_GETNEIGH for IPv4 and IPv6, NUD states mapped onto the Windows names; "
    "store is always Active (the kernel keeps no persistent store).",
    arp_cache_columns,
    ARP_CACHE_NCOLUMN,
    &arp_cache_module};

static int arp_cache_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                             sqlite3_vtab **out, char **errmsg) {
  (void)aux, (void)argc, (void)argv;
  return vq_table_connect(db, &arp_cache_table, sizeof(vq_vtab), out, errmsg);
}

static int arp_cache_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out) {
  (void)vtab;
  arp_cache_cursor *cursor = sqlite3_malloc64(sizeof *cursor);
  if (cursor == NULL) return SQLITE_NOMEM;
  memset(cursor, 0, sizeof *cursor);
  *out = &cursor->base;
  return SQLITE_OK;
}

static int arp_cache_close(sqlite3_vtab_cursor *cur) {
  arp_cache_cursor *cursor = (arp_cache_cursor *)cur;
  vq_neighbors_free(&cursor->set);
  sqlite3_free(cursor);
  return SQLITE_OK;
}

/*
** Plan: idxNum is always 0, a full scan; nothing is pushed down (both OS
** calls return the whole table at once, and SQLite filters the rows). The
** estimate assumes a typical neighbour table of a few hundred entries.
*/
static int arp_cache_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  (void)vtab;
  info->idxNum = 0;
  info->estimatedCost = 1000;
  info->estimatedRows = 200;
  return SQLITE_OK;
}

/*
** xFilter: idxNum 0 (the only plan) takes a fresh snapshot of the whole
** neighbour table; the previous one, if this cursor is reused, is freed
** first. A backend failure fails the statement with the backend's message.
*/
static int arp_cache_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
                            sqlite3_value **argv) {
  (void)idx_num, (void)idx_str, (void)argc, (void)argv;
  arp_cache_cursor *cursor = (arp_cache_cursor *)cur;
  vq_neighbors_free(&cursor->set);
  cursor->row = 0;
  vq_error error = {{0}};
  if (vq_neighbors_snapshot(&cursor->set, &error) != 0) {
    vq_neighbors_free(&cursor->set);
    return vq_vtab_error(cur->pVtab, "%s", error.message);
  }
  return SQLITE_OK;
}

static int arp_cache_next(sqlite3_vtab_cursor *cur) {
  ((arp_cache_cursor *)cur)->row++;
  return SQLITE_OK;
}

static int arp_cache_eof(sqlite3_vtab_cursor *cur) {
  arp_cache_cursor *cursor = (arp_cache_cursor *)cur;
  return cursor->row >= cursor->set.count;
}

static int arp_cache_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int column) {
  arp_cache_cursor *cursor = (arp_cache_cursor *)cur;
  const vq_neighbor *row = &cursor->set.rows[cursor->row];
  switch (column) {
    case ARP_CACHE_INTERFACE_INDEX: sqlite3_result_int64(ctx, row->interface_index); break;
    case ARP_CACHE_INTERFACE_ALIAS:
      sqlite3_result_text(ctx, row->interface_alias ? row->interface_alias : "", -1,
                          SQLITE_TRANSIENT);
      break;
    case ARP_CACHE_ADDRESS_FAMILY:
      sqlite3_result_text(ctx, row->family == 6 ? "IPv6" : "IPv4", -1, SQLITE_STATIC);
      break;
    case ARP_CACHE_IP_ADDRESS:
      sqlite3_result_text(ctx, row->ip_address, -1, SQLITE_TRANSIENT);
      break;
    case ARP_CACHE_LINK_LAYER_ADDRESS: {
      char text[VQ_HARDWARE_TEXT_SIZE];
      vq_hardware_address_text(row->link_layer_address, row->link_layer_length, '-', 1, text);
      sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
      break;
    }
    case ARP_CACHE_STATE:
      if (row->state >= 0 && row->state < VQ_NEIGHBOR_STATE_COUNT)
        sqlite3_result_text(ctx, arp_cache_state_names[row->state], -1, SQLITE_STATIC);
      else
        sqlite3_result_null(ctx);
      break;
    case ARP_CACHE_STORE:
      sqlite3_result_text(ctx, row->persistent ? "Persistent" : "Active", -1, SQLITE_STATIC);
      break;
    case ARP_CACHE_IS_ROUTER: sqlite3_result_int(ctx, row->is_router != 0); break;
    default: break;
  }
  return SQLITE_OK;
}

static int arp_cache_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  *rowid = (sqlite3_int64)((arp_cache_cursor *)cur)->row + 1;
  return SQLITE_OK;
}

static const sqlite3_module arp_cache_module = {
    .xConnect = arp_cache_connect,
    .xBestIndex = arp_cache_best_index,
    .xDisconnect = vq_table_disconnect,
    .xOpen = arp_cache_open,
    .xClose = arp_cache_close,
    .xFilter = arp_cache_filter,
    .xNext = arp_cache_next,
    .xEof = arp_cache_eof,
    .xColumn = arp_cache_column,
    .xRowid = arp_cache_rowid,
};

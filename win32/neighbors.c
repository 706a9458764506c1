/*
** neighbors.c (Windows): the `arp_cache` backend. GetIpNetTable2(AF_UNSPEC)
** returns the IPv4 (ARP) and IPv6 (NDP) neighbour caches together: the very
** table that WMI's MSFT_NetNeighbor (ROOT\StandardCimv2) wraps. Each row's
** State is an NL_NEIGHBOR_STATE (the numbering the table keeps), its
** physical address is printed as Windows prints it (uppercase, dash-
** separated; "" when its length is 0), IsRouter gives is_router, and the
** interface alias comes from ConvertInterfaceLuidToAlias (once per distinct
** interface). GetIpNetTable2 lists the active store only: entries that exist
** only in the persistent store (not yet applied) cannot be had, so store is
** always Active (docs/neighbors.md). Wine implements only the IPv4 table;
** there the IPv6 rows are missing (see vq_neighbors_snapshot).
*/
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>
#include <netioapi.h>

#include <stdlib.h>
#include <string.h>

#include "../tables/platform.h"
#include "text.h"

/* "GetIpNetTable2(AF_UNSPEC) failed: <the system's words> (<code>)". */
static int win32_neighbors_fail(vq_error *error, const char *call, DWORD code) {
  char words[256];
  win32_text_error_words(code, words, sizeof words);
  return vq_fail(error, "arp_cache: %s failed: %s (%lu)", call, words, (unsigned long)code);
}

/* NL_NEIGHBOR_STATE is our numbering; anything past NlnsPermanent (a future
 * state) is reported as Unreachable rather than invented. */
static vq_neighbor_state win32_neighbors_state(NL_NEIGHBOR_STATE state) {
  return (int)state >= 0 && (int)state < VQ_NEIGHBOR_STATE_COUNT ? (vq_neighbor_state)state
                                                                 : VQ_NEIGHBOR_UNREACHABLE;
}

typedef struct win32_alias_cache {
  ULONG64 luid;
  char alias[256];
} win32_alias_cache;

/* The interface's alias (friendly name) as UTF-8, from a small cache. */
static const char *win32_neighbors_alias(const NET_LUID *luid, win32_alias_cache *cache,
                                         int *cached, int capacity) {
  for (int i = 0; i < *cached; i++)
    if (cache[i].luid == luid->Value) return cache[i].alias;
  int slot = *cached < capacity ? (*cached)++ : capacity - 1;
  cache[slot].luid = luid->Value;
  cache[slot].alias[0] = 0;
  WCHAR wide[NDIS_IF_MAX_STRING_SIZE + 1];
  if (ConvertInterfaceLuidToAlias(luid, wide, sizeof wide / sizeof wide[0]) == NO_ERROR &&
      !WideCharToMultiByte(CP_UTF8, 0, wide, -1, cache[slot].alias, sizeof cache[slot].alias, NULL,
                           NULL))
    cache[slot].alias[0] = 0;
  return cache[slot].alias;
}

/* Fills one row; returns 0, or -1 for an address family other than IPv4/IPv6. */
static int win32_neighbors_row(const MIB_IPNET_ROW2 *entry, vq_neighbor *row) {
  memset(row, 0, sizeof *row);
  ADDRESS_FAMILY family = entry->Address.si_family;
  const void *address = family == AF_INET    ? (const void *)&entry->Address.Ipv4.sin_addr
                        : family == AF_INET6 ? (const void *)&entry->Address.Ipv6.sin6_addr
                                             : NULL;
  if (address == NULL || !inet_ntop(family, address, row->ip_address, sizeof row->ip_address))
    return -1;
  row->interface_index = entry->InterfaceIndex;
  row->family = family == AF_INET ? 4 : 6;
  ULONG length = entry->PhysicalAddressLength;
  if (length > IF_MAX_PHYS_ADDRESS_LENGTH) length = IF_MAX_PHYS_ADDRESS_LENGTH;
  if (length > VQ_HARDWARE_ADDRESS_MAX) length = VQ_HARDWARE_ADDRESS_MAX;
  row->link_layer_length = (unsigned char)length;
  memcpy(row->link_layer_address, entry->PhysicalAddress, length);
  row->state = win32_neighbors_state(entry->State);
  row->persistent = 0;
  row->is_router = entry->IsRouter ? 1 : 0;
  return 0;
}

/* Appends the rows of one table; returns 0, or -1 with *error set. */
static int win32_neighbors_append(const MIB_IPNET_TABLE2 *table, vq_neighbor_set *set,
                                  vq_error *error) {
  if (table->NumEntries == 0) return 0;
  size_t wanted = set->count + table->NumEntries;
  vq_neighbor *rows = realloc(set->rows, wanted * sizeof *rows);
  if (rows == NULL)
    return vq_fail(error, "arp_cache: out of memory for %lu neighbours", (unsigned long)wanted);
  set->rows = rows;
  set->capacity = wanted;
  enum { ALIAS_CACHE_SIZE = 64 };
  win32_alias_cache *aliases = malloc(ALIAS_CACHE_SIZE * sizeof *aliases);
  int cached = 0;
  for (ULONG i = 0; i < table->NumEntries; i++) {
    vq_neighbor *row = &set->rows[set->count];
    if (win32_neighbors_row(&table->Table[i], row) != 0) continue;
    if (aliases)
      row->interface_alias =
          vq_neighbors_alias(set, win32_neighbors_alias(&table->Table[i].InterfaceLuid, aliases,
                                                        &cached, ALIAS_CACHE_SIZE));
    set->count++;
  }
  free(aliases);
  return 0;
}

/* One GetIpNetTable2 call. *unsupported is set when the OS does not
 * implement the family's table (Wine has no IPv6 neighbour table). */
static int win32_neighbors_family(ADDRESS_FAMILY family, const char *call, vq_neighbor_set *set,
                                  int *unsupported, vq_error *error) {
  MIB_IPNET_TABLE2 *table = NULL;
  DWORD status = GetIpNetTable2(family, &table);
  *unsupported = status == ERROR_INVALID_FUNCTION || status == ERROR_NOT_SUPPORTED ||
                 status == ERROR_CALL_NOT_IMPLEMENTED;
  int result = 0;
  if (status == NO_ERROR)
    result = win32_neighbors_append(table, set, error);
  else if (status != ERROR_NOT_FOUND)
    result = win32_neighbors_fail(error, call, status);
  if (table) FreeMibTable(table);
  return result;
}

/*
** One AF_UNSPEC call gives both families. Should it fail, each family is
** asked alone, and a family whose table the OS does not implement (Wine's
** IPv6 one) costs its own rows only; any other failure fails the scan.
*/
int vq_neighbors_snapshot(vq_neighbor_set *set, vq_error *error) {
  int unsupported = 0, unsupported6 = 0;
  if (win32_neighbors_family(AF_UNSPEC, "GetIpNetTable2(AF_UNSPEC)", set, &unsupported, error) == 0)
    return 0;
  vq_neighbors_free(set);
  vq_error error4 = {{0}}, error6 = {{0}};
  int status4 =
      win32_neighbors_family(AF_INET, "GetIpNetTable2(AF_INET)", set, &unsupported, &error4);
  int status6 =
      win32_neighbors_family(AF_INET6, "GetIpNetTable2(AF_INET6)", set, &unsupported6, &error6);
  if ((status4 == 0 || unsupported) && (status6 == 0 || unsupported6) &&
      (status4 == 0 || status6 == 0))
    return 0;
  vq_copy_text(error->message, sizeof error->message,
               status4 != 0 ? error4.message : error6.message);
  return -1;
}

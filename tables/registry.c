/*
** registry.c: the list of vqlite's OS tables, in registration order. A table
** file defines its `vq_table` and gets one line here; everything else
** (registration, the vqlite_columns catalog, the generated docs) reads it.
*/
#include "vtab.h"

#include <stddef.h>

/* One table a line. */
// clang-format off
const vq_table *const vq_tables[] = {
    &netstat_table,
    &processes_table,
    &authenticode_table,
    &arp_cache_table,
    &interface_addresses_table,
    NULL,
};
// clang-format on

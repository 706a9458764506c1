/*
** platform_rows.c: the row-set functions that both backends share, since a
** set's layout is the interface's, not the OS's: freeing process, interface
** and neighbour sets (platform_processes.h, platform_interfaces.h,
** platform_neighbors.h). Plain C, no SQLite.
*/
#include <stdlib.h>
#include <string.h>

#include "platform.h"

void vq_processes_free(vq_process_set *set) {
  for (size_t i = 0; i < set->count; i++) {
    free(set->rows[i].name);
    free(set->rows[i].path);
    free(set->rows[i].cmdline);
    free(set->rows[i].username);
  }
  free(set->rows);
  memset(set, 0, sizeof *set);
}

void vq_interfaces_free(vq_interface_set *set) {
  free(set->rows);
  memset(set, 0, sizeof *set);
}

void vq_neighbors_free(vq_neighbor_set *set) {
  free(set->rows);
  memset(set, 0, sizeof *set);
}

/*
** platform_rows.c: the row-set functions that both backends share, since a
** set's layout is the interface's, not the OS's: freeing process, interface
** and neighbour sets (platform_processes.h, platform_interfaces.h,
** platform_neighbors.h), and the texts that rows of a set share (neighbour
** aliases, interface names and MACs). Plain C, no SQLite.
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
  for (size_t i = 0; i < set->text_count; i++) free(set->texts[i]);
  free(set->texts);
  free(set->rows);
  memset(set, 0, sizeof *set);
}

const char *vq_interfaces_keep_text(vq_interface_set *set, const char *text) {
  char **grown = realloc(set->texts, (set->text_count + 1) * sizeof *grown);
  if (grown == NULL) return NULL;
  set->texts = grown;
  char *copy = strdup(text);
  if (copy == NULL) return NULL;
  set->texts[set->text_count++] = copy;
  return copy;
}

void vq_neighbors_free(vq_neighbor_set *set) {
  for (size_t i = 0; i < set->alias_count; i++) free(set->aliases[i]);
  free(set->aliases);
  free(set->rows);
  memset(set, 0, sizeof *set);
}

const char *vq_neighbors_alias(vq_neighbor_set *set, const char *alias) {
  for (size_t i = set->alias_count; i-- > 0;)
    if (strcmp(set->aliases[i], alias) == 0) return set->aliases[i];
  char **grown = realloc(set->aliases, (set->alias_count + 1) * sizeof *grown);
  if (grown == NULL) return NULL;
  set->aliases = grown;
  char *copy = strdup(alias);
  if (copy == NULL) return NULL;
  set->aliases[set->alias_count++] = copy;
  return copy;
}

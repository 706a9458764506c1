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

/* The texts a set's rows point to: appended copies, freed with the set. */
static const char *platform_rows_keep(char ***texts, size_t *count, const char *text) {
  char **grown = realloc(*texts, (*count + 1) * sizeof *grown);
  if (grown == NULL) return NULL;
  *texts = grown;
  char *copy = strdup(text);
  if (copy == NULL) return NULL;
  grown[(*count)++] = copy;
  return copy;
}

static void platform_rows_free_texts(char **texts, size_t count) {
  for (size_t i = 0; i < count; i++) free(texts[i]);
  free(texts);
}

void vq_interfaces_free(vq_interface_set *set) {
  platform_rows_free_texts(set->texts, set->text_count);
  free(set->rows);
  memset(set, 0, sizeof *set);
}

const char *vq_interfaces_keep_text(vq_interface_set *set, const char *text) {
  return platform_rows_keep(&set->texts, &set->text_count, text);
}

void vq_neighbors_free(vq_neighbor_set *set) {
  platform_rows_free_texts(set->aliases, set->alias_count);
  free(set->rows);
  memset(set, 0, sizeof *set);
}

/* Aliases are looked up first: a row's alias comes per row on Windows. */
const char *vq_neighbors_alias(vq_neighbor_set *set, const char *alias) {
  for (size_t i = set->alias_count; i-- > 0;)
    if (strcmp(set->aliases[i], alias) == 0) return set->aliases[i];
  return platform_rows_keep(&set->aliases, &set->alias_count, alias);
}

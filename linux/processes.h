/*
** processes.h (Linux): the pure parts of the process backend, exposed for
** tests and fuzzers: the parser of /proc/<pid>/stat, the command line joiner
** and the Uid: line of /proc/<pid>/status. Plain C: no SQLite, no /proc.
*/
#ifndef VQLITE_LINUX_PROCESSES_H
#define VQLITE_LINUX_PROCESSES_H

#include <stddef.h>
#include <stdint.h>

#include "../tables/platform.h"

typedef struct linux_process_stat {
  int64_t pid;
  char comm[64];        /* between the first '(' and the last ')' */
  int64_t ppid;         /* field 4 */
  int64_t threads;      /* field 20, num_threads */
  uint64_t start_ticks; /* field 22, starttime, clock ticks after boot */
  int64_t rss_pages;    /* field 24 */
} linux_process_stat;

/* Parses bytes[length] (a /proc/<pid>/stat line); a comm may hold spaces and
 * ')' (the last ')' ends it). Returns 0, or -1 when a field is missing. */
int linux_processes_parse_stat(const char *bytes, size_t length, linux_process_stat *stat);

/* The command line from /proc/<pid>/cmdline bytes: NUL-separated arguments
 * joined by single spaces, trailing NULs dropped. malloc'd; NULL on OOM. */
char *linux_processes_join_cmdline(const char *bytes, size_t length);

/* The effective uid from the "Uid:" line of /proc/<pid>/status bytes;
 * returns 0 or -1 when there is none. */
int linux_processes_parse_uid(const char *bytes, size_t length, uint32_t *uid);

#endif

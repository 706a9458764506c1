/*
** platform.h: the interface between vqlite's SQL tables and the OS backends.
**
** The tables in tables/ ask a backend (win32/ or linux/, exactly one is
** linked) for plain C rows; a backend knows nothing of SQLite, so it can be
** unit-tested, fuzzed and benchmarked alone. Conventions every backend keeps:
**
**   - A snapshot function fills a row set that the backend allocated and that
**     one function of the same backend frees (`*_free`). Strings in a row are
**     owned by its set. Text is UTF-8.
**   - Functions return 0 on success, or -1 with a message in `vq_error`
**     naming the OS call, its argument and the OS's words and code, e.g.
**     "GetExtendedTcpTable(AF_INET6) failed: The parameter is incorrect (87)".
**   - A failure that concerns one process, file or socket costs that row (or
**     that column of it), never the whole snapshot.
**
** Each table adds its own section below (sockets, processes, signatures,
** neighbors, interfaces), in its own header included from here.
*/
#ifndef VQLITE_PLATFORM_H
#define VQLITE_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* An error message that a backend call leaves for its caller. */
typedef struct vq_error {
  char message[512];
} vq_error;

/* printf-style fill of an error; returns -1 so callers can `return vq_fail(..)`. */
int vq_fail(vq_error *error, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Copies src into dest[size], cut at size-1 bytes (never mid-way through a
 * UTF-8 sequence), always NUL-terminated. */
void vq_copy_text(char *dest, size_t size, const char *src);

/* Facts about the host and the backend, for vqlite_version() and snapshots. */
typedef struct vq_host_info {
  char platform[16];   /* "windows" or "linux" */
  char hostname[256];  /* the host's name as the OS reports it */
  char os_name[128];   /* "Windows 10 Pro", "Debian GNU/Linux 12 (bookworm)" */
  char os_version[64]; /* "10.0.19045", kernel release "6.1.0-18-amd64" */
  char arch[16];       /* "x86_64" / "amd64" / "arm64" */
} vq_host_info;

/* Fills *info; fields the OS will not give are "" (never fails). */
void vq_host_info_read(vq_host_info *info);

/*
** Counters of costly OS work, readable from SQL through vqlite_counter(name),
** so tests can prove what a query did not do (no /proc/<pid>/fd walk when
** `pid` is not used, no hashing when no digest is selected). Plain C, atomic,
** process-wide; each backend bumps the ones that concern it.
*/
typedef enum vq_counter_id {
  VQ_COUNTER_PROC_FD_DIRS,       /* /proc/<pid>/fd directories read (Linux) */
  VQ_COUNTER_PROCESS_OPENS,      /* processes opened for details (OpenProcess,
                                    /proc/<pid>/{status,cmdline,exe}) */
  VQ_COUNTER_FILES_HASHED,       /* files read whole to compute digests */
  VQ_COUNTER_SIGNATURES_CHECKED, /* files whose signature was verified */
  VQ_COUNTER_COUNT
} vq_counter_id;

void vq_counter_add(vq_counter_id id, long amount);
long vq_counter_get(vq_counter_id id);
/* The counter's SQL name ("proc_fd_dirs"), or NULL past the last. */
const char *vq_counter_name(vq_counter_id id);

#include "platform_neighbors.h"
#include "platform_interfaces.h"
#include "platform_processes.h"
#include "platform_signatures.h"
#include "platform_sockets.h"
#endif /* VQLITE_PLATFORM_H */

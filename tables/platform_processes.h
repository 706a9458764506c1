/*
** platform_processes.h: the backend interface of the `processes` table and of
** the executable digests (md5, sha1, sha256) that it offers.
**
** A snapshot lists processes (all, or only the pids asked for) and reads, for
** each, only the fields the caller asks for in a VQ_PROCESS_FIELD_* mask: a
** query of `pid, name` never opens a process. A process that exits or denies
** access during the scan keeps its row with what could be read (NULL
** strings, -1 numbers). Strings are UTF-8, owned by the set, and freed with
** vq_processes_free() (implemented by the backend, as the snapshot is).
**
** Digests: vq_file_identity_read() says which version of a file a path names
** now (size, mtime, inode or file index) so that a cache can tell a changed
** file from an unchanged one; vq_file_digests_compute() reads the file once and
** computes md5, sha1 and sha256 together (libcrypto on Linux, BCrypt on
** Windows), bumping VQ_COUNTER_FILES_HASHED.
*/
#ifndef VQLITE_PLATFORM_PROCESSES_H
#define VQLITE_PLATFORM_PROCESSES_H

#include <stddef.h>
#include <stdint.h>

#include "platform.h"

/* Which fields a snapshot reads, beyond pid. */
enum {
  VQ_PROCESS_FIELD_PATH = 1 << 0,
  VQ_PROCESS_FIELD_CMDLINE = 1 << 1,
  VQ_PROCESS_FIELD_USERNAME = 1 << 2,
  VQ_PROCESS_FIELD_CREATE_TIME = 1 << 3,
  VQ_PROCESS_FIELD_THREADS = 1 << 4,
  VQ_PROCESS_FIELD_WORKING_SET = 1 << 5,
  VQ_PROCESS_FIELD_NAME = 1 << 6, /* name and ppid */
  VQ_PROCESS_FIELD_ALL = (1 << 7) - 1
};

typedef struct vq_process {
  int64_t pid;
  int64_t ppid;        /* -1 when unknown or not asked for */
  char *name;          /* never NULL ("" when unknown or not asked for) */
  char *path;          /* NULL when not asked for or unreadable */
  char *cmdline;       /* NULL when not asked for or unreadable; never truncated */
  char *username;      /* NULL when not asked for or unreadable */
  int64_t create_time; /* Unix seconds, UTC; -1 when unknown */
  int64_t threads;     /* -1 when unknown */
  int64_t working_set; /* resident bytes; -1 when unknown */
} vq_process;

typedef struct vq_process_set {
  vq_process *rows;
  size_t count;
  size_t capacity;
} vq_process_set;

/*
** Fills *set with every process (pids == NULL) or only those whose pid is in
** pids[pid_count] (sorted ascending), reading the fields in `fields`.
** Returns 0, or -1 with `error` set when the process list itself cannot be
** had (never for one process). The caller frees *set with vq_processes_free
** even after a failure.
*/
int vq_processes_snapshot(vq_process_set *set, unsigned fields, const int64_t *pids,
                          size_t pid_count, vq_error *error);
void vq_processes_free(vq_process_set *set);

/* ---- file digests ---------------------------------------------------------- */

/* Which version of a file: equal identities mean an unchanged file. */
typedef struct vq_file_identity {
  uint64_t size;
  int64_t mtime_ns; /* last write, nanoseconds since the Unix epoch */
  uint64_t inode;   /* inode (Linux) or file index (Windows) */
  uint64_t device;  /* device (Linux) or volume serial number (Windows) */
} vq_file_identity;

/* Returns 0 and fills *identity, or -1 with `error` saying why (missing,
 * not a regular file, access denied). */
int vq_file_identity_read(const char *path, vq_file_identity *identity, vq_error *error);

typedef struct vq_file_digests {
  char md5[33];
  char sha1[41];
  char sha256[65];
} vq_file_digests;

/* Reads the file at `path` once and fills lowercase hex digests, and the
 * identity of the version that was read. Returns 0 or -1 with `error`. */
int vq_file_digests_compute(const char *path, vq_file_digests *digests, vq_file_identity *identity,
                            vq_error *error);

/* ---- the executable image of a process ------------------------------------ */

/*
** The digests of a process are those of the file it runs, and the backend
** says which file that is, in three steps so that the digest cache can answer
** with as little I/O as possible:
**   vq_process_image_locate     a cache key naming the file, without reading it
**                               when the OS allows
**   vq_process_image_identify   which version of the file (no-op when locate
**                               already knows)
**   vq_process_image_digests    reads it whole (VQ_COUNTER_FILES_HASHED)
** Linux: stat of /proc/<pid>/exe, the kernel's own reference to the mapped
** file, so the image hashed is the one running even when its path was
** deleted or replaced on disk; the key is "<device>:<inode>", the identity
** comes with it, and the row needs no field. Windows: the row's path
** (VQ_PROCESS_FIELD_PATH, as vq_process_image_fields() says) is the key; the
** identity is read by opening the file.
*/
typedef struct vq_process_image {
  const char *key; /* the cache key: into key_buffer, or the row's path */
  int identity_known;
  vq_file_identity identity;
  char key_buffer[48];
} vq_process_image;

/* The VQ_PROCESS_FIELD_* mask a row needs for the three calls below. */
unsigned vq_process_image_fields(void);
/* 0, or -1 when the process has no readable image (exited, kernel thread,
 * access denied). */
int vq_process_image_locate(const vq_process *row, vq_process_image *image);
/* 0 with image->identity set, or -1 with `error`. */
int vq_process_image_identify(const vq_process *row, vq_process_image *image, vq_error *error);
/* Reads the image once: digests and the identity of what was read; 0 or -1. */
int vq_process_image_digests(const vq_process *row, vq_file_digests *digests,
                             vq_file_identity *identity, vq_error *error);

/* Lowercase hex of bytes[length] into out[2 * length + 1]. */
static inline void vq_hex_lower(const unsigned char *bytes, size_t length, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < length; i++) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  out[2 * length] = 0;
}

/*
** The number of bytes of a UTF-16 string that may be copied when a length
** comes from another process's memory (a UNICODE_STRING's Length and
** MaximumLength read from its PEB) or from a buffer the OS filled: never more
** than the claimed maximum, the bytes actually available, or `cap`, and
** always even (whole UTF-16 units). A Length above its MaximumLength is
** corrupt: only MaximumLength bytes are trusted. A corrupt or hostile length therefore
** costs at most `cap` bytes of reading and never reads past a buffer.
*/
static inline size_t vq_clamp_utf16_bytes(uint64_t claimed_length, uint64_t claimed_maximum,
                                          uint64_t available, uint64_t cap) {
  uint64_t bytes = claimed_length;
  if (bytes > claimed_maximum) bytes = claimed_maximum;
  if (bytes > available) bytes = available;
  if (bytes > cap) bytes = cap;
  return (size_t)(bytes & ~(uint64_t)1);
}

#endif /* VQLITE_PLATFORM_PROCESSES_H */

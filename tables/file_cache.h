/*
** file_cache.h: a bounded cache of facts about files (digests, signatures),
** keyed by (path, size, mtime, inode/file index, device), so that an
** unchanged file is not read twice and a changed one is read again.
**
** Each connection holds its own caches (the tables keep one in their vtab),
** so no locking is needed. When full, the least recently used entry goes.
** Plain C (malloc), no SQLite, so tests can drive it alone.
**
** Also here: the plain-C helpers of signature results (trust names, copy,
** clear), which every backend and the table share.
*/
#ifndef VQLITE_FILE_CACHE_H
#define VQLITE_FILE_CACHE_H

#include <stddef.h>

#include "platform.h"

typedef enum vq_file_fact {
  VQ_FACT_DIGESTS,  /* a vq_file_digests */
  VQ_FACT_SIGNATURE /* a vq_signature */
} vq_file_fact;

typedef struct vq_file_cache vq_file_cache;

/* A cache of at most `capacity` entries (at least 1); NULL when out of memory. */
vq_file_cache *vq_file_cache_new(size_t capacity);
void vq_file_cache_free(vq_file_cache *cache);
size_t vq_file_cache_count(const vq_file_cache *cache);

/* The cached digests of this version of the file, or NULL. */
const vq_file_digests *vq_file_cache_get_digests(vq_file_cache *cache, const char *path,
                                                 const vq_file_identity *identity);
/* Remembers digests (replacing any older version of the same path); 0 or -1 (OOM). */
int vq_file_cache_put_digests(vq_file_cache *cache, const char *path,
                              const vq_file_identity *identity, const vq_file_digests *digests);

const vq_signature *vq_file_cache_get_signature(vq_file_cache *cache, const char *path,
                                                const vq_file_identity *identity);
/* Stores a deep copy of *signature; 0 or -1 (OOM). */
int vq_file_cache_put_signature(vq_file_cache *cache, const char *path,
                                const vq_file_identity *identity, const vq_signature *signature);

#endif /* VQLITE_FILE_CACHE_H */

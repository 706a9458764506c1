/*
** file_cache.c: see file_cache.h. A hash table of entries keyed by (fact,
** path), each remembering the identity (size, mtime, inode, device) of the
** version it describes, in a doubly linked list in order of use; the least
** recently used entry is dropped when the cache is full. A lookup whose
** identity differs from the stored one is a miss (the file changed).
** It also holds the plain-C helpers of vq_signature (platform_signatures.h)
** that the cache and both backends share: names, setting a result, clearing
** and copying.
*/
#include "file_cache.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct file_cache_entry {
  vq_file_fact fact;
  char *path;
  vq_file_identity identity;
  union {
    vq_file_digests digests;
    vq_signature signature;
  } value;
  struct file_cache_entry *bucket_next; /* chain in its bucket */
  struct file_cache_entry *newer, *older;
} file_cache_entry;

struct vq_file_cache {
  file_cache_entry **buckets;
  size_t bucket_count;
  size_t capacity, count;
  file_cache_entry *newest, *oldest;
};

/* ---- signature helpers ----------------------------------------------------- */

const char *vq_trust_name(vq_trust trust) {
  switch (trust) {
    case VQ_TRUST_TRUSTED: return "trusted";
    case VQ_TRUST_UNSIGNED: return "unsigned";
    case VQ_TRUST_UNTRUSTED: return "untrusted";
    case VQ_TRUST_DISALLOWED: return "disallowed";
    case VQ_TRUST_ERROR: break;
  }
  return "error";
}

void vq_signature_set_result(vq_signature *signature, vq_trust trust, const char *format, ...) {
  char detail[600];
  va_list args;
  va_start(args, format);
  vsnprintf(detail, sizeof detail, format, args);
  va_end(args);
  signature->trust = trust;
  free(signature->detail);
  signature->detail = strdup(detail);
}

void vq_signature_clear(vq_signature *signature) {
  free(signature->detail);
  free(signature->program_name);
  free(signature->publisher_link);
  free(signature->more_info_link);
  free(signature->serial_number);
  free(signature->issuer_name);
  free(signature->subject_name);
  free(signature->catalog);
  memset(signature, 0, sizeof *signature);
  signature->timestamp = -1;
}

static int file_cache_copy_text(char **dest, const char *src) {
  *dest = NULL;
  if (src == NULL) return 0;
  *dest = strdup(src);
  return *dest ? 0 : -1;
}

int vq_signature_copy(vq_signature *dest, const vq_signature *src) {
  memset(dest, 0, sizeof *dest);
  dest->trust = src->trust;
  dest->timestamp = src->timestamp;
  int rc = file_cache_copy_text(&dest->detail, src->detail);
  rc |= file_cache_copy_text(&dest->program_name, src->program_name);
  rc |= file_cache_copy_text(&dest->publisher_link, src->publisher_link);
  rc |= file_cache_copy_text(&dest->more_info_link, src->more_info_link);
  rc |= file_cache_copy_text(&dest->serial_number, src->serial_number);
  rc |= file_cache_copy_text(&dest->issuer_name, src->issuer_name);
  rc |= file_cache_copy_text(&dest->subject_name, src->subject_name);
  rc |= file_cache_copy_text(&dest->catalog, src->catalog);
  if (rc) vq_signature_clear(dest);
  return rc ? -1 : 0;
}

/* ---- the cache -------------------------------------------------------------- */

vq_file_cache *vq_file_cache_new(size_t capacity) {
  vq_file_cache *cache = calloc(1, sizeof *cache);
  if (cache == NULL) return NULL;
  cache->capacity = capacity ? capacity : 1;
  cache->bucket_count = cache->capacity * 2 + 1;
  /* An array of entry pointers: sizeof a pointer is meant. */
  cache->buckets =
      calloc(cache->bucket_count, sizeof *cache->buckets);  // NOLINT(bugprone-sizeof-expression)
  if (cache->buckets == NULL) {
    free(cache);
    return NULL;
  }
  return cache;
}

static void file_cache_entry_free(file_cache_entry *entry) {
  if (entry->fact == VQ_FACT_SIGNATURE) vq_signature_clear(&entry->value.signature);
  free(entry->path);
  free(entry);
}

void vq_file_cache_free(vq_file_cache *cache) {
  if (cache == NULL) return;
  file_cache_entry *entry = cache->newest;
  while (entry) {
    file_cache_entry *older = entry->older;
    file_cache_entry_free(entry);
    entry = older;
  }
  free(cache->buckets);
  free(cache);
}

size_t vq_file_cache_count(const vq_file_cache *cache) { return cache ? cache->count : 0; }

/* FNV-1a over the path, mixed with the fact. */
static size_t file_cache_bucket(const vq_file_cache *cache, vq_file_fact fact, const char *path) {
  uint64_t hash = 1469598103934665603ull ^ (uint64_t)fact;
  for (const unsigned char *p = (const unsigned char *)path; *p; p++)
    hash = (hash ^ *p) * 1099511628211ull;
  return (size_t)(hash % cache->bucket_count);
}

static void file_cache_unlink_use(vq_file_cache *cache, file_cache_entry *entry) {
  if (entry->newer)
    entry->newer->older = entry->older;
  else
    cache->newest = entry->older;
  if (entry->older)
    entry->older->newer = entry->newer;
  else
    cache->oldest = entry->newer;
  entry->newer = entry->older = NULL;
}

static void file_cache_mark_newest(vq_file_cache *cache, file_cache_entry *entry) {
  entry->older = cache->newest;
  entry->newer = NULL;
  if (cache->newest) cache->newest->newer = entry;
  cache->newest = entry;
  if (cache->oldest == NULL) cache->oldest = entry;
}

static void file_cache_remove(vq_file_cache *cache, file_cache_entry *entry) {
  file_cache_entry **link = &cache->buckets[file_cache_bucket(cache, entry->fact, entry->path)];
  while (*link != entry) link = &(*link)->bucket_next;
  *link = entry->bucket_next;
  file_cache_unlink_use(cache, entry);
  file_cache_entry_free(entry);
  cache->count--;
}

static file_cache_entry *file_cache_find(vq_file_cache *cache, vq_file_fact fact,
                                         const char *path) {
  for (file_cache_entry *entry = cache->buckets[file_cache_bucket(cache, fact, path)]; entry;
       entry = entry->bucket_next)
    if (entry->fact == fact && strcmp(entry->path, path) == 0) return entry;
  return NULL;
}

static int file_cache_same_identity(const vq_file_identity *a, const vq_file_identity *b) {
  return a->size == b->size && a->mtime_ns == b->mtime_ns && a->inode == b->inode &&
         a->device == b->device;
}

/* The entry for this version of the file, made the most recently used. */
static file_cache_entry *file_cache_lookup(vq_file_cache *cache, vq_file_fact fact,
                                           const char *path, const vq_file_identity *identity) {
  if (cache == NULL || path == NULL) return NULL;
  file_cache_entry *entry = file_cache_find(cache, fact, path);
  if (entry == NULL || !file_cache_same_identity(&entry->identity, identity)) return NULL;
  file_cache_unlink_use(cache, entry);
  file_cache_mark_newest(cache, entry);
  return entry;
}

/* A fresh entry for (fact, path), replacing an older version and making room. */
static file_cache_entry *file_cache_insert(vq_file_cache *cache, vq_file_fact fact,
                                           const char *path, const vq_file_identity *identity) {
  file_cache_entry *old = file_cache_find(cache, fact, path);
  if (old) file_cache_remove(cache, old);
  /* file_cache_remove moves `oldest` to the next entry before freeing. */
  while (cache->count >= cache->capacity && cache->oldest)
    file_cache_remove(cache, cache->oldest);  // NOLINT(clang-analyzer-unix.Malloc)
  file_cache_entry *entry = calloc(1, sizeof *entry);
  if (entry == NULL) return NULL;
  entry->path = strdup(path);
  if (entry->path == NULL) {
    free(entry);
    return NULL;
  }
  entry->fact = fact;
  entry->identity = *identity;
  size_t bucket = file_cache_bucket(cache, fact, path);
  entry->bucket_next = cache->buckets[bucket];
  cache->buckets[bucket] = entry;
  file_cache_mark_newest(cache, entry);
  cache->count++;
  return entry;
}

const vq_file_digests *vq_file_cache_get_digests(vq_file_cache *cache, const char *path,
                                                 const vq_file_identity *identity) {
  file_cache_entry *entry = file_cache_lookup(cache, VQ_FACT_DIGESTS, path, identity);
  return entry ? &entry->value.digests : NULL;
}

int vq_file_cache_put_digests(vq_file_cache *cache, const char *path,
                              const vq_file_identity *identity, const vq_file_digests *digests) {
  if (cache == NULL || path == NULL) return -1;
  file_cache_entry *entry = file_cache_insert(cache, VQ_FACT_DIGESTS, path, identity);
  if (entry == NULL) return -1;
  entry->value.digests = *digests;
  return 0;
}

const vq_signature *vq_file_cache_get_signature(vq_file_cache *cache, const char *path,
                                                const vq_file_identity *identity) {
  file_cache_entry *entry = file_cache_lookup(cache, VQ_FACT_SIGNATURE, path, identity);
  return entry ? &entry->value.signature : NULL;
}

int vq_file_cache_put_signature(vq_file_cache *cache, const char *path,
                                const vq_file_identity *identity, const vq_signature *signature) {
  if (cache == NULL || path == NULL) return -1;
  file_cache_entry *entry = file_cache_insert(cache, VQ_FACT_SIGNATURE, path, identity);
  if (entry == NULL) return -1;
  /* A failed copy leaves the value zeroed, which the removal frees safely. */
  if (vq_signature_copy(&entry->value.signature, signature) != 0) {
    file_cache_remove(cache, entry);
    return -1;
  }
  return 0;
}

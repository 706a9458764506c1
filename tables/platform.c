/*
** platform.c: the plain-C parts of the platform interface that every backend
** shares: error messages and the work counters. No SQLite here.
*/
#include "platform.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

int vq_fail(vq_error *error, const char *format, ...) {
  if (error) {
    va_list args;
    va_start(args, format);
    vsnprintf(error->message, sizeof error->message, format, args);
    va_end(args);
  }
  return -1;
}

void vq_copy_text(char *dest, size_t size, const char *src) {
  if (size == 0) return;
  size_t length = src ? strlen(src) : 0;
  if (length >= size) {
    length = size - 1;
    while (length > 0 && ((unsigned char)src[length] & 0xC0) == 0x80) length--;
  }
  if (length) memcpy(dest, src, length);
  dest[length] = 0;
}

static atomic_long vq_counters[VQ_COUNTER_COUNT];

static const char *const vq_counter_names[VQ_COUNTER_COUNT] = {
    [VQ_COUNTER_PROC_FD_DIRS] = "proc_fd_dirs",
    [VQ_COUNTER_PROCESS_OPENS] = "process_opens",
    [VQ_COUNTER_FILES_HASHED] = "files_hashed",
    [VQ_COUNTER_SIGNATURES_CHECKED] = "signatures_checked",
};

void vq_counter_add(vq_counter_id id, long amount) {
  if (id >= 0 && id < VQ_COUNTER_COUNT) atomic_fetch_add(&vq_counters[id], amount);
}

long vq_counter_get(vq_counter_id id) {
  return (id >= 0 && id < VQ_COUNTER_COUNT) ? atomic_load(&vq_counters[id]) : 0;
}

const char *vq_counter_name(vq_counter_id id) {
  return (id >= 0 && id < VQ_COUNTER_COUNT) ? vq_counter_names[id] : NULL;
}

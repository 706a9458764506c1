/*
** fuzz.h: what vqlite's libFuzzer targets share (tests/fuzz/fuzz_<parser>.c).
**
** Each target feeds one parser of outside input the bytes libFuzzer makes up
** and checks the parser's promises about its output (every string
** NUL-terminated inside its field, counts consistent, enums in range), on
** top of ASan and UBSan, which catch any read or write outside a buffer.
** A broken promise aborts with the promise's text, which libFuzzer reports
** as a crash and saves the input for.
**
**   make fuzz                      every target for FUZZ_SECONDS (60) each
**   build/fuzz/fuzz_sock_diag tests/fuzz/corpus/sock_diag   one, by hand
*/
#ifndef VQLITE_FUZZ_H
#define VQLITE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(condition)                                                         \
  do {                                                                                \
    if (!(condition)) {                                                               \
      fprintf(stderr, "%s:%d: promise broken: %s\n", __FILE__, __LINE__, #condition); \
      abort();                                                                        \
    }                                                                                 \
  } while (0)

/* 1 when text is NUL-terminated within size bytes. */
static inline int fuzz_terminated(const char *text, size_t size) {
  return memchr(text, 0, size) != NULL;
}

/* A private, exactly sized copy of the input, so that a read one byte past
 * `size` is a heap overflow ASan reports (libFuzzer's buffer is exact too,
 * but a parser handed a sub-range would not be). */
static inline unsigned char *fuzz_copy(const uint8_t *data, size_t size) {
  unsigned char *copy = malloc(size ? size : 1);
  if (copy && size) memcpy(copy, data, size);
  return copy;
}

#endif

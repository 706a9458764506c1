/*
** regex.c: PCRE2 behind vq_regex (see regex.h for the promises). Pure C.
*/
#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { VQ_JIT_STACK_MAX = 1 << 20 };

struct vq_regex {
  char *literal; /* the pattern, when it is a plain case-sensitive literal */
  size_t literal_length;
  pcre2_code *code;
  pcre2_match_data *match_data;
  pcre2_match_context *match_context;
  pcre2_jit_stack *jit_stack;
  unsigned long matches;  /* matches run so far: JIT on the second */
  int jit_ready;          /* JIT code exists and is used */
  unsigned char *scratch; /* subject with invalid UTF-8 replaced */
  size_t scratch_size;
};

static void vq_regex_pcre2_message(int code, char *error, size_t error_size) {
  PCRE2_UCHAR text[256];
  if (pcre2_get_error_message(code, text, sizeof text) < 0)
    snprintf((char *)text, sizeof text, "PCRE2 error %d", code);
  snprintf(error, error_size, "%s", (const char *)text);
}

/*
** A pattern with no metacharacter, matched case-sensitively, is a substring
** search: a byte search over the raw subject gives the same answer as PCRE2 over the
** U+FFFD-cleaned subject (a valid UTF-8 needle never starts inside a
** sequence, and cleaning replaces only invalid bytes), so no UTF-8 scan is
** needed either. A needle holding U+FFFD itself is left to PCRE2.
*/
/* memmem, which mingw's C library lacks: memchr to each candidate first
 * byte (vectorised in every libc), then one memcmp. */
static const void *vq_find_bytes(const void *haystack, size_t haystack_length, const void *needle,
                                 size_t needle_length) {
  if (needle_length == 0) return haystack;
  const unsigned char *at = haystack, *end = at + haystack_length, *first = needle;
  while ((size_t)(end - at) >= needle_length) {
    at = memchr(at, first[0], (size_t)(end - at) - needle_length + 1);
    if (at == NULL) return NULL;
    if (memcmp(at, needle, needle_length) == 0) return at;
    at++;
  }
  return NULL;
}

static int vq_regex_is_literal(const char *pattern, size_t length, int flags) {
  if (flags & VQ_REGEX_CASELESS) return 0;
  if (vq_utf8_valid_prefix((const unsigned char *)pattern, length) != length) return 0;
  if (vq_find_bytes(pattern, length, "\xEF\xBF\xBD", 3) != NULL) return 0;
  /* Bounded by length: the pattern need not be NUL-terminated (strcspn read past it). */
  for (size_t i = 0; i < length; i++)
    if (pattern[i] == 0 || strchr("\\^$.|?*+()[]{}", pattern[i]) != NULL) return 0;
  return 1;
}

vq_regex *vq_regex_compile(const char *pattern, size_t length, int flags, char *error,
                           size_t error_size) {
  uint32_t options = PCRE2_UTF;
  if (flags & VQ_REGEX_CASELESS) options |= PCRE2_CASELESS;
  int code = 0;
  PCRE2_SIZE offset = 0;
  vq_regex *regex = calloc(1, sizeof *regex);
  if (regex == NULL) {
    snprintf(error, error_size, "out of memory");
    return NULL;
  }
  regex->code = pcre2_compile((PCRE2_SPTR)pattern, length, options, &code, &offset, NULL);
  if (regex->code == NULL) {
    char message[256];
    vq_regex_pcre2_message(code, message, sizeof message);
    snprintf(error, error_size, "%s at offset %zu", message, (size_t)offset);
    free(regex);
    return NULL;
  }
  regex->match_data = pcre2_match_data_create_from_pattern(regex->code, NULL);
  regex->match_context = pcre2_match_context_create(NULL);
  if (regex->match_data == NULL || regex->match_context == NULL) {
    vq_regex_free(regex);
    snprintf(error, error_size, "out of memory");
    return NULL;
  }
  if (vq_regex_is_literal(pattern, length, flags)) {
    regex->literal = malloc(length + 1);
    if (regex->literal == NULL) {
      vq_regex_free(regex);
      snprintf(error, error_size, "out of memory");
      return NULL;
    }
    memcpy(regex->literal, pattern, length);
    regex->literal_length = length;
  }
  pcre2_set_match_limit(regex->match_context, VQ_REGEX_MATCH_LIMIT);
  pcre2_set_depth_limit(regex->match_context, VQ_REGEX_DEPTH_LIMIT);
  pcre2_set_heap_limit(regex->match_context, VQ_REGEX_HEAP_LIMIT_KB);
  return regex;
}

void vq_regex_free(vq_regex *regex) {
  if (regex == NULL) return;
  pcre2_jit_stack_free(regex->jit_stack);
  pcre2_match_context_free(regex->match_context);
  pcre2_match_data_free(regex->match_data);
  pcre2_code_free(regex->code);
  free(regex->scratch);
  free(regex->literal);
  free(regex);
}

/* JIT-compiles a regex that is being reused; on any failure the interpreter
 * stays in use, which gives the same answers more slowly. */
static void vq_regex_try_jit(vq_regex *regex) {
  if (pcre2_jit_compile(regex->code, PCRE2_JIT_COMPLETE) != 0) return;
  regex->jit_stack = pcre2_jit_stack_create(32 * 1024, VQ_JIT_STACK_MAX, NULL);
  if (regex->jit_stack == NULL) return;
  pcre2_jit_stack_assign(regex->match_context, NULL, regex->jit_stack);
  regex->jit_ready = 1;
}

size_t vq_utf8_valid_prefix(const unsigned char *text, size_t length) {
  size_t i = 0;
  while (i < length) {
    /* ASCII runs, eight bytes at a time: the common case for paths. */
    while (i + 8 <= length) {
      uint64_t word;
      memcpy(&word, text + i, sizeof word);
      if (word & UINT64_C(0x8080808080808080)) break;
      i += 8;
    }
    if (i >= length) break;
    unsigned char c = text[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t need;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF)
      need = 1, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
      need = 2, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
      need = 3, min = 0x10000;
    else
      return i;
    if (length - i <= need) return i;
    uint32_t point = c & (0x3F >> need);
    for (size_t k = 1; k <= need; k++) {
      unsigned char next = text[i + k];
      if ((next & 0xC0) != 0x80) return i;
      point = (point << 6) | (next & 0x3F);
    }
    if (point < min || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF)) return i;
    i += need + 1;
  }
  return length;
}

/* Copies the subject into regex->scratch with each invalid byte replaced by
 * U+FFFD (EF BF BD); returns the new length, or (size_t)-1 when out of memory. */
static size_t vq_regex_sanitize(vq_regex *regex, const unsigned char *subject, size_t length,
                                size_t valid) {
  size_t worst = length * 3;
  if (worst > regex->scratch_size) {
    unsigned char *grown = realloc(regex->scratch, worst);
    if (grown == NULL) return (size_t)-1;
    regex->scratch = grown;
    regex->scratch_size = worst;
  }
  size_t out = 0;
  while (length > 0) {
    memcpy(regex->scratch + out, subject, valid);
    out += valid, subject += valid, length -= valid;
    if (length == 0) break;
    memcpy(regex->scratch + out, "\xEF\xBF\xBD", 3);
    out += 3, subject++, length--;
    valid = vq_utf8_valid_prefix(subject, length);
  }
  return out;
}

int vq_regex_match(vq_regex *regex, const char *subject, size_t length, char *error,
                   size_t error_size) {
  if (regex->literal)
    return vq_find_bytes(subject, length, regex->literal, regex->literal_length) != NULL;
  if (++regex->matches == 2) vq_regex_try_jit(regex);
  const unsigned char *text = (const unsigned char *)subject;
  size_t valid = vq_utf8_valid_prefix(text, length);
  if (valid < length) {
    size_t clean = vq_regex_sanitize(regex, text, length, valid);
    if (clean == (size_t)-1) {
      snprintf(error, error_size, "out of memory");
      return -1;
    }
    text = regex->scratch, length = clean;
  }
  int rc;
  if (regex->jit_ready)
    rc = pcre2_jit_match(regex->code, text, length, 0, 0, regex->match_data, regex->match_context);
  else
    rc = pcre2_match(regex->code, text, length, 0, PCRE2_NO_UTF_CHECK, regex->match_data,
                     regex->match_context);
  if (rc >= 0) return 1;
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  vq_regex_pcre2_message(rc, error, error_size);
  return -1;
}

int vq_regex_jit_available(void) {
  uint32_t jit = 0;
  return pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit;
}

void vq_regex_version(char version[64]) {
  version[0] = 0;
  if (pcre2_config(PCRE2_CONFIG_VERSION, NULL) <= 64) pcre2_config(PCRE2_CONFIG_VERSION, version);
}

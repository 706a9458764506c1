/*
** fuzz_regex.c: vqlite's regex layer (ext/regex.h), which REGEXP, vql_match
** and the artifact parameters use on patterns and subjects that come from
** users and from the host (command lines hold any bytes).
**
** Input: one flag byte (bit 0: caseless), one byte of pattern length, the
** pattern, then the subject; both may hold NULs and invalid UTF-8.
** Promises checked: compile gives a regex or a terminated message; a match
** is 1, 0, or -1 with a message; matching twice (the second run JIT-compiled)
** answers the same; a pattern taken by the literal fast path answers as
** PCRE2 does for the same text quoted (\Q...\E); vq_utf8_valid_prefix()
** agrees with a plain decoder.
*/
#include "../../ext/regex.h"
#include "fuzz.h"

/* Longest valid UTF-8 prefix, the slow obvious way (RFC 3629). */
static size_t fuzz_reference_utf8_prefix(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t need;
    unsigned min;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF)
      need = 1, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
      need = 2, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
      need = 3, min = 0x10000;
    else
      return i;
    if (n - i < need + 1) return i;
    unsigned code = c & (0x3F >> need);
    for (size_t k = 1; k <= need; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      code = code << 6 | (s[i + k] & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += need + 1;
  }
  return i;
}

static int fuzz_is_plain(const char *pattern, size_t length) {
  for (size_t i = 0; i < length; i++)
    if (pattern[i] == 0 || strchr("\\^$.|?*+()[]{}", pattern[i])) return 0;
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  int flags = data[0] & 1 ? VQ_REGEX_CASELESS : 0;
  size_t pattern_length = data[1];
  data += 2, size -= 2;
  if (pattern_length > size) pattern_length = size;
  char *pattern = (char *)fuzz_copy(data, pattern_length);
  char *subject = (char *)fuzz_copy(data + pattern_length, size - pattern_length);
  size_t subject_length = size - pattern_length;
  char error[256] = "";

  FUZZ_CHECK(vq_utf8_valid_prefix((const unsigned char *)subject, subject_length) ==
             fuzz_reference_utf8_prefix((const unsigned char *)subject, subject_length));

  vq_regex *regex = vq_regex_compile(pattern, pattern_length, flags, error, sizeof error);
  if (regex == NULL) {
    FUZZ_CHECK(error[0] != 0 && fuzz_terminated(error, sizeof error));
  } else {
    int first = vq_regex_match(regex, subject, subject_length, error, sizeof error);
    int second = vq_regex_match(regex, subject, subject_length, error, sizeof error);
    FUZZ_CHECK(first >= -1 && first <= 1);
    if (first != -1 && second != -1) FUZZ_CHECK(first == second);
    if (flags == 0 && first != -1 && fuzz_is_plain(pattern, pattern_length) &&
        vq_utf8_valid_prefix((const unsigned char *)pattern, pattern_length) == pattern_length) {
      /* The literal fast path against PCRE2 on the same text, quoted. */
      char *quoted = malloc(pattern_length + 5);
      memcpy(quoted, "\\Q", 2);
      memcpy(quoted + 2, pattern, pattern_length);
      memcpy(quoted + 2 + pattern_length, "\\E", 2);
      vq_regex *pcre = vq_regex_compile(quoted, pattern_length + 4, 0, error, sizeof error);
      FUZZ_CHECK(pcre != NULL);
      int expected = vq_regex_match(pcre, subject, subject_length, error, sizeof error);
      if (expected != -1) FUZZ_CHECK(expected == first);
      vq_regex_free(pcre);
      free(quoted);
    }
    vq_regex_free(regex);
  }
  free(pattern), free(subject);
  return 0;
}

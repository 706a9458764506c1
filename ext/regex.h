/*
** regex.h: vqlite's regular-expression engine, a thin pure-C layer over
** PCRE2 (8-bit, UTF mode) that knows nothing of SQLite, so it can be tested,
** fuzzed and benchmarked alone. ext/regexp.c is its SQL glue.
**
** Promises:
**   - Patterns compile in UTF mode; \w, \d and friends stay ASCII (as in
**     SQLite's regexp.c and Go's regexp, which Velociraptor uses).
**   - A compiled regex is JIT-compiled on its second match, when it is being
**     reused and the JIT pays for itself; a one-shot pattern never pays.
**   - Match, depth and heap limits are set: a catastrophic pattern fails with
**     an error instead of running for hours.
**   - Subjects are checked for UTF-8 by a fast scan before PCRE2 sees them (so
**     PCRE2 runs with PCRE2_NO_UTF_CHECK); an invalid sequence is replaced by
**     U+FFFD in a private copy, as Go does, so a stray byte in a command line
**     never fails a query or reaches PCRE2 unchecked.
*/
#ifndef VQLITE_REGEX_H
#define VQLITE_REGEX_H

#include <stddef.h>

typedef struct vq_regex vq_regex;

enum {
  VQ_REGEX_CASELESS = 1, /* case-insensitive, as VQL's =~ */
};

enum {
  VQ_REGEX_MATCH_LIMIT = 10000000, /* backtracking steps per match */
  VQ_REGEX_DEPTH_LIMIT = 100000,   /* nested backtracking depth */
  VQ_REGEX_HEAP_LIMIT_KB = 20480,  /* interpreter heap for one match */
};

/*
** Compiles pattern[0..length). On failure returns NULL and writes
** "PCRE2's message at offset N" to error (or "out of memory").
*/
vq_regex *vq_regex_compile(const char *pattern, size_t length, int flags, char *error,
                           size_t error_size);

/*
** 1 when the subject matches, 0 when it does not, -1 on a failure (the
** match limit, out of memory) with the reason in error.
*/
int vq_regex_match(vq_regex *regex, const char *subject, size_t length, char *error,
                   size_t error_size);

void vq_regex_free(vq_regex *regex);

/* 1 when PCRE2 was built with JIT support for this machine. */
int vq_regex_jit_available(void);

/* Writes PCRE2's version ("10.42 2022-12-11") into version. */
void vq_regex_version(char version[64]);

/* Length of the longest valid UTF-8 prefix of text[0..length). */
size_t vq_utf8_valid_prefix(const unsigned char *text, size_t length);

#endif /* VQLITE_REGEX_H */

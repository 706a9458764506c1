/*
** regexp.c: the SQL face of vqlite's regex engine (ext/regex.c).
**
**   x REGEXP p          calls regexp(p, x): PCRE2, UTF-8, case-sensitive,
**                       unanchored; NULL in either argument gives NULL.
**   vql_match(x, p)     VQL's `x =~ p`: case-insensitive and unanchored; the
**                       patterns '', '.', '.*' (and a NULL pattern) match every
**                       row, NULL included; any other pattern gives 0 for a
**                       NULL subject, so NOT vql_match(...) is true there, as
**                       `not` is in VQL. Returns 0 or 1, never NULL.
**
** Both are DETERMINISTIC and INNOCUOUS. Compiled patterns live in a small
** per-connection cache (a pattern that comes from a subquery, as the artifact
** views' parameters do, is not a constant that auxdata would keep) and, for
** the statement's life, in auxdata, which makes the common case one pointer
** read. A pattern that does not compile fails the statement with the pattern,
** PCRE2's message and the offset; a match that hits the limits fails it with
** a clear message instead of hanging.
*/
#include "regexp.h"

#include <string.h>

#include "regex.h"

SQLITE_EXTENSION_INIT3

enum { REGEXP_CACHE_SIZE = 16, REGEXP_QUOTE_MAX = 120 };

typedef struct regexp_entry {
  char *pattern;
  int length;
  int flags;
  int references; /* the cache's own plus one per auxdata slot holding it */
  unsigned long last_use;
  vq_regex *regex;
} regexp_entry;

typedef struct regexp_cache {
  regexp_entry *entries[REGEXP_CACHE_SIZE];
  unsigned long clock;
} regexp_cache;

static void regexp_entry_release(void *pointer) {
  regexp_entry *entry = pointer;
  if (entry == NULL || --entry->references > 0) return;
  vq_regex_free(entry->regex);
  sqlite3_free(entry->pattern);
  sqlite3_free(entry);
}

static void regexp_cache_destroy(void *pointer) {
  regexp_cache *cache = pointer;
  for (int i = 0; i < REGEXP_CACHE_SIZE; i++) regexp_entry_release(cache->entries[i]);
  sqlite3_free(cache);
}

/* The pattern as it appears in a message: quoted, and cut if very long. */
static char *regexp_quote(const char *pattern, int length) {
  if (length <= REGEXP_QUOTE_MAX) return sqlite3_mprintf("'%.*q'", length, pattern);
  return sqlite3_mprintf("'%.*q...' (%d bytes)", REGEXP_QUOTE_MAX, pattern, length);
}

static void regexp_fail(sqlite3_context *ctx, const char *function, const char *what,
                        const char *pattern, int length, const char *detail) {
  char *quoted = regexp_quote(pattern, length);
  char *message = sqlite3_mprintf("%s: %s %s: %s", function, what, quoted ? quoted : "?", detail);
  if (message)
    sqlite3_result_error(ctx, message, -1);
  else
    sqlite3_result_error_nomem(ctx);
  sqlite3_free(message);
  sqlite3_free(quoted);
}

static regexp_entry *regexp_cache_find(regexp_cache *cache, const char *pattern, int length,
                                       int flags) {
  for (int i = 0; i < REGEXP_CACHE_SIZE; i++) {
    regexp_entry *entry = cache->entries[i];
    if (entry && entry->flags == flags && entry->length == length &&
        memcmp(entry->pattern, pattern, (size_t)length) == 0) {
      entry->last_use = ++cache->clock;
      return entry;
    }
  }
  return NULL;
}

static void regexp_cache_insert(regexp_cache *cache, regexp_entry *entry) {
  int victim = 0;
  for (int i = 0; i < REGEXP_CACHE_SIZE; i++) {
    if (cache->entries[i] == NULL) {
      victim = i;
      break;
    }
    if (cache->entries[i]->last_use < cache->entries[victim]->last_use) victim = i;
  }
  regexp_entry_release(cache->entries[victim]);
  entry->references++;
  entry->last_use = ++cache->clock;
  cache->entries[victim] = entry;
}

/* Compiles a pattern into a new entry, or reports why it cannot. */
static regexp_entry *regexp_compile(sqlite3_context *ctx, const char *function, const char *pattern,
                                    int length, int flags) {
  char error[300];
  vq_regex *regex = vq_regex_compile(pattern, (size_t)length, flags, error, sizeof error);
  if (regex == NULL) {
    regexp_fail(ctx, function, "invalid pattern", pattern, length, error);
    return NULL;
  }
  regexp_entry *entry = sqlite3_malloc(sizeof *entry);
  char *copy = sqlite3_malloc(length > 0 ? length : 1);
  if (entry == NULL || copy == NULL) {
    sqlite3_free(entry);
    sqlite3_free(copy);
    vq_regex_free(regex);
    sqlite3_result_error_nomem(ctx);
    return NULL;
  }
  memcpy(copy, pattern, (size_t)length);
  *entry = (regexp_entry){copy, length, flags, 0, 0, regex};
  return entry;
}

/*
** The compiled form of argument `pattern_arg`: from auxdata when this
** statement already has it, else from the connection's cache, else compiled.
** NULL means an error is already set on ctx.
*/
static regexp_entry *regexp_lookup(sqlite3_context *ctx, const char *function, sqlite3_value *value,
                                   int pattern_arg, int flags) {
  regexp_entry *entry = sqlite3_get_auxdata(ctx, pattern_arg);
  const char *pattern = (const char *)sqlite3_value_text(value);
  int length = sqlite3_value_bytes(value);
  if (pattern == NULL) {
    sqlite3_result_error_nomem(ctx);
    return NULL;
  }
  if (entry && entry->length == length && memcmp(entry->pattern, pattern, (size_t)length) == 0)
    return entry;
  regexp_cache *cache = sqlite3_user_data(ctx);
  entry = regexp_cache_find(cache, pattern, length, flags);
  if (entry == NULL) {
    entry = regexp_compile(ctx, function, pattern, length, flags);
    if (entry == NULL) return NULL;
    regexp_cache_insert(cache, entry);
  }
  /* On out of memory set_auxdata releases at once; the cache still holds it. */
  entry->references++;
  sqlite3_set_auxdata(ctx, pattern_arg, entry, regexp_entry_release);
  return entry;
}

static void regexp_run(sqlite3_context *ctx, const char *function, regexp_entry *entry,
                       sqlite3_value *subject) {
  const char *text = (const char *)sqlite3_value_text(subject);
  int length = sqlite3_value_bytes(subject);
  if (text == NULL) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  char error[300];
  int matched = vq_regex_match(entry->regex, text, (size_t)length, error, sizeof error);
  if (matched >= 0) {
    sqlite3_result_int(ctx, matched);
    return;
  }
  char *detail = sqlite3_mprintf(
      "%s on a subject of %d bytes (the pattern backtracks too much; "
      "make it more specific)",
      error, length);
  regexp_fail(ctx, function, "cannot match pattern", entry->pattern, entry->length,
              detail ? detail : error);
  sqlite3_free(detail);
}

/* regexp(pattern, subject): what `subject REGEXP pattern` calls. */
static void regexp_function(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return;
  regexp_entry *entry = regexp_lookup(ctx, "regexp", argv[0], 0, 0);
  if (entry) regexp_run(ctx, "regexp", entry, argv[1]);
}

int vq_vql_matches_everything(const char *pattern, int length) {
  return length == 0 || (length == 1 && pattern[0] == '.') ||
         (length == 2 && pattern[0] == '.' && pattern[1] == '*');
}

/* vql_match(subject, pattern): VQL's `subject =~ pattern`. */
static void vql_match_function(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_int(ctx, 1);
    return;
  }
  const char *pattern = (const char *)sqlite3_value_text(argv[1]);
  if (pattern && vq_vql_matches_everything(pattern, sqlite3_value_bytes(argv[1]))) {
    sqlite3_result_int(ctx, 1);
    return;
  }
  regexp_entry *entry = regexp_lookup(ctx, "vql_match", argv[1], 1, VQ_REGEX_CASELESS);
  if (entry == NULL) return;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
    sqlite3_result_int(ctx, 0);
  else
    regexp_run(ctx, "vql_match", entry, argv[0]);
}

/* vqlite_regex_check(pattern, caseless): NULL when the pattern compiles, else
 * PCRE2's message with the offset; what artifact_params validates with. */
static void regexp_check_function(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *pattern = (const char *)sqlite3_value_text(argv[0]);
  if (pattern == NULL) return;
  char error[300];
  int flags = sqlite3_value_int(argv[1]) ? VQ_REGEX_CASELESS : 0;
  vq_regex *regex =
      vq_regex_compile(pattern, (size_t)sqlite3_value_bytes(argv[0]), flags, error, sizeof error);
  if (regex)
    vq_regex_free(regex);
  else
    sqlite3_result_text(ctx, error, -1, SQLITE_TRANSIENT);
}

/* Each function owns its cache, so replacing one never frees the other's. */
static int regexp_register_function(sqlite3 *db, const char *name,
                                    void (*function)(sqlite3_context *, int, sqlite3_value **)) {
  regexp_cache *cache = sqlite3_malloc(sizeof *cache);
  if (cache == NULL) return SQLITE_NOMEM;
  memset(cache, 0, sizeof *cache);
  /* On failure create_function_v2 calls the destructor itself. */
  return sqlite3_create_function_v2(db, name, 2,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, cache,
                                    function, NULL, NULL, regexp_cache_destroy);
}

int vq_regexp_register(sqlite3 *db) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int rc = regexp_register_function(db, "regexp", regexp_function);
  if (rc == SQLITE_OK) rc = regexp_register_function(db, "vql_match", vql_match_function);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function_v2(db, "vqlite_regex_check", 2, flags, NULL, regexp_check_function,
                                    NULL, NULL, NULL);
  return rc;
}

/*
** regexp_floor.c: the floor for the REGEXP benchmark: reads the same rows
** through SQLite and calls PCRE2's JIT matcher directly (pcre2_jit_match,
** which checks nothing: no UTF-8 validation, so it is a floor, not a safe
** matcher), with no SQL function in between. Prints the matching rows' count.
**
**   regexp_floor DB PATTERN_FILE    (the pattern is the file's first line)
*/
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: regexp_floor DB PATTERN_FILE\n");
    return 2;
  }
  char pattern[4096] = "";
  FILE *file = fopen(argv[2], "r");
  if (file == NULL || fgets(pattern, sizeof pattern, file) == NULL) return 2;
  fclose(file);
  pattern[strcspn(pattern, "\n")] = 0;
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code *code =
      pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &error, &offset, NULL);
  if (code == NULL) return 3;
  if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0) return 3;
  pcre2_match_data *match = pcre2_match_data_create_from_pattern(code, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT x FROM t", -1, &stmt, NULL) != SQLITE_OK) {
    fprintf(stderr, "regexp_floor: %s\n", sqlite3_errmsg(db));
    return 4;
  }
  long count = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char *text = sqlite3_column_text(stmt, 0);
    int length = sqlite3_column_bytes(stmt, 0);
    if (pcre2_jit_match(code, text, (PCRE2_SIZE)length, 0, 0, match, NULL) >= 0) count++;
  }
  printf("%ld\n", count);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  pcre2_match_data_free(match);
  pcre2_code_free(code);
  return 0;
}

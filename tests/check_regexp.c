/*
** check_regexp.c: REGEXP and vql_match, through SQL, on both builds (the
** native vqlite.so and vqlite.dll under Wine run these very cases), and the
** pure engine (ext/regex.c) natively.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "regex.h"

/* ---- literals -------------------------------------------------------- */
START_TEST(literal_inside) {
  ck_assert_sql("1", "SELECT 'C:\\Windows\\System32' REGEXP 'System32'");
}
END_TEST
START_TEST(literal_absent) { ck_assert_sql("0", "SELECT 'svchost.exe' REGEXP 'chrome'"); }
END_TEST
START_TEST(literal_is_case_sensitive) {
  ck_assert_sql("0", "SELECT 'SVCHOST.EXE' REGEXP 'svchost'");
}
END_TEST
START_TEST(literal_empty_pattern) { ck_assert_sql("1", "SELECT 'anything' REGEXP ''"); }
END_TEST
START_TEST(literal_empty_subject) { ck_assert_sql("0|1", "SELECT '' REGEXP 'a', '' REGEXP '^$'"); }
END_TEST
START_TEST(literal_dot_escaped) {
  ck_assert_sql("1|0", "SELECT 'a.exe' REGEXP 'a\\.exe', 'axexe' REGEXP 'a\\.exe'");
}
END_TEST
START_TEST(literal_function_form) { ck_assert_sql("1", "SELECT regexp('cmd', 'C:\\cmd.exe')"); }
END_TEST
START_TEST(literal_in_where) {
  ck_assert_sql(
      "'lsass.exe'\n'svchost.exe'",
      "WITH t(name) AS (VALUES ('lsass.exe'),('chrome.exe'),('svchost.exe')) SELECT name FROM t "
      "WHERE name REGEXP '[st]\\.exe$' ORDER BY name");
}
END_TEST

/* ---- classes ----------------------------------------------------------- */
START_TEST(class_digits) {
  ck_assert_sql("1|0", "SELECT 'port 445' REGEXP '[0-9]{3}', 'port 44' REGEXP '\\d{3}'");
}
END_TEST
START_TEST(class_negated) {
  ck_assert_sql("0|1", "SELECT 'abc' REGEXP '^[^a-z]', '1bc' REGEXP '^[^a-z]'");
}
END_TEST
START_TEST(class_word_is_ascii) {
  ck_assert_sql("0|1", "SELECT 'é' REGEXP '^\\w$', 'e' REGEXP '^\\w$'");
}
END_TEST
START_TEST(class_space) { ck_assert_sql("1", "SELECT 'a b' REGEXP 'a\\sb'"); }
END_TEST
START_TEST(class_path_pattern) {
  ck_assert_sql(
      "1|0",
      "SELECT 'C:\\Windows\\System32\\svchost.exe' REGEXP '\\\\[A-Za-z]+32\\\\[a-z]+\\.exe', "
      "'C:\\Windows\\System\\svchost.exe' REGEXP '\\\\[A-Za-z]+32\\\\[a-z]+\\.exe'");
}
END_TEST
START_TEST(class_posix) { ck_assert_sql("1", "SELECT 'ABC' REGEXP '^[[:upper:]]+$'"); }
END_TEST

/* ---- anchors ----------------------------------------------------------- */
START_TEST(anchor_start) {
  ck_assert_sql("1|0", "SELECT 'svchost' REGEXP '^svc', 'xsvchost' REGEXP '^svc'");
}
END_TEST
START_TEST(anchor_end) {
  ck_assert_sql("1|0", "SELECT 'a.exe' REGEXP 'exe$', 'a.exe.txt' REGEXP 'exe$'");
}
END_TEST
START_TEST(anchor_both) {
  ck_assert_sql("1|0", "SELECT 'LISTEN' REGEXP '^LISTEN$', 'LISTENING' REGEXP '^LISTEN$'");
}
END_TEST
START_TEST(anchor_word_boundary) {
  ck_assert_sql("1|0", "SELECT 'a cmd b' REGEXP '\\bcmd\\b', 'cmdline' REGEXP '\\bcmd\\b'");
}
END_TEST
START_TEST(anchor_unanchored_default) { ck_assert_sql("1", "SELECT 'xxabcxx' REGEXP 'abc'"); }
END_TEST

/* ---- alternation and groups ------------------------------------------- */
START_TEST(alternation_three_names) {
  ck_assert_sql(
      "1|1|0",
      "SELECT 'chrome.exe' REGEXP 'chrome|firefox|msedge', "
      "'msedge.exe' REGEXP 'chrome|firefox|msedge', 'opera.exe' REGEXP 'chrome|firefox|msedge'");
}
END_TEST
START_TEST(alternation_grouped_anchor) {
  ck_assert_sql("1|0", "SELECT 'UDP' REGEXP '^(TCP|UDP)$', 'UDPX' REGEXP '^(TCP|UDP)$'");
}
END_TEST
START_TEST(alternation_status_map) {
  ck_assert_sql("1|1|0",
                "SELECT 'TIME_WAIT' REGEXP 'CLOS|SENT|RCVD|LAST|WAIT|DELETE', "
                "'SYN_SENT' REGEXP 'CLOS|SENT|RCVD|LAST|WAIT|DELETE', 'ESTAB' REGEXP "
                "'CLOS|SENT|RCVD|LAST|WAIT|DELETE'");
}
END_TEST
START_TEST(quantifier_braces) {
  ck_assert_sql("1|0", "SELECT 'aaa' REGEXP '^a{2,3}$', 'aaaa' REGEXP '^a{2,3}$'");
}
END_TEST
START_TEST(backreference) {
  ck_assert_sql("1|0", "SELECT 'abab' REGEXP '^(ab)\\1$', 'abba' REGEXP '^(ab)\\1$'");
}
END_TEST

/* ---- Unicode ------------------------------------------------------------ */
START_TEST(unicode_one_char) { ck_assert_sql("1", "SELECT 'Ä' REGEXP '^.$'"); }
END_TEST
START_TEST(unicode_three_bytes) { ck_assert_sql("1", "SELECT '€' REGEXP '^.$'"); }
END_TEST
START_TEST(unicode_four_bytes) { ck_assert_sql("1", "SELECT char(128512) REGEXP '^.$'"); }
END_TEST
START_TEST(unicode_literal) {
  ck_assert_sql("1", "SELECT 'C:\\Users\\Jürgen\\a.exe' REGEXP 'Jürgen'");
}
END_TEST
START_TEST(unicode_invalid_subject) {
  /* A stray byte reads as U+FFFD, as in Go: it matches '.', never crashes. */
  ck_assert_sql("1|1|1",
                "SELECT CAST(X'61ff62' AS TEXT) REGEXP '^a.b$', "
                "CAST(X'c3' AS TEXT) REGEXP '^.$', CAST(X'e282' AS TEXT) REGEXP '\\x{fffd}'");
}
END_TEST
START_TEST(unicode_invalid_pattern) {
  ck_assert_sql_prefix("error: regexp: invalid pattern", "SELECT 'a' REGEXP CAST(X'61ff' AS TEXT)");
}
END_TEST

/* ---- case ---------------------------------------------------------------- */
START_TEST(case_inline_flag) { ck_assert_sql("1", "SELECT 'SVCHOST' REGEXP '(?i)svchost'"); }
END_TEST
START_TEST(case_vql_match_insensitive) {
  ck_assert_sql("1|1|0",
                "SELECT vql_match('SVCHOST.EXE', 'svchost'), vql_match('svchost', 'SVCHOST'), "
                "vql_match('lsass', 'svchost')");
}
END_TEST
START_TEST(case_vql_match_unicode) { ck_assert_sql("1", "SELECT vql_match('JÜRGEN', 'jürgen')"); }
END_TEST

/* ---- NULL ---------------------------------------------------------------- */
START_TEST(null_subject) { ck_assert_sql("NULL", "SELECT NULL REGEXP 'a'"); }
END_TEST
START_TEST(null_pattern) { ck_assert_sql("NULL", "SELECT 'a' REGEXP NULL"); }
END_TEST
START_TEST(null_both) { ck_assert_sql("NULL", "SELECT regexp(NULL, NULL)"); }
END_TEST
START_TEST(null_vql_match_all) {
  ck_assert_sql("1|1|1|1",
                "SELECT vql_match(NULL, ''), vql_match(NULL, '.'), vql_match(NULL, '.*'), "
                "vql_match(NULL, NULL)");
}
END_TEST
START_TEST(null_vql_match_real_pattern) {
  ck_assert_sql("0|1", "SELECT vql_match(NULL, 'a'), NOT vql_match(NULL, 'a')");
}
END_TEST
START_TEST(null_vql_match_anchored_dot) {
  /* Only the three literal spellings match NULL: '^.*$' is a real pattern. */
  ck_assert_sql("0|1", "SELECT vql_match(NULL, '^.*$'), vql_match('', '^.*$')");
}
END_TEST

/* ---- numbers as subjects ------------------------------------------------ */
START_TEST(number_integer) { ck_assert_sql("1|0", "SELECT 445 REGEXP '^44', 3389 REGEXP '^44'"); }
END_TEST
START_TEST(number_real) { ck_assert_sql("1", "SELECT 1.5 REGEXP '^1\\.5$'"); }
END_TEST
START_TEST(number_vql_port) {
  ck_assert_sql("1|0", "SELECT vql_match(8080, '^80'), vql_match(443, '^80')");
}
END_TEST
START_TEST(number_pattern) { ck_assert_sql("1", "SELECT 'port 445' REGEXP 445"); }
END_TEST

/* ---- errors ---------------------------------------------------------------- */
START_TEST(error_invalid_pattern_text) {
  ck_assert_sql("error: regexp: invalid pattern '(abc': missing closing parenthesis at offset 4",
                "SELECT 'x' REGEXP '(abc'");
}
END_TEST
START_TEST(error_invalid_class_text) {
  ck_assert_sql(
      "error: regexp: invalid pattern '[a-': missing terminating ] for character class at offset 3",
      "SELECT 'x' REGEXP '[a-'");
}
END_TEST
START_TEST(error_vql_match_names_itself) {
  ck_assert_sql(
      "error: vql_match: invalid pattern '*x': quantifier does not follow a repeatable item at "
      "offset 0",
      "SELECT vql_match('x', '*x')");
}
END_TEST
START_TEST(error_catastrophic_pattern) {
  ck_assert_sql(
      "error: regexp: cannot match pattern '^(a+)+$': match limit exceeded on a subject of 31 "
      "bytes (the pattern backtracks too much; make it more specific)",
      "SELECT '%s!' REGEXP '^(a+)+$'", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}
END_TEST
START_TEST(error_long_pattern_is_cut) {
  /* A 5,001-byte pattern is quoted by its first 120 bytes and its size. */
  char expected[512];
  snprintf(expected, sizeof expected,
           "error: regexp: invalid pattern '(%.119s...' (5001 bytes): missing closing parenthesis "
           "at offset 5001",
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  ck_assert_sql(expected, "SELECT 'x' REGEXP ('(' || printf('%%.*c', 5000, 'a'))");
}
END_TEST

/* ---- caching ---------------------------------------------------------------- */
START_TEST(cache_many_rows) {
  ck_assert_sql("5000",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 10000) "
                "SELECT count(*) FROM n WHERE i REGEXP '[02468]$'");
}
END_TEST
START_TEST(cache_pattern_per_row) {
  /* A pattern that changes per row must be used per row, not cached stale. */
  ck_assert_sql("1|0\n0|1",
                "WITH t(s,p,q) AS (VALUES ('abc','^a','^b'),('bcd','^a','^b')) SELECT s REGEXP p, "
                "s REGEXP q FROM t");
}
END_TEST
START_TEST(cache_pattern_from_subquery) {
  ck_assert_sql("2",
                "CREATE TEMP TABLE p(v); INSERT INTO p VALUES ('svc'); "
                "WITH t(n) AS (VALUES ('svchost'),('SVC'),('lsass')) SELECT count(*) FROM t "
                "WHERE vql_match(n, (SELECT v FROM p))");
}
END_TEST

/* ---- the functions' flags ------------------------------------------------- */
START_TEST(version_reports_build) {
  ck_assert_sql("1", "SELECT vqlite_version() LIKE 'vqlite 0.%% (%%; SQLite 3.%%; PCRE2 10.%%)'");
}
END_TEST
START_TEST(version_number) {
  ck_assert_sql("1", "SELECT vqlite_version('number') GLOB '[0-9]*.[0-9]*.[0-9]*'");
}
END_TEST
START_TEST(regexp_usable_in_index) {
  /* DETERMINISTIC: allowed in an index expression and a CHECK constraint. */
  ck_assert_sql(
      "1",
      "CREATE TEMP TABLE t(x CHECK (x REGEXP '^[a-z]+$')); INSERT INTO t VALUES ('abc'); "
      "CREATE INDEX temp.i ON t(x REGEXP 'b'); SELECT count(*) FROM t WHERE x REGEXP 'b'");
}
END_TEST
START_TEST(regexp_check_constraint_refuses) {
  ck_assert_sql("error: CHECK constraint failed: x REGEXP '^[a-z]+$'",
                "CREATE TEMP TABLE t(x CHECK (x REGEXP '^[a-z]+$')); INSERT INTO t VALUES ('ABC')");
}
END_TEST
START_TEST(regex_check_function) {
  ck_assert_sql("NULL|'missing closing parenthesis at offset 1'",
                "SELECT vqlite_regex_check('a', 0), vqlite_regex_check('(', 1)");
}
END_TEST

static TCase *sql_cases(void) {
  TCase *tcase = harness_tcase("sql");
  TTest const *const tests[] = {literal_inside,
                                literal_absent,
                                literal_is_case_sensitive,
                                literal_empty_pattern,
                                literal_empty_subject,
                                literal_dot_escaped,
                                literal_function_form,
                                literal_in_where,
                                class_digits,
                                class_negated,
                                class_word_is_ascii,
                                class_space,
                                class_path_pattern,
                                class_posix,
                                anchor_start,
                                anchor_end,
                                anchor_both,
                                anchor_word_boundary,
                                anchor_unanchored_default,
                                alternation_three_names,
                                alternation_grouped_anchor,
                                alternation_status_map,
                                quantifier_braces,
                                backreference,
                                unicode_one_char,
                                unicode_three_bytes,
                                unicode_four_bytes,
                                unicode_literal,
                                unicode_invalid_subject,
                                unicode_invalid_pattern,
                                case_inline_flag,
                                case_vql_match_insensitive,
                                case_vql_match_unicode,
                                null_subject,
                                null_pattern,
                                null_both,
                                null_vql_match_all,
                                null_vql_match_real_pattern,
                                null_vql_match_anchored_dot,
                                number_integer,
                                number_real,
                                number_vql_port,
                                number_pattern,
                                error_invalid_pattern_text,
                                error_invalid_class_text,
                                error_vql_match_names_itself,
                                error_catastrophic_pattern,
                                error_long_pattern_is_cut,
                                cache_many_rows,
                                cache_pattern_per_row,
                                cache_pattern_from_subquery,
                                version_reports_build,
                                version_number,
                                regexp_usable_in_index,
                                regexp_check_constraint_refuses,
                                regex_check_function};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) tcase_add_test(tcase, tests[i]);
  return tcase;
}

/* ---- the engine alone (native) -------------------------------------------- */
START_TEST(engine_utf8_prefix) {
  ck_assert_uint_eq(vq_utf8_valid_prefix((const unsigned char *)"abcdefghij", 10), 10);
  ck_assert_uint_eq(vq_utf8_valid_prefix((const unsigned char *)"ab\xc3\xa4", 4), 4);
  ck_assert_uint_eq(vq_utf8_valid_prefix((const unsigned char *)"ab\xc3", 3), 2);
  ck_assert_uint_eq(vq_utf8_valid_prefix((const unsigned char *)"abcdefgh\xff", 9), 8);
  ck_assert_uint_eq(vq_utf8_valid_prefix((const unsigned char *)"\xed\xa0\x80", 3),
                    0);                                                             /* surrogate */
  ck_assert_uint_eq(vq_utf8_valid_prefix((const unsigned char *)"\xc0\xaf", 2), 0); /* overlong */
  ck_assert_uint_eq(vq_utf8_valid_prefix((const unsigned char *)"\xf4\x90\x80\x80", 4),
                    0); /* > U+10FFFF */
}
END_TEST

START_TEST(engine_jit_on_reuse) {
  char error[256];
  vq_regex *regex = vq_regex_compile("b+", 2, 0, error, sizeof error);
  ck_assert_ptr_nonnull(regex);
  for (int i = 0; i < 3; i++)
    ck_assert_int_eq(vq_regex_match(regex, "abbc", 4, error, sizeof error), 1);
  ck_assert_int_eq(vq_regex_match(regex, "ac", 2, error, sizeof error), 0);
  vq_regex_free(regex);
}
END_TEST

START_TEST(engine_compile_error) {
  char error[256];
  ck_assert_ptr_null(vq_regex_compile("a(", 2, 0, error, sizeof error));
  ck_assert_str_eq(error, "missing closing parenthesis at offset 2");
}
END_TEST

int main(void) {
  Suite *suite = suite_create(harness_is_wine() ? "regexp (wine)" : "regexp");
  suite_add_tcase(suite, sql_cases());
  if (!harness_is_wine()) {
    TCase *engine = tcase_create("engine");
    tcase_add_test(engine, engine_utf8_prefix);
    tcase_add_test(engine, engine_jit_on_reuse);
    tcase_add_test(engine, engine_compile_error);
    suite_add_tcase(suite, engine);
  }
  return harness_run(suite);
}

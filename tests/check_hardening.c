/*
** check_hardening.c: vqlite under hostile input, load and faults.
**
**   hostile      a database file whose schema holds views and triggers that
**                read the OS tables (or call the DIRECTONLY functions) cannot
**                reach them when opened with vqlite loaded, opened directly or
**                ATTACHed; the user's own TEMP views still can (native, Wine)
**   bad_input    every function and table argument given NULL, '', numbers,
**                blobs, 1 MB strings, invalid UTF-8, paths longer than 32,767
**                characters, device paths and 100 KB patterns: each answer
**                (a clear error or the correct value) is asserted (native,
**                Wine; docs/reliability.md lists them)
**   churn        each table and view queried VQLITE_CHURN_ROUNDS (1000) times
**                while a helper process starts and kills processes and opens
**                and closes sockets as fast as it can: no error, no invalid
**                row, heap in use flat (native)
**   concurrency  eight threads, a connection each, query every table and view
**                for VQLITE_CONCURRENCY_SECONDS (5 here; `make check-tsan`
**                runs 30 under ThreadSanitizer): no error, no invalid row
**                (native; under Wine the same queries run in eight threads
**                of sqlrun.exe --stress, tests/stress.h)
**   clamp        the clamp of UTF-16 lengths read from another process's PEB
**                (vq_clamp_utf16_bytes, platform_processes.h, which
**                win32/processes.c applies) fed corrupt lengths (native: the
**                clamp is a pure inline function, the same code on both)
**
** "Invalid row": every object has a predicate that a well-formed row never
** meets (a family other than IPv4/IPv6, a trust word outside the five, a
** digest of the wrong length...); each query counts its rows and those.
** Figures (queries, peak RSS, heap growth) are printed on stdout.
** VQLITE_SLOW=valgrind cuts the churn to 100 rounds (memcheck is ~30x slower;
** its leak check then replaces the heap-growth bound).
*/
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../tables/platform.h"
#include "harness.h"

/* ---- every table and view, and what an invalid row of it is ---------------------- */

typedef struct hardening_object {
  const char *name;
  const char *select;  /* all columns of every row */
  const char *invalid; /* true (or NULL) for a row that breaks the contract */
} hardening_object;

static const hardening_object hardening_objects[] = {
    {"netstat", "SELECT * FROM netstat",
     "family NOT IN ('IPv4','IPv6') OR type NOT IN ('TCP','UDP') OR local_address IS NULL "
     "OR local_port NOT BETWEEN 0 AND 65535 OR (type = 'UDP' AND (status != '' OR remote_address "
     "IS NOT NULL)) OR (pid IS NOT NULL AND pid < 0)"},
    {"processes", "SELECT * FROM processes",
     "pid < 0 OR name IS NULL OR (md5 IS NOT NULL AND length(md5) != 32) OR (sha1 IS NOT NULL "
     "AND length(sha1) != 40) OR (sha256 IS NOT NULL AND length(sha256) != 64) OR (create_time "
     "IS NOT NULL AND create_time NOT LIKE '____-__-__T__:__:__Z')"},
    {"authenticode", "SELECT p.path AS asked, a.* FROM processes p, authenticode(p.path) a",
     "trusted NOT IN ('trusted','unsigned','untrusted','disallowed','error') OR detail IS NULL "
     "OR filename IS NOT asked"},
    {"arp_cache", "SELECT * FROM arp_cache",
     "address_family NOT IN ('IPv4','IPv6') OR store NOT IN ('Active','Persistent') OR "
     "is_router NOT IN (0,1) OR state NOT IN ('Unreachable','Incomplete','Probe','Delay',"
     "'Stale','Reachable','Permanent') OR ip_address IS NULL"},
    {"interface_addresses", "SELECT * FROM interface_addresses",
     "name IS NULL OR (address IS NOT NULL AND (family NOT IN ('IPv4','IPv6') OR kind NOT IN "
     "('unicast','anycast')))"},
    {"Windows.Network.ArpCache", "SELECT * FROM \"Windows.Network.ArpCache\"",
     "AddressFamily NOT IN ('IPv4','IPv6')"},
    {"Windows.Network.InterfaceAddresses", "SELECT * FROM \"Windows.Network.InterfaceAddresses\"",
     "Name IS NULL"},
    {"Windows.Network.ListeningPorts", "SELECT * FROM \"Windows.Network.ListeningPorts\"",
     "Protocol != 'TCP' OR Port NOT BETWEEN 0 AND 65535 OR Family NOT IN ('IPv4','IPv6')"},
    {"Windows.Network.Netstat", "SELECT * FROM \"Windows.Network.Netstat\"",
     "Family NOT IN ('IPv4','IPv6') OR Type NOT IN ('TCP','UDP')"},
    {"Windows.Network.NetstatEnriched", "SELECT * FROM \"Windows.Network.NetstatEnriched\"",
     "Family NOT IN ('IPv4','IPv6') OR Type NOT IN ('TCP','UDP') OR (Hash IS NOT NULL AND "
     "json_valid(Hash) = 0) OR (Authenticode IS NOT NULL AND json_valid(Authenticode) = 0)"},
};
enum { HARDENING_OBJECT_COUNT = sizeof hardening_objects / sizeof hardening_objects[0] };

static int hardening_env_int(const char *name, int fallback) {
  const char *value = getenv(name);
  return value && *value ? atoi(value) : fallback;
}

static int hardening_slow(void) { return getenv("VQLITE_SLOW") && *getenv("VQLITE_SLOW"); }

/* A native connection with vqlite loaded; NULL with *error set on failure. */
static sqlite3 *hardening_open(const char *path, char *error, size_t error_size) {
  sqlite3 *db = NULL;
  if (sqlite3_open(path, &db) != SQLITE_OK) {
    snprintf(error, error_size, "open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return NULL;
  }
  sqlite3_enable_load_extension(db, 1);
  char *message = NULL;
  const char *so = getenv("VQLITE_SO") && *getenv("VQLITE_SO") ? getenv("VQLITE_SO") : "./vqlite";
  if (sqlite3_load_extension(db, so, NULL, &message) != SQLITE_OK) {
    snprintf(error, error_size, "loading %s: %s", so, message ? message : "?");
    sqlite3_free(message);
    sqlite3_close(db);
    return NULL;
  }
  return db;
}

/* One full read of an object: every column of every row materialised, rows
 * and invalid rows counted. 0, or -1 with *error set. */
static int hardening_query(sqlite3 *db, const hardening_object *object, long *rows, long *invalid,
                           char *error, size_t error_size) {
  char *sql = sqlite3_mprintf(
      "WITH r AS MATERIALIZED (%s) SELECT count(*), "
      "total(coalesce((%s), 1) != 0) FROM r",
      object->select, object->invalid);
  sqlite3_stmt *stmt = NULL;
  int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) : SQLITE_NOMEM;
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    *rows = sqlite3_column_int64(stmt, 0);
    *invalid = (long)sqlite3_column_double(stmt, 1);
  } else {
    snprintf(error, error_size, "%s: %s (%d)", object->name, sqlite3_errmsg(db), rc);
  }
  sqlite3_finalize(stmt);
  sqlite3_free(sql);
  return rc == SQLITE_ROW ? 0 : -1;
}

/* ---- hostile databases ------------------------------------------------------------- */

static char hostile_path[64];

/* A database someone else wrote, with plain SQLite (no vqlite): views and a
 * trigger that would read the OS tables and call the DIRECTONLY functions. */
static void hostile_create(void) {
  snprintf(hostile_path, sizeof hostile_path, "/tmp/vqlite-hostile-%d.db", (int)getpid());
  unlink(hostile_path);
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(hostile_path, &db), SQLITE_OK);
  char *error = NULL;
  int rc = sqlite3_exec(
      db,
      "CREATE TABLE loot(what TEXT, n INTEGER);"
      "CREATE TABLE bait(x);"
      "CREATE VIEW steal_sockets AS SELECT * FROM netstat;"
      "CREATE VIEW steal_processes AS SELECT pid, cmdline FROM processes;"
      "CREATE VIEW steal_signatures AS SELECT * FROM authenticode('/etc/passwd');"
      "CREATE VIEW steal_neighbors AS SELECT * FROM arp_cache;"
      "CREATE VIEW steal_addresses AS SELECT * FROM interface_addresses;"
      "CREATE VIEW steal_counter AS SELECT vqlite_counter('files_hashed') AS n;"
      "CREATE VIEW write_snapshot AS SELECT vqlite_snapshot('/tmp/vqlite-hostile-loot.db') AS n;"
      "CREATE TRIGGER on_bait AFTER INSERT ON bait BEGIN "
      "  INSERT INTO loot SELECT cmdline, pid FROM processes; "
      "  INSERT INTO loot SELECT local_address, local_port FROM netstat; "
      "END;",
      NULL, NULL, &error);
  ck_assert_msg(rc == SQLITE_OK, "creating the hostile database: %s", error ? error : "?");
  sqlite3_close(db);
}

static void hostile_remove(void) {
  if (hostile_path[0]) unlink(hostile_path);
  hostile_path[0] = 0;
}

/* How the hostile file is named for the current target. */
static char *hostile_sql_path(void) {
  if (!harness_is_wine()) return sqlite3_mprintf("%s", hostile_path);
  char *path = sqlite3_mprintf("Z:%s", hostile_path);
  for (char *p = path; *p; p++)
    if (*p == '/') *p = '\\';
  return path;
}

static void hostile_assert_refused(const char *schema) {
  static const char *const refused[][2] = {
      {"steal_sockets", "netstat"},
      {"steal_processes", "processes"},
      {"steal_signatures", "authenticode"},
      {"steal_neighbors", "arp_cache"},
      {"steal_addresses", "interface_addresses"},
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    char *expected = sqlite3_mprintf("error: unsafe use of virtual table \"%s\"", refused[i][1]);
    ck_assert_sql(expected, "SELECT count(*) FROM %s.%s", schema, refused[i][0]);
    sqlite3_free(expected);
  }
  ck_assert_sql("error: unsafe use of vqlite_counter()", "SELECT * FROM %s.steal_counter", schema);
  ck_assert_sql("error: unsafe use of vqlite_snapshot()", "SELECT * FROM %s.write_snapshot",
                schema);
  /* The trigger fires on a plain INSERT and is stopped before it reads anything. */
  ck_assert_sql("error: unsafe use of virtual table \"processes\"",
                "INSERT INTO %s.bait VALUES (1)", schema);
  ck_assert_sql("0", "SELECT count(*) FROM %s.loot", schema);
}

START_TEST(hostile_attached_database_cannot_read_os_tables) {
  hostile_create();
  char *path = hostile_sql_path();
  ck_assert_sql("", "ATTACH '%s' AS hostile", path); /* a path of ours: no quote in it */
  hostile_assert_refused("hostile");
  /* The user's own TEMP view of the same tables works: only foreign schema is refused. */
  ck_assert_sql("", "CREATE TEMP VIEW mine AS SELECT count(*) >= 0 FROM processes");
  ck_assert_sql("1", "SELECT * FROM mine");
  ck_assert_sql("", "DETACH hostile");
  sqlite3_free(path);
  hostile_remove();
}
END_TEST

/* Natively also: the file opened as the main database, as `sqlite3 evil.db`
 * then `.load ./vqlite` would. */
START_TEST(hostile_main_database_cannot_read_os_tables) {
  hostile_create();
  char error[512] = "";
  sqlite3 *db = hardening_open(hostile_path, error, sizeof error);
  ck_assert_msg(db != NULL, "%s", error);
  static const char *const queries[] = {
      "SELECT count(*) FROM steal_sockets",    "SELECT count(*) FROM steal_processes",
      "SELECT count(*) FROM steal_signatures", "SELECT count(*) FROM steal_neighbors",
      "SELECT count(*) FROM steal_addresses",  "SELECT * FROM steal_counter",
      "SELECT * FROM write_snapshot",          "INSERT INTO bait VALUES (1)",
  };
  for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
    char *message = NULL;
    int rc = sqlite3_exec(db, queries[i], NULL, NULL, &message);
    ck_assert_msg(rc == SQLITE_ERROR && message && strstr(message, "unsafe use of "),
                  "%s gave %d: %s", queries[i], rc, message ? message : "no error");
    sqlite3_free(message);
  }
  ck_assert_int_eq(access("/tmp/vqlite-hostile-loot.db", F_OK), -1);
  sqlite3_close(db);
  hostile_remove();
}
END_TEST

/* ---- bad input ------------------------------------------------------------------------ */

/*
** The values every argument gets, as SQL expressions (so that a 1 MB string
** is built by SQLite, not pasted into the test).
*/
#define BAD_NULL "NULL"
#define BAD_EMPTY "''"
#define BAD_INTEGER "42"
#define BAD_REAL "-1.5"
#define BAD_BLOB "X'00FF'"
#define BAD_MEGABYTE "printf('%%.*c', 1048576, 'a')"
#define BAD_UTF8 "CAST(X'C328FF' AS TEXT)"
#define BAD_LONG_PATH "('/tmp/' || printf('%%.*c', 40000, 'a'))"
#define BAD_PATTERN "printf('%%.*c', 102400, 'a')"
#define BAD_PATTERN_VALID "('(' || printf('%%.*c', 102398, 'a') || ')')"

typedef enum { BAD_EXACT, BAD_PREFIX, BAD_CONTAINS } bad_match;

typedef struct bad_case {
  const char *sql; /* printf format: %% for a literal % */
  const char *expected;
  bad_match match;
} bad_case;

/* The same on both builds: functions that touch no OS state. */
static const bad_case bad_common[] = {
    /* regexp(pattern, subject) via REGEXP, pattern bad */
    {"SELECT 'abc' REGEXP " BAD_NULL, "NULL", BAD_EXACT},
    {"SELECT 'abc' REGEXP " BAD_EMPTY, "1", BAD_EXACT},
    {"SELECT 'abc42' REGEXP " BAD_INTEGER, "1", BAD_EXACT},
    {"SELECT 'abc' REGEXP " BAD_REAL, "0", BAD_EXACT},
    {"SELECT 'abc' REGEXP " BAD_BLOB,
     "error: regexp: invalid pattern '': UTF-8 error: illegal byte (0xfe or 0xff) at offset 1",
     BAD_EXACT},
    {"SELECT 'abc' REGEXP " BAD_MEGABYTE,
     "(1048576 bytes): regular expression is too large at offset 1048576", BAD_CONTAINS},
    {"SELECT 'abc' REGEXP " BAD_UTF8,
     "error: regexp: invalid pattern '\xC3(\xFF': UTF-8 error: byte 2 top bits not 0x80 at offset "
     "0",
     BAD_EXACT},
    {"SELECT 'abc' REGEXP " BAD_PATTERN,
     "(102400 bytes): regular expression is too large at offset 102400", BAD_CONTAINS},
    {"SELECT length(" BAD_PATTERN_VALID ") > 102000, 'abc' REGEXP " BAD_PATTERN_VALID,
     "(102400 bytes): regular expression is too large", BAD_CONTAINS},
    /* regexp, subject bad: an answer, never an error */
    {"SELECT " BAD_NULL " REGEXP 'a'", "NULL", BAD_EXACT},
    {"SELECT " BAD_EMPTY " REGEXP 'a'", "0", BAD_EXACT},
    {"SELECT " BAD_INTEGER " REGEXP '^42$'", "1", BAD_EXACT},
    {"SELECT " BAD_REAL " REGEXP '^-1\\.5$'", "1", BAD_EXACT},
    {"SELECT " BAD_BLOB " REGEXP 'a'", "0", BAD_EXACT},
    {"SELECT " BAD_MEGABYTE " REGEXP 'a$'", "1", BAD_EXACT},
    {"SELECT " BAD_MEGABYTE " REGEXP '(a|aa)+b'", "0", BAD_EXACT},
    {"SELECT " BAD_UTF8 " REGEXP '^\xEF\xBF\xBD\\(\xEF\xBF\xBD$'", "1", BAD_EXACT},
    {"SELECT " BAD_LONG_PATH " REGEXP '^/tmp/a+$'", "1", BAD_EXACT},
    /* vql_match(subject, pattern): VQL's =~ */
    {"SELECT vql_match('abc', " BAD_NULL "), vql_match(" BAD_NULL ", 'a')", "1|0", BAD_EXACT},
    {"SELECT vql_match('abc', " BAD_EMPTY "), vql_match(" BAD_EMPTY ", 'a')", "1|0", BAD_EXACT},
    {"SELECT vql_match('X42', " BAD_INTEGER "), vql_match(" BAD_INTEGER ", '4')", "1|1", BAD_EXACT},
    {"SELECT vql_match('abc', " BAD_BLOB ")",
     "error: vql_match: invalid pattern '': UTF-8 error: illegal byte (0xfe or 0xff) at offset 1",
     BAD_EXACT},
    {"SELECT vql_match('abc', " BAD_MEGABYTE ")", "regular expression is too large", BAD_CONTAINS},
    {"SELECT vql_match(" BAD_MEGABYTE ", 'A+$')", "1", BAD_EXACT},
    {"SELECT vql_match(" BAD_UTF8 ", '\\(')", "1", BAD_EXACT},
    {"SELECT vql_match('abc', " BAD_PATTERN ")", "regular expression is too large", BAD_CONTAINS},
    /* vqlite_regex_check(pattern, caseless) */
    {"SELECT vqlite_regex_check(" BAD_NULL ", 1), vqlite_regex_check(" BAD_EMPTY ", 1)",
     "NULL|NULL", BAD_EXACT},
    {"SELECT vqlite_regex_check(" BAD_INTEGER ", " BAD_BLOB "), vqlite_regex_check('a', " BAD_NULL
     ")",
     "NULL|NULL", BAD_EXACT},
    {"SELECT vqlite_regex_check(" BAD_BLOB ", 0)",
     "'UTF-8 error: illegal byte (0xfe or 0xff) at offset 1'", BAD_EXACT},
    {"SELECT vqlite_regex_check(" BAD_MEGABYTE ", 0)",
     "'regular expression is too large at offset 1048576'", BAD_EXACT},
    {"SELECT vqlite_regex_check(" BAD_UTF8 ", 0)",
     "'UTF-8 error: byte 2 top bits not 0x80 at offset 0'", BAD_EXACT},
    {"SELECT vqlite_regex_check(" BAD_PATTERN ", 1)",
     "'regular expression is too large at offset 102400'", BAD_EXACT},
    /* vqlite_version([what]) */
    {"SELECT vqlite_version(" BAD_NULL ") = vqlite_version()", "1", BAD_EXACT},
    {"SELECT vqlite_version(" BAD_EMPTY ")",
     "error: vqlite_version: unknown argument '' (expected 'number' or 'full')", BAD_EXACT},
    {"SELECT vqlite_version(" BAD_INTEGER ")",
     "error: vqlite_version: unknown argument '42' (expected 'number' or 'full')", BAD_EXACT},
    {"SELECT vqlite_version(" BAD_BLOB ")",
     "error: vqlite_version: unknown argument '' (expected 'number' or 'full')", BAD_EXACT},
    {"SELECT vqlite_version(" BAD_MEGABYTE ")", "error: vqlite_version: unknown argument 'aaaa",
     BAD_PREFIX},
    {"SELECT vqlite_version(" BAD_UTF8 ")",
     "error: vqlite_version: unknown argument '\xC3(\xFF' (expected 'number' or 'full')",
     BAD_EXACT},
    /* vqlite_counter(name) */
    {"SELECT vqlite_counter(" BAD_NULL ")",
     "error: vqlite_counter: unknown counter NULL (expected one of proc_fd_dirs, process_opens, "
     "files_hashed, signatures_checked)",
     BAD_EXACT},
    {"SELECT vqlite_counter(" BAD_EMPTY ")", "error: vqlite_counter: unknown counter '' (expected",
     BAD_PREFIX},
    {"SELECT vqlite_counter(" BAD_INTEGER ")",
     "error: vqlite_counter: unknown counter '42' (expected", BAD_PREFIX},
    {"SELECT vqlite_counter(" BAD_BLOB ")", "error: vqlite_counter: unknown counter '' (expected",
     BAD_PREFIX},
    {"SELECT vqlite_counter(" BAD_MEGABYTE ")", "error: vqlite_counter: unknown counter 'aaaa",
     BAD_PREFIX},
    {"SELECT vqlite_counter(" BAD_UTF8 ")",
     "error: vqlite_counter: unknown counter '\xC3(\xFF' (expected", BAD_PREFIX},
    /* vqlite_artifact_map(map, choice) */
    {"SELECT vqlite_artifact_map(" BAD_NULL
     ", 'ALL'), vqlite_artifact_map('Choice,Regex\nALL,x', " BAD_NULL ")",
     "NULL|NULL", BAD_EXACT},
    {"SELECT vqlite_artifact_map(" BAD_EMPTY ", 'ALL')",
     "error: vqlite_artifact_map: not a Choice,Regex CSV map: line 1: no header row (expected "
     "Choice,Regex)",
     BAD_EXACT},
    {"SELECT vqlite_artifact_map(" BAD_INTEGER ", 'ALL')",
     "error: vqlite_artifact_map: not a Choice,Regex CSV map: line 1: the header row does not "
     "name both columns Choice and Regex",
     BAD_EXACT},
    {"SELECT vqlite_artifact_map(" BAD_BLOB ", 'ALL')",
     "error: vqlite_artifact_map: not a Choice,Regex CSV map: line 1: the header row does not "
     "name both columns Choice and Regex",
     BAD_EXACT},
    {"SELECT vqlite_artifact_map(" BAD_MEGABYTE ", 'ALL')",
     "error: vqlite_artifact_map: not a Choice,Regex CSV map: line 1: a field is too long",
     BAD_EXACT},
    {"SELECT vqlite_artifact_map('Choice,Regex\n' || " BAD_UTF8 " || ',x', " BAD_UTF8 ")", "'x'",
     BAD_EXACT},
    {"SELECT vqlite_artifact_map('Choice,Regex\nALL,x', " BAD_MEGABYTE ")", "NULL", BAD_EXACT},
    {"SELECT vqlite_artifact_map('Choice,Regex\n42,x', " BAD_INTEGER ")", "'x'", BAD_EXACT},
    /* artifact_params: one of each type */
    {"UPDATE artifact_params SET value = " BAD_NULL " WHERE name = 'ProcessNameRegex'",
     "error: artifact_params: ProcessNameRegex needs a value (reset it with SET value = "
     "default_value)",
     BAD_EXACT},
    {"UPDATE artifact_params SET value = " BAD_EMPTY " WHERE name = 'ProcessNameRegex'; "
     "SELECT value FROM artifact_params WHERE name = 'ProcessNameRegex'",
     "''", BAD_EXACT},
    {"UPDATE artifact_params SET value = " BAD_BLOB " WHERE name = 'ProcessNameRegex'",
     "error: artifact_params: ProcessNameRegex must be a valid regex: UTF-8 error: illegal byte "
     "(0xfe or 0xff) at offset 1 (got '')",
     BAD_EXACT},
    {"UPDATE artifact_params SET value = " BAD_MEGABYTE " WHERE name = 'ProcessNameRegex'",
     "error: artifact_params: ProcessNameRegex must be a valid regex: regular expression is too "
     "large at offset 1048576 (got 'aaaa",
     BAD_PREFIX},
    {"UPDATE artifact_params SET value = " BAD_UTF8 " WHERE name = 'ProcessNameRegex'",
     "error: artifact_params: ProcessNameRegex must be a valid regex: UTF-8 error: byte 2 top bits "
     "not 0x80 at offset 0 (got '\xC3(\xFF')",
     BAD_EXACT},
    {"UPDATE artifact_params SET value = " BAD_PATTERN " WHERE name = 'CommandLineRegex'",
     "error: artifact_params: CommandLineRegex must be a valid regex: regular expression is too "
     "large at offset 102400 (got 'aaaa",
     BAD_PREFIX},
    {"UPDATE artifact_params SET value = " BAD_INTEGER " WHERE name = 'Status'",
     "error: artifact_params: Status must be one of ALL, ESTABLISHED, LISTENING, OTHER (got '42')",
     BAD_EXACT},
    {"UPDATE artifact_params SET value = " BAD_MEGABYTE " WHERE name = 'Family'",
     "error: artifact_params: Family must be one of ALL, IPv4, IPv6 (got 'aaaa", BAD_PREFIX},
    {"UPDATE artifact_params SET value = " BAD_REAL " WHERE name = 'StatusMap'",
     "error: artifact_params: StatusMap must be CSV with the header Choice,Regex and a valid regex "
     "in each row: line 1: the header row does not name both columns Choice and Regex (got "
     "'-1.5')",
     BAD_EXACT},
    {"UPDATE artifact_params SET value = 'Choice,Regex\nALL,' || " BAD_PATTERN
     " WHERE name = 'TypeMap'",
     "error: artifact_params: TypeMap must be CSV with the header Choice,Regex and a valid regex "
     "in each row: line 2: a field is too long",
     BAD_PREFIX},
    {"UPDATE artifact_params SET value = " BAD_BLOB " WHERE name = 'kMapOfState'",
     "error: artifact_params: kMapOfState must be a JSON object such as {\"5\": \"Reachable\"} "
     "(got '')",
     BAD_EXACT},
    {"UPDATE artifact_params SET value = " BAD_MEGABYTE " WHERE name = 'kMapOfState'",
     "error: artifact_params: kMapOfState must be a JSON object such as {\"5\": \"Reachable\"} "
     "(got 'aaaa",
     BAD_PREFIX},
    /* after every refusal above, the values are still the defaults */
    {"SELECT count(*) FROM artifact_params WHERE value IS NOT default_value AND name != "
     "'ProcessNameRegex'",
     "0", BAD_EXACT},
    /* pid pushdown: the same rows as SQLite's own comparison (unary + disables the pushdown) */
    {"SELECT (SELECT count(*) FROM processes WHERE pid = " BAD_NULL ") || '|' || "
     "(SELECT count(*) FROM processes WHERE pid IN (" BAD_EMPTY ", " BAD_REAL ", " BAD_BLOB
     ", " BAD_UTF8 "))",
     "'0|0'", BAD_EXACT},
    {"SELECT (SELECT count(*) FROM processes WHERE pid = " BAD_MEGABYTE ") || '|' || "
     "(SELECT count(*) FROM processes WHERE pid IN (SELECT 1 WHERE 0))",
     "'0|0'", BAD_EXACT},
    {"SELECT (SELECT count(*) FROM processes WHERE pid IN (-1, 0, 9223372036854775807, "
     "-9223372036854775808, 1e300)) = (SELECT count(*) FROM processes WHERE +pid IN (-1, 0, "
     "9223372036854775807, -9223372036854775808, 1e300))",
     "1", BAD_EXACT},
    {"SELECT (SELECT count(*) FROM netstat WHERE pid IN (" BAD_NULL ", " BAD_EMPTY ", " BAD_BLOB
     ", " BAD_MEGABYTE ", -1))",
     "0", BAD_EXACT},
    /* authenticode with no usable path */
    {"SELECT * FROM authenticode(" BAD_NULL ")",
     "error: authenticode: a path is required, as in SELECT * FROM authenticode('C:\\x.exe')",
     BAD_EXACT},
    {"SELECT * FROM authenticode", "error: authenticode: a path is required", BAD_PREFIX},
    /* vqlite_replay / vqlite_snapshot_diff ids */
    {"SELECT vqlite_replay(" BAD_EMPTY ")",
     "error: vqlite_replay: the snapshot id must be an integer (an id of the snapshots table), or "
     "NULL for the live host (got '')",
     BAD_EXACT},
    {"SELECT vqlite_replay(" BAD_REAL ")",
     "error: vqlite_replay: the snapshot id must be an integer (an id of the snapshots table), or "
     "NULL for the live host (got '-1.5')",
     BAD_EXACT},
    {"SELECT vqlite_replay(" BAD_MEGABYTE ")",
     "error: vqlite_replay: the snapshot id must be an integer (an id of the snapshots table), or "
     "NULL for the live host (got 'aaaa",
     BAD_PREFIX},
    {"SELECT vqlite_replay(" BAD_INTEGER ")",
     "error: vqlite_replay: schema 'main' holds no snapshots (no such table: main.snapshots); "
     "open vqlite on a snapshot file or ATTACH one",
     BAD_EXACT},
    {"SELECT vqlite_replay(" BAD_NULL ")", "'live: the tables and artifact views read the host'",
     BAD_EXACT},
    {"SELECT vqlite_replay(1, " BAD_MEGABYTE ")", "error: vqlite_replay: ", BAD_PREFIX},
    {"SELECT count(*) FROM vqlite_snapshot_diff(" BAD_BLOB ", 1)",
     "error: vqlite_snapshot_diff: needs two snapshot ids, as in SELECT * FROM "
     "vqlite_snapshot_diff(1, 2) or vqlite_snapshot_diff(1, 2, 'schema')",
     BAD_EXACT},
    {"SELECT count(*) FROM vqlite_snapshot_diff(1, " BAD_MEGABYTE ")",
     "error: vqlite_snapshot_diff: needs two snapshot ids", BAD_PREFIX},
    {"SELECT count(*) FROM vqlite_snapshot_diff(1, 2, " BAD_UTF8 ")",
     "error: vqlite_snapshot_diff: ", BAD_PREFIX},
    /* vqlite_snapshot paths that cannot be a file */
    {"SELECT vqlite_snapshot(" BAD_NULL ")",
     "error: vqlite_snapshot: needs the path of a .db file, as in SELECT "
     "vqlite_snapshot('host.db') "
     "(got NULL)",
     BAD_EXACT},
    {"SELECT vqlite_snapshot(" BAD_EMPTY ")",
     "error: vqlite_snapshot: needs the path of a .db file, as in SELECT "
     "vqlite_snapshot('host.db') "
     "(got '')",
     BAD_EXACT},
    {"SELECT vqlite_snapshot(" BAD_BLOB ")",
     "error: vqlite_snapshot: needs the path of a .db file, as in SELECT "
     "vqlite_snapshot('host.db') "
     "(got '')",
     BAD_EXACT},
    {"SELECT vqlite_snapshot(" BAD_MEGABYTE ")", "error: vqlite_snapshot: cannot open 'aaaa",
     BAD_PREFIX},
};

/* Linux: the arguments that name files. */
static const bad_case bad_linux[] = {
    {"SELECT trusted, detail FROM authenticode(" BAD_EMPTY ")",
     "'error'|'file not found: No such file or directory (errno 2)'", BAD_EXACT},
    {"SELECT filename, trusted, detail FROM authenticode(" BAD_INTEGER ")",
     "'42'|'error'|'file not found: No such file or directory (errno 2)'", BAD_EXACT},
    {"SELECT trusted, detail FROM authenticode(" BAD_BLOB ")",
     "'error'|'file not found: No such file or directory (errno 2)'", BAD_EXACT},
    {"SELECT trusted, detail FROM authenticode(" BAD_UTF8 ")",
     "'error'|'file not found: No such file or directory (errno 2)'", BAD_EXACT},
    {"SELECT length(filename), trusted, detail FROM authenticode(" BAD_MEGABYTE ")",
     "1048576|'error'|'cannot stat the file: File name too long (errno 36)'", BAD_EXACT},
    {"SELECT length(filename), trusted, detail FROM authenticode(" BAD_LONG_PATH ")",
     "40005|'error'|'cannot stat the file: File name too long (errno 36)'", BAD_EXACT},
    {"SELECT trusted, detail FROM authenticode('/dev/zero')", "'error'|'not a regular file'",
     BAD_EXACT},
    {"SELECT trusted, detail FROM authenticode('/dev/stdin')", "'error'|'not a regular file'",
     BAD_EXACT},
    {"SELECT trusted, detail FROM authenticode('/dev/null')", "'error'|'not a regular file'",
     BAD_EXACT},
    {"SELECT trusted, detail FROM authenticode('/proc/self/mem')", "'error'|'", BAD_PREFIX},
    {"SELECT trusted, detail FROM authenticode('/tmp')", "'error'|'a directory, not a file'",
     BAD_EXACT},
    {"SELECT vqlite_snapshot(" BAD_LONG_PATH ")", "error: vqlite_snapshot: cannot open '/tmp/aaaa",
     BAD_PREFIX},
    {"SELECT vqlite_snapshot('/dev/zero')",
     "error: vqlite_snapshot: writing '/dev/zero' failed while committing: disk I/O error; the "
     "snapshot was rolled back and the file keeps what it had",
     BAD_EXACT},
    {"SELECT vqlite_snapshot('/proc/self/status')", "error: vqlite_snapshot: ", BAD_PREFIX},
};

/* Windows (under Wine): the arguments that name files, with Windows' device
 * names and the 32,767-character limit of a long (\\?\) path. */
#define BAD_WINDOWS_LONG_PATH "('C:\\' || printf('%%.*c', 40000, 'a'))"
static const bad_case bad_wine[] = {
    {"SELECT trusted, detail FROM authenticode(" BAD_EMPTY ")",
     "'error'|'file not found: Path not found (3)'", BAD_EXACT},
    {"SELECT filename, trusted, detail FROM authenticode(" BAD_INTEGER ")",
     "'42'|'error'|'file not found: File not found (2)'", BAD_EXACT},
    {"SELECT trusted, detail FROM authenticode(" BAD_BLOB ")",
     "'error'|'file not found: Path not found (3)'", BAD_EXACT},
    {"SELECT trusted, detail FROM authenticode(" BAD_UTF8 ")",
     "'error'|'file not found: File not found (2)'", BAD_EXACT},
    {"SELECT length(filename), trusted, detail FROM authenticode(" BAD_MEGABYTE ")",
     "1048576|'error'|'file not found: Path not found (3)'", BAD_EXACT},
    {"SELECT length(filename), trusted, detail FROM authenticode(" BAD_WINDOWS_LONG_PATH ")",
     "40003|'error'|'file not found: Path not found (3)'", BAD_EXACT},
    {"SELECT length(filename), trusted, detail FROM authenticode('\\\\?\\' "
     "|| " BAD_WINDOWS_LONG_PATH ")",
     "40007|'error'|'file not found: ", BAD_PREFIX},
    {"SELECT trusted, detail FROM authenticode('CON')",
     "'error'|'cannot read the file: Invalid handle (6)'", BAD_EXACT},
    {"SELECT trusted, detail FROM authenticode('NUL')",
     "'error'|'not a format that Authenticode covers (TRUST_E_SUBJECT_FORM_UNKNOWN 0x800b0003)'",
     BAD_EXACT},
    {"SELECT trusted, detail FROM authenticode('\\\\.\\PhysicalDrive0')",
     "'error'|'cannot open the file: Bad device type (66)'", BAD_EXACT},
    {"SELECT trusted, detail FROM authenticode('C:\\windows')", "'error'|'a directory, not a file'",
     BAD_EXACT},
    {"SELECT vqlite_snapshot(" BAD_WINDOWS_LONG_PATH ")",
     "error: vqlite_snapshot: cannot open 'C:\\aaaa", BAD_PREFIX},
    {"SELECT vqlite_snapshot('NUL')",
     "error: vqlite_snapshot: writing 'NUL' failed while installing the artifact views: vqlite: "
     "installing the artifact views failed in sql/00-params.sql: disk I/O error; the snapshot was "
     "rolled back and the file keeps what it had",
     BAD_EXACT},
};

static void bad_case_run(const bad_case *c) {
  char *actual = harness_sql(c->sql, 0);
  if (getenv("VQLITE_MATRIX_DUMP")) printf("MATRIX %s\n  => %.300s\n", c->sql, actual);
  int ok = c->match == BAD_EXACT    ? strcmp(actual, c->expected) == 0
           : c->match == BAD_PREFIX ? strncmp(actual, c->expected, strlen(c->expected)) == 0
                                    : strstr(actual, c->expected) != NULL;
  ck_assert_msg(ok, "SQL: %s\nexpected (%s): %s\nactual: %.600s", c->sql,
                c->match == BAD_EXACT    ? "exactly"
                : c->match == BAD_PREFIX ? "prefix"
                                         : "containing",
                c->expected, actual);
  free(actual);
}

START_TEST(bad_input_common) { bad_case_run(&bad_common[_i]); }
END_TEST

START_TEST(bad_input_linux) { bad_case_run(&bad_linux[_i]); }
END_TEST

START_TEST(bad_input_wine) { bad_case_run(&bad_wine[_i]); }
END_TEST

/* ---- churn ------------------------------------------------------------------------------- */

typedef struct churn_counts {
  volatile long processes_started, processes_killed, sockets_opened;
} churn_counts;

/* A TCP connection over loopback, opened and reset (no TIME_WAIT left), and
 * a UDP socket bound and closed; in IPv4 or IPv6. */
static void churn_sockets(int family, churn_counts *counts) {
  struct sockaddr_storage address = {0};
  socklen_t length;
  if (family == AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)&address;
    in->sin_family = AF_INET, in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof *in;
  } else {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&address;
    in6->sin6_family = AF_INET6, in6->sin6_addr = in6addr_loopback;
    length = sizeof *in6;
  }
  int listener = socket(family, SOCK_STREAM, 0);
  if (listener < 0) return;
  if (bind(listener, (struct sockaddr *)&address, length) == 0 && listen(listener, 4) == 0 &&
      getsockname(listener, (struct sockaddr *)&address, &length) == 0) {
    int client = socket(family, SOCK_STREAM, 0);
    if (client >= 0 && connect(client, (struct sockaddr *)&address, length) == 0) {
      int accepted = accept(listener, NULL, NULL);
      struct linger reset = {1, 0};
      setsockopt(client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      if (accepted >= 0) close(accepted);
      counts->sockets_opened += 3;
    }
    if (client >= 0) close(client);
  }
  close(listener);
  int udp = socket(family, SOCK_DGRAM, 0);
  if (udp >= 0) {
    address.ss_family = (sa_family_t)family;
    if (family == AF_INET)
      ((struct sockaddr_in *)&address)->sin_port = 0;
    else
      ((struct sockaddr_in6 *)&address)->sin6_port = 0;
    (void)bind(udp, (struct sockaddr *)&address, length);
    close(udp);
    counts->sockets_opened++;
  }
}

/* The helper: until killed, starts processes (one exits at once, one is
 * killed), and opens and closes sockets, as fast as it can. */
static void churn_forever(churn_counts *counts) {
  signal(SIGCHLD, SIG_DFL);
  for (;;) {
    pid_t quick = fork();
    if (quick == 0) _exit(0);
    pid_t doomed = fork();
    if (doomed == 0) {
      pause();
      _exit(0);
    }
    if (quick > 0) counts->processes_started++;
    if (doomed > 0) {
      counts->processes_started++;
      kill(doomed, SIGKILL);
      counts->processes_killed++;
    }
    if (quick > 0) waitpid(quick, NULL, 0);
    if (doomed > 0) waitpid(doomed, NULL, 0);
    churn_sockets(AF_INET, counts);
    churn_sockets(AF_INET6, counts);
  }
}

static long hardening_status_kb(const char *field) {
  FILE *status = fopen("/proc/self/status", "r");
  char line[256];
  long value = -1;
  size_t length = strlen(field);
  while (status && fgets(line, sizeof line, status))
    if (strncmp(line, field, length) == 0) value = atol(line + length);
  if (status) fclose(status);
  return value;
}

/* Bytes in use by malloc and by SQLite's allocator. */
static long hardening_heap_bytes(void) {
  struct mallinfo2 info = mallinfo2();
  return (long)info.uordblks + (long)sqlite3_memory_used();
}

/* The heap bound holds only where malloc is glibc's own: ASan and valgrind
 * replace it (and check leaks themselves, more strictly). */
static int hardening_heap_measurable(void) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 0;
#else
  return !hardening_slow();
#endif
}

START_TEST(churn_every_object_a_thousand_times) {
  int rounds = hardening_env_int("VQLITE_CHURN_ROUNDS", hardening_slow() ? 100 : 1000);
  churn_counts *counts =
      mmap(NULL, sizeof *counts, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  ck_assert_ptr_ne(counts, MAP_FAILED);
  memset((void *)counts, 0, sizeof *counts);
  pid_t helper = fork();
  ck_assert_int_ge(helper, 0);
  if (helper == 0) churn_forever(counts);

  char error[512] = "";
  sqlite3 *db = hardening_open(":memory:", error, sizeof error);
  ck_assert_msg(db != NULL, "%s", error);
  long warm_heap = 0, queries = 0, rows_seen = 0;
  int warm_round = rounds / 10 > 0 ? rounds / 10 : 1;
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int round = 0; round < rounds; round++) {
    if (round == warm_round) warm_heap = hardening_heap_bytes();
    for (int i = 0; i < HARDENING_OBJECT_COUNT; i++) {
      long rows = 0, invalid = 0;
      int failed = hardening_query(db, &hardening_objects[i], &rows, &invalid, error, sizeof error);
      if (failed || invalid) kill(helper, SIGKILL), waitpid(helper, NULL, 0);
      ck_assert_msg(!failed, "round %d: %s", round, error);
      ck_assert_msg(invalid == 0, "round %d: %s gave %ld invalid rows of %ld", round,
                    hardening_objects[i].name, invalid, rows);
      queries++, rows_seen += rows;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  long end_heap = hardening_heap_bytes();
  kill(helper, SIGKILL);
  waitpid(helper, NULL, 0);
  sqlite3_close(db);
  double seconds = (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
  printf(
      "churn: %ld queries (%d rounds of %d tables and views) in %.1f s, %ld rows; the helper "
      "started %ld processes (killed %ld) and opened %ld sockets; peak RSS %ld KiB; heap in "
      "use after round %d: %ld bytes, at the end: %ld bytes (%+ld)\n",
      queries, rounds, HARDENING_OBJECT_COUNT, seconds, rows_seen, counts->processes_started,
      counts->processes_killed, counts->sockets_opened, hardening_status_kb("VmHWM:"), warm_round,
      warm_heap, end_heap, end_heap - warm_heap);
  fflush(stdout);
  ck_assert_msg(counts->processes_started > 0 && counts->sockets_opened > 0,
                "the helper did not churn");
  if (hardening_heap_measurable())
    ck_assert_msg(end_heap - warm_heap < 1024 * 1024,
                  "heap in use grew by %ld bytes over %d rounds", end_heap - warm_heap,
                  rounds - warm_round);
  munmap((void *)counts, sizeof *counts);
}
END_TEST

/* ---- concurrency -------------------------------------------------------------------------- */

enum { CONCURRENCY_THREADS = 8 };

typedef struct concurrency_worker {
  pthread_t thread;
  double seconds;
  long queries, rows;
  char error[512];
} concurrency_worker;

static double concurrency_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + now.tv_nsec / 1e9;
}

/* Every object at least once, then round after round until the time is up. */
static void *concurrency_work(void *argument) {
  concurrency_worker *worker = argument;
  sqlite3 *db = hardening_open(":memory:", worker->error, sizeof worker->error);
  if (db == NULL) return NULL;
  double deadline = concurrency_now() + worker->seconds;
  do {
    for (int i = 0; i < HARDENING_OBJECT_COUNT; i++) {
      long rows = 0, invalid = 0;
      if (hardening_query(db, &hardening_objects[i], &rows, &invalid, worker->error,
                          sizeof worker->error) != 0)
        goto done;
      if (invalid) {
        snprintf(worker->error, sizeof worker->error, "%s: %ld invalid rows of %ld",
                 hardening_objects[i].name, invalid, rows);
        goto done;
      }
      worker->queries++, worker->rows += rows;
    }
  } while (concurrency_now() < deadline);
done:
  sqlite3_close(db);
  return NULL;
}

START_TEST(concurrency_eight_connections) {
  static concurrency_worker workers[CONCURRENCY_THREADS];
  int seconds = hardening_env_int("VQLITE_CONCURRENCY_SECONDS", 5);
  /* A socket of our own, so that every scan has at least one row to check. */
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(bind(listener, (struct sockaddr *)&address, sizeof address), 0);
  ck_assert_int_eq(listen(listener, 1), 0);
  double start = concurrency_now();
  for (int i = 0; i < CONCURRENCY_THREADS; i++) {
    memset(&workers[i], 0, sizeof workers[i]);
    workers[i].seconds = seconds;
    ck_assert_int_eq(pthread_create(&workers[i].thread, NULL, concurrency_work, &workers[i]), 0);
  }
  long queries = 0, rows = 0;
  for (int i = 0; i < CONCURRENCY_THREADS; i++) {
    pthread_join(workers[i].thread, NULL);
    queries += workers[i].queries, rows += workers[i].rows;
  }
  double elapsed = concurrency_now() - start;
  close(listener);
  printf(
      "concurrency: %d threads, a connection each, %.1f s: %ld queries of %d tables and views "
      "(%.0f per second), %ld rows; peak RSS %ld KiB\n",
      CONCURRENCY_THREADS, elapsed, queries, HARDENING_OBJECT_COUNT, queries / elapsed, rows,
      hardening_status_kb("VmHWM:"));
  fflush(stdout);
  for (int i = 0; i < CONCURRENCY_THREADS; i++) {
    ck_assert_msg(workers[i].error[0] == 0, "thread %d: %s", i, workers[i].error);
    ck_assert_msg(workers[i].queries >= HARDENING_OBJECT_COUNT,
                  "thread %d ran %ld queries, fewer than one of each object", i,
                  workers[i].queries);
  }
}
END_TEST

/* Under Wine: the same objects from eight threads of one Windows process,
 * through sqlrun.exe --stress (tests/stress.h), which also exercises the
 * lock around the catalog calls of authenticode. */
START_TEST(wine_concurrency_eight_connections) {
  int seconds = hardening_env_int("VQLITE_CONCURRENCY_SECONDS", 5);
  char queries[] = "/tmp/vqlite-stress-XXXXXX";
  int fd = mkstemp(queries);
  ck_assert_int_ge(fd, 0);
  FILE *out = fdopen(fd, "w");
  ck_assert_ptr_nonnull(out);
  for (int i = 0; i < HARDENING_OBJECT_COUNT; i++)
    fprintf(out, "SELECT count(*), count(*) FILTER (WHERE %s) FROM (%s)\n",
            hardening_objects[i].invalid ? hardening_objects[i].invalid : "0",
            hardening_objects[i].select);
  ck_assert_int_eq(fclose(out), 0);
  const char *wine = getenv("WINE"), *sqlrun = getenv("VQLITE_SQLRUN"), *dll = getenv("VQLITE_DLL");
  int status = -1;
  char *printed = harness_command(&status, "'%s' '%s' '%s' --stress %d %d < '%s' 2>&1",
                                  wine && *wine ? wine : "/usr/lib/wine/wine64",
                                  sqlrun && *sqlrun ? sqlrun : "build/win32/sqlrun.exe",
                                  dll && *dll ? dll : "build/win32/vqlite.dll", CONCURRENCY_THREADS,
                                  seconds, queries);
  unlink(queries);
  printf("%s", printed);
  fflush(stdout);
  ck_assert_msg(status == 0, "sqlrun.exe --stress exited with %d:\n%s", status, printed);
  ck_assert_msg(strstr(printed, " 0 invalid\n") != NULL, "sqlrun.exe printed:\n%s", printed);
  free(printed);
}
END_TEST

/* ---- the PEB length clamp ----------------------------------------------------------------- */

/* The clamp's promise, stated independently: the least of the claims, the
 * bytes available and the cap, rounded down to whole UTF-16 units. */
static uint64_t clamp_reference(uint64_t length, uint64_t maximum, uint64_t available,
                                uint64_t cap) {
  uint64_t least = length;
  if (maximum < least) least = maximum;
  if (available < least) least = available;
  if (cap < least) least = cap;
  return least - least % 2;
}

START_TEST(clamp_corrupt_peb_lengths) {
  /* UNICODE_STRING lengths are 16-bit: every corrupt pair a PEB can hold. */
  static const uint64_t edges[] = {0,
                                   1,
                                   2,
                                   3,
                                   63,
                                   64,
                                   65,
                                   4095,
                                   4096,
                                   32767,
                                   32768,
                                   65533,
                                   65534,
                                   65535,
                                   65536,
                                   0xFFFFFFFFull,
                                   UINT64_MAX - 1,
                                   UINT64_MAX};
  const uint64_t cap = 65534; /* what win32/processes.c reads at most */
  size_t edge_count = sizeof edges / sizeof edges[0];
  for (size_t a = 0; a < edge_count; a++)
    for (size_t b = 0; b < edge_count; b++)
      for (size_t c = 0; c < edge_count; c++) {
        size_t got = vq_clamp_utf16_bytes(edges[a], edges[b], edges[c], cap);
        ck_assert_msg(got == clamp_reference(edges[a], edges[b], edges[c], cap),
                      "clamp(%llu, %llu, %llu) = %zu", (unsigned long long)edges[a],
                      (unsigned long long)edges[b], (unsigned long long)edges[c], got);
        ck_assert(got % 2 == 0 && got <= cap && got <= edges[b] && got <= edges[c]);
      }
  /* And random 16-bit Length/MaximumLength pairs against random buffers. */
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 200000; i++) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    uint64_t length = state & 0xFFFF, maximum = (state >> 16) & 0xFFFF,
             available = (state >> 32) & 0x1FFFF, random_cap = (state >> 49) | 1;
    size_t got = vq_clamp_utf16_bytes(length, maximum, available, random_cap);
    ck_assert_uint_eq(got, clamp_reference(length, maximum, available, random_cap));
  }
  /* A Length above MaximumLength is corrupt: only MaximumLength is trusted. */
  ck_assert_uint_eq(vq_clamp_utf16_bytes(65535, 10, 1u << 20, cap), 10);
  /* An odd length never splits a UTF-16 unit; nothing past the buffer. */
  ck_assert_uint_eq(vq_clamp_utf16_bytes(7, 7, 1u << 20, cap), 6);
  ck_assert_uint_eq(vq_clamp_utf16_bytes(4000, 4000, 3, cap), 2);
}
END_TEST

int main(void) {
  Suite *suite = suite_create(harness_is_wine() ? "hardening (wine)" : "hardening");
  TCase *hostile = harness_tcase("hostile");
  tcase_add_test(hostile, hostile_attached_database_cannot_read_os_tables);
  if (!harness_is_wine()) tcase_add_test(hostile, hostile_main_database_cannot_read_os_tables);
  suite_add_tcase(suite, hostile);

  TCase *bad = harness_tcase("bad_input");
  tcase_add_loop_test(bad, bad_input_common, 0, (int)(sizeof bad_common / sizeof bad_common[0]));
  if (!harness_is_wine())
    tcase_add_loop_test(bad, bad_input_linux, 0, (int)(sizeof bad_linux / sizeof bad_linux[0]));
  else
    tcase_add_loop_test(bad, bad_input_wine, 0, (int)(sizeof bad_wine / sizeof bad_wine[0]));
  suite_add_tcase(suite, bad);

  if (!harness_is_wine()) {
    TCase *churn = tcase_create("churn");
    tcase_set_timeout(churn, 900);
    tcase_add_test(churn, churn_every_object_a_thousand_times);
    suite_add_tcase(suite, churn);
    TCase *concurrency = tcase_create("concurrency");
    tcase_set_timeout(concurrency, 900);
    tcase_add_test(concurrency, concurrency_eight_connections);
    suite_add_tcase(suite, concurrency);
    TCase *clamp = tcase_create("clamp");
    tcase_add_test(clamp, clamp_corrupt_peb_lengths);
    suite_add_tcase(suite, clamp);
  } else {
    TCase *concurrency = tcase_create("concurrency");
    tcase_set_timeout(concurrency, 300);
    tcase_add_test(concurrency, wine_concurrency_eight_connections);
    suite_add_tcase(suite, concurrency);
  }
  return harness_run(suite);
}

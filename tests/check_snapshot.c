/*
** check_snapshot.c: snapshots (ext/snapshot.c).
**
**   - a snapshot read back by Debian's /usr/bin/python3 without vqlite has
**     every table, the metadata, the parameters and the listener the test
**     opened; nothing in the file refers to vqlite;
**   - replay on a connection opened (read-only) on the file gives what the
**     live views gave at capture time, for the sockets the test controls,
**     and exactly the stored view rows for all five views;
**   - two snapshots around opening a listener: the diff shows exactly it;
**     the diff's identity rules, on stored rows written by hand;
**   - SIGKILL in the middle of a large snapshot leaves every earlier snapshot
**     intact and readable;
**   - a read-only file, a directory, a file that is not a database, another
**     application's database, a locked database and a full disk: a clear
**     error each, and the file keeps what it had;
**   - the functions are DIRECTONLY (a database's view cannot write files).
**
** The cases of the "sql" test case also run against vqlite.dll under Wine
** (harness_is_wine()): the Windows build writes a snapshot that this
** process then reads natively without vqlite.
*/
/* The sqlite3 API itself, not sqlite3ext.h's renaming (vtab.h includes it). */
#define SQLITE_CORE 1

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "platform.h"
#include "render.h"
#include "version.h"
#include "vtab.h"

/* ---- helpers ------------------------------------------------------------ */

static char work_dir[128];

static void work_dir_create(void) {
  snprintf(work_dir, sizeof work_dir, "/tmp/vqlite-snapshot-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(work_dir));
  chmod(work_dir, 0755);
}

static void work_dir_remove(void) {
  if (work_dir[0] == 0) return;
  char command[256];
  snprintf(command, sizeof command, "rm -rf '%s'", work_dir);
  ck_assert_int_eq(system(command), 0);
  work_dir[0] = 0;
}

static char *work_path(const char *name) { return sqlite3_mprintf("%s/%s", work_dir, name); }

static const char *vqlite_so(void) {
  const char *so = getenv("VQLITE_SO");
  return so && *so ? so : "./vqlite";
}

/* A connection with vqlite loaded, as a user opens one. */
static sqlite3 *open_vqlite(const char *path, int flags) {
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open_v2(path, &db, flags, NULL), SQLITE_OK);
  sqlite3_enable_load_extension(db, 1);
  char *error = NULL;
  int rc = sqlite3_load_extension(db, vqlite_so(), NULL, &error);
  ck_assert_msg(rc == SQLITE_OK, "loading vqlite: %s", error ? error : "?");
  sqlite3_free(error);
  return db;
}

/* A connection without vqlite. */
static sqlite3 *open_plain(const char *path) {
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
  return db;
}

/* Rendered result of printf-formatted SQL on db (malloc'd). */
static char *run(sqlite3 *db, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *sql = sqlite3_vmprintf(format, args);
  va_end(args);
  char *result = render_sql(db, sql);
  sqlite3_free(sql);
  return result;
}

#define ck_assert_run(db, expected, ...)                                                   \
  do {                                                                                     \
    char *actual_ = run(db, __VA_ARGS__);                                                  \
    ck_assert_msg(strcmp(actual_, (expected)) == 0, "SQL: %s\nexpected: %s\nactual:   %s", \
                  #__VA_ARGS__, (expected), actual_);                                      \
    free(actual_);                                                                         \
  } while (0)

/* This process's name as the processes table gives it (comm). */
static const char *own_name(void) {
  static char name[64];
  FILE *file = fopen("/proc/self/comm", "r");
  ck_assert_ptr_nonnull(file);
  ck_assert_ptr_nonnull(fgets(name, sizeof name, file));
  fclose(file);
  name[strcspn(name, "\n")] = 0;
  return name;
}

static sqlite3_int64 take_snapshot(sqlite3 *db, const char *path) {
  char *result = run(db, "SELECT vqlite_snapshot(%Q)", path);
  char *end = NULL;
  long long id = strtoll(result, &end, 10);
  ck_assert_msg(end && *end == 0 && id > 0, "vqlite_snapshot(%s) gave: %s", path, result);
  free(result);
  return id;
}

/* A TCP listener (or a bound UDP socket) on 127.0.0.1, ephemeral port. */
static int open_socket(int type, int *port) {
  int fd = socket(AF_INET, type, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&address, sizeof address), 0);
  if (type == SOCK_STREAM) ck_assert_int_eq(listen(fd, 4), 0);
  socklen_t length = sizeof address;
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&address, &length), 0);
  *port = ntohs(address.sin_port);
  return fd;
}

/* The whole file, to prove that a refused snapshot left it byte for byte. */
static char *read_file(const char *path, long *size) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    *size = -1;
    return NULL;
  }
  fseek(file, 0, SEEK_END);
  *size = ftell(file);
  fseek(file, 0, SEEK_SET);
  char *bytes = malloc((size_t)*size + 1);
  ck_assert_int_eq(fread(bytes, 1, (size_t)*size, file), (size_t)*size);
  fclose(file);
  return bytes;
}

static void assert_file_unchanged(const char *path, const char *before, long before_size) {
  long size = 0;
  char *after = read_file(path, &size);
  ck_assert_msg(size == before_size && (size <= 0 || memcmp(after, before, (size_t)size) == 0),
                "%s changed (%ld bytes before, %ld after)", path, before_size, size);
  free(after);
  char *journal = sqlite3_mprintf("%s-journal", path);
  ck_assert_msg(access(journal, F_OK) != 0, "%s was left behind", journal);
  sqlite3_free(journal);
}

/* Snapshotting into `path` fails with exactly "error: vqlite_snapshot: '<path>'
 * <reason>; the file was not changed", and the file is indeed unchanged. */
static void assert_snapshot_refused(const char *path, const char *reason) {
  long size = 0;
  char *before = read_file(path, &size);
  sqlite3 *db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  char *want =
      sqlite3_mprintf("error: vqlite_snapshot: '%s' %s; the file was not changed", path, reason);
  ck_assert_run(db, want, "SELECT vqlite_snapshot(%Q)", path);
  assert_file_unchanged(path, before, size);
  sqlite3_close(db);
  sqlite3_free(want), free(before);
}

static char *python(int *status, const char *script_name, const char *script, const char *args) {
  char *script_path = work_path(script_name);
  FILE *file = fopen(script_path, "w");
  ck_assert_ptr_nonnull(file);
  fputs(script, file);
  fclose(file);
  char *out = harness_command(status, "/usr/bin/python3 %s %s 2>&1", script_path, args);
  sqlite3_free(script_path);
  return out;
}

/* Every table a snapshot file has, sorted, comma-separated, from vq_tables
 * (so a table added to vqlite is expected here without another list). */
static char *expected_tables(void) {
  sqlite3 *db = open_plain(":memory:");
  char *sql = sqlite3_mprintf(
      "CREATE TABLE t(name); INSERT INTO t VALUES ('snapshots'), "
      "('snapshot_params'), ('snapshot_contents'), "
      "('snapshot_view_arp_cache'), ('snapshot_view_interface_addresses'), "
      "('snapshot_view_listening_ports'), ('snapshot_view_netstat'), "
      "('snapshot_view_netstat_enriched')");
  ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_free(sql);
  for (int t = 0; vq_tables[t]; t++) {
    sql = sqlite3_mprintf("INSERT INTO t VALUES ('snapshot_%q')", vq_tables[t]->name);
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);
  }
  char *list = run(db, "SELECT group_concat(name, ',') FROM (SELECT name FROM t ORDER BY name)");
  sqlite3_close(db);
  return list;
}

/* ---- read back without vqlite -------------------------------------------- */

static const char read_back_script[] =
    "import sqlite3, sys\n"
    "db = sqlite3.connect(sys.argv[1])\n"
    "port = int(sys.argv[2])\n"
    "tables = sorted(r[0] for r in db.execute(\"SELECT name FROM sqlite_master WHERE type = "
    "'table'\"))\n"
    "print('tables:', ','.join(tables))\n"
    "print('other objects:', db.execute(\"SELECT count(*) FROM sqlite_master WHERE type NOT IN "
    "('table', 'index') OR sql LIKE 'CREATE VIRTUAL%'\").fetchone()[0])\n"
    "bad = 0\n"
    "for table in tables:\n"
    "    rows = db.execute('SELECT * FROM \"%s\"' % table).fetchall()\n"
    "    if table.startswith('snapshot_') and table not in ('snapshot_contents', "
    "'snapshot_params'):\n"
    "        stored = db.execute('SELECT row_count FROM snapshot_contents WHERE snapshot_id = 1 "
    "AND table_name = ?', (table,)).fetchone()\n"
    "        if stored is None or stored[0] != len(rows): bad += 1; print('count mismatch', "
    "table)\n"
    "print('counts checked, mismatches:', bad)\n"
    "m = db.execute('SELECT id, taken_at, host_name, platform, os_name, os_version, arch, "
    "vqlite_version, label FROM snapshots').fetchall()\n"
    "print('snapshots:', len(m))\n"
    "print('metadata:', '|'.join(str(v) for v in m[0]))\n"
    "print('processes:', db.execute('SELECT count(*) FROM snapshot_processes').fetchone()[0] > 0)\n"
    "print('interfaces:', db.execute('SELECT count(*) FROM "
    "snapshot_interface_addresses').fetchone()[0] > 0)\n"
    "print('param:', db.execute(\"SELECT value FROM snapshot_params WHERE snapshot_id = 1 AND "
    "artifact = 'Windows.Network.NetstatEnriched' AND name = 'Status'\").fetchone()[0])\n"
    "for r in db.execute(\"SELECT pid, type, status, local_address FROM snapshot_netstat WHERE "
    "local_port = ?\", (port,)):\n"
    "    print('listener:', '|'.join(str(v) for v in r))\n"
    "for r in db.execute('SELECT Pid, Port, Protocol, Address FROM snapshot_view_listening_ports "
    "WHERE Port = ?', (port,)):\n"
    "    print('view listener:', '|'.join(str(v) for v in r))\n"
    "print('integrity:', db.execute('PRAGMA integrity_check').fetchone()[0])\n";

START_TEST(python_reads_snapshot_without_vqlite) {
  work_dir_create();
  int port = 0;
  int listener = open_socket(SOCK_STREAM, &port);
  char *path = work_path("host.db");
  sqlite3 *db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  ck_assert_run(db, "", "UPDATE artifact_params SET value = 'LISTENING' WHERE name = 'Status'");
  time_t before = time(NULL);
  ck_assert_run(db, "1", "SELECT vqlite_snapshot(%Q, 'first look')", path);
  sqlite3_close(db);

  int status = 0;
  char args[300];
  snprintf(args, sizeof args, "%s %d", path, port);
  char *out = python(&status, "read_back.py", read_back_script, args);
  ck_assert_msg(status == 0, "python said:\n%s", out);

  char *tables = expected_tables();
  char *want = sqlite3_mprintf("tables: %s\n", tables + 1);  /* rendered as 'a,b' */
  want[strlen(want) - 2] = '\n', want[strlen(want) - 1] = 0; /* drop the closing quote */
  ck_assert_msg(strstr(out, want) != NULL, "expected %s\npython said:\n%s", want, out);
  ck_assert_msg(strstr(out, "other objects: 0\n"), "python said:\n%s", out);
  ck_assert_msg(strstr(out, "counts checked, mismatches: 0\n"), "python said:\n%s", out);
  ck_assert_msg(strstr(out, "snapshots: 1\n"), "python said:\n%s", out);

  vq_host_info host;
  vq_host_info_read(&host);
  char taken_at[32];
  struct tm utc;
  strftime(taken_at, sizeof taken_at, "%Y-%m-%dT%H:%M",
           gmtime_r(&before, &utc)); /* to the minute */
  char *metadata = sqlite3_mprintf("metadata: 1|%s", taken_at);
  char *metadata_rest = sqlite3_mprintf("Z|%s|linux|%s|%s|%s|%s|first look\n", host.hostname,
                                        host.os_name, host.os_version, host.arch, VQLITE_VERSION);
  ck_assert_msg(strstr(out, metadata) && strstr(out, metadata_rest),
                "expected %s...%s\npython said:\n%s", metadata, metadata_rest, out);
  ck_assert_msg(strstr(out, "processes: True\ninterfaces: True\nparam: LISTENING\n"),
                "python said:\n%s", out);
  char *line = sqlite3_mprintf("listener: %d|TCP|LISTEN|127.0.0.1\n", (int)getpid());
  ck_assert_msg(strstr(out, line), "expected %s\npython said:\n%s", line, out);
  char *view_line = sqlite3_mprintf("view listener: %d|%d|TCP|127.0.0.1\n", (int)getpid(), port);
  ck_assert_msg(strstr(out, view_line), "expected %s\npython said:\n%s", view_line, out);
  ck_assert_msg(strstr(out, "integrity: ok\n"), "python said:\n%s", out);

  sqlite3_free(line), sqlite3_free(view_line), sqlite3_free(metadata), sqlite3_free(metadata_rest);
  sqlite3_free(want), free(tables), free(out), sqlite3_free(path);
  close(listener);
  work_dir_remove();
}
END_TEST

/* ---- replay ----------------------------------------------------------------- */

/* The queries over what the test controls: its own sockets and process. */
static char *controlled_views(sqlite3 *db, int tcp_port, int udp_port) {
  return run(db,
             "SELECT * FROM \"Windows.Network.Netstat\" WHERE \"Laddr.Port\" IN (%d, %d) "
             "ORDER BY Type, \"Laddr.Port\";"
             "SELECT * FROM \"Windows.Network.ListeningPorts\" WHERE Pid = %d ORDER BY Port;"
             "SELECT * FROM \"Windows.Network.NetstatEnriched\" WHERE Pid = %d "
             "ORDER BY Type, \"Laddr.Port\";"
             "SELECT * FROM \"Windows.Network.InterfaceAddresses\" ORDER BY \"Index\", IP;",
             tcp_port, udp_port, (int)getpid(), (int)getpid());
}

/* The view's replay output and its stored rows are the same multiset. */
static void assert_view_equals_stored(sqlite3 *db, const char *view, const char *table,
                                      sqlite3_int64 id) {
  sqlite3_stmt *stmt = NULL;
  char *select = sqlite3_mprintf("SELECT * FROM \"%w\"", view);
  ck_assert_int_eq(sqlite3_prepare_v2(db, select, -1, &stmt, NULL), SQLITE_OK);
  sqlite3_str *columns = sqlite3_str_new(NULL);
  for (int i = 0; i < sqlite3_column_count(stmt); i++)
    sqlite3_str_appendf(columns, "%s\"%w\"", i ? ", " : "", sqlite3_column_name(stmt, i));
  sqlite3_finalize(stmt);
  char *list = sqlite3_str_finish(columns);
  ck_assert_run(
      db, "0|0|1",
      "WITH live AS (SELECT %s, count(*) AS n FROM \"%w\" GROUP BY %s), "
      "stored AS (SELECT %s, count(*) AS n FROM \"%w\" WHERE snapshot_id = %lld GROUP BY %s) "
      "SELECT (SELECT count(*) FROM (SELECT * FROM live EXCEPT SELECT * FROM stored)), "
      "(SELECT count(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM live)), "
      "(SELECT count(*) FROM \"%w\") = (SELECT row_count FROM snapshot_contents "
      "WHERE snapshot_id = %lld AND table_name = '%q')",
      list, view, list, list, table, id, list, view, id, table);
  sqlite3_free(list);
  sqlite3_free(select);
}

START_TEST(replay_equals_live_views_at_capture) {
  work_dir_create();
  int tcp_port = 0, udp_port = 0;
  int tcp = open_socket(SOCK_STREAM, &tcp_port);
  int udp = open_socket(SOCK_DGRAM, &udp_port);
  char *path = work_path("replay.db");
  sqlite3 *live = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  /* Non-default parameters: replay must bring them back. */
  char *name_regex = sqlite3_mprintf("^%.10s", own_name());
  ck_assert_run(live, "",
                "UPDATE artifact_params SET value = 'LISTENING' WHERE name = 'Status';"
                "UPDATE artifact_params SET value = %Q WHERE name = 'ProcessNameRegex'",
                name_regex);
  char *before = controlled_views(live, tcp_port, udp_port);
  sqlite3_int64 id = take_snapshot(live, path);
  char *after = controlled_views(live, tcp_port, udp_port);
  ck_assert_msg(strstr(before, "'TCP'|'LISTEN'|'127.0.0.1'") != NULL, "live views: %s", before);
  ck_assert_msg(strstr(before, "'UDP'|''|'127.0.0.1'") != NULL, "live views: %s", before);

  /* A fresh, read-only connection on the file: default parameters until replay. */
  sqlite3 *offline = open_vqlite(path, SQLITE_OPEN_READONLY);
  ck_assert_run(offline, "'ALL'", "SELECT value FROM artifact_params WHERE name = 'Status'");
  char *replayed_message = run(offline, "SELECT vqlite_replay(%lld)", id);
  ck_assert_msg(strstr(replayed_message, "'replaying snapshot ") == replayed_message, "%s",
                replayed_message);
  free(replayed_message);
  ck_assert_run(offline, "'LISTENING'|1",
                "SELECT (SELECT value FROM artifact_params WHERE name = 'Status'), "
                "(SELECT value = %Q FROM artifact_params WHERE name = 'ProcessNameRegex')",
                name_regex);
  char *replayed = controlled_views(offline, tcp_port, udp_port);
  ck_assert_msg(strcmp(replayed, before) == 0 || strcmp(replayed, after) == 0,
                "replay:\n%s\nlive at capture:\n%s", replayed, before);

  /* All five views, whole: replay gives exactly the stored rows. */
  const char *views[][2] = {
      {"Windows.Network.ArpCache", "snapshot_view_arp_cache"},
      {"Windows.Network.InterfaceAddresses", "snapshot_view_interface_addresses"},
      {"Windows.Network.ListeningPorts", "snapshot_view_listening_ports"},
      {"Windows.Network.Netstat", "snapshot_view_netstat"},
      {"Windows.Network.NetstatEnriched", "snapshot_view_netstat_enriched"}};
  for (int v = 0; v < 5; v++) assert_view_equals_stored(offline, views[v][0], views[v][1], id);
  /* The OS tables read the snapshot too, authenticode by path. */
  ck_assert_run(
      offline, "1|1",
      "SELECT (SELECT count(*) FROM processes) = (SELECT row_count FROM snapshot_contents "
      "WHERE snapshot_id = %lld AND table_name = 'snapshot_processes'), "
      "(SELECT count(*) FROM authenticode WHERE path = (SELECT path FROM processes "
      "WHERE pid = %d)) = 1",
      id, (int)getpid());

  /* Back to the live host: the test's new socket shows, the shadow views are gone. */
  int late_port = 0;
  int late = open_socket(SOCK_STREAM, &late_port);
  ck_assert_run(offline, "0", "SELECT count(*) FROM netstat WHERE local_port = %d", late_port);
  ck_assert_run(offline, "'live: the tables and artifact views read the host'",
                "SELECT vqlite_replay(NULL)");
  ck_assert_run(
      offline, "1|0",
      "SELECT (SELECT count(*) FROM netstat WHERE local_port = %d), "
      "(SELECT count(*) FROM temp.sqlite_master WHERE type = 'view' AND name = 'netstat')",
      late_port);
  close(late);
  sqlite3_close(offline);
  sqlite3_close(live);
  free(before), free(after), free(replayed), sqlite3_free(path), sqlite3_free(name_regex);
  close(tcp), close(udp);
  work_dir_remove();
}
END_TEST

START_TEST(replay_errors) {
  work_dir_create();
  char *path = work_path("r.db");
  sqlite3 *db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  take_snapshot(db, path);
  ck_assert_run(db,
                "error: vqlite_replay: schema 'main' holds no snapshots (no such table: "
                "main.snapshots); open vqlite on a snapshot file or ATTACH one",
                "SELECT vqlite_replay(1)");
  ck_assert_run(db, "", "ATTACH %Q AS h", path);
  ck_assert_run(db, "error: vqlite_replay: h has no snapshot 7 (it holds 1)",
                "SELECT vqlite_replay(7, 'h')");
  ck_assert_run(db,
                "error: vqlite_replay: the snapshot id must be an integer (an id of the snapshots "
                "table), or NULL for the live host (got 'x')",
                "SELECT vqlite_replay('x', 'h')");
  /* A failed replay leaves no view behind; an attached file replays too. */
  ck_assert_run(db, "0",
                "SELECT count(*) FROM temp.sqlite_master WHERE type = 'view' AND name = 'netstat'");
  char *message = run(db, "SELECT vqlite_replay(1, 'h')");
  ck_assert_msg(strstr(message, "'replaying snapshot 1 of h (") == message, "%s", message);
  free(message);
  ck_assert_run(db, "1",
                "SELECT (SELECT count(*) FROM arp_cache) = (SELECT row_count FROM "
                "h.snapshot_contents WHERE table_name = 'snapshot_arp_cache')");
  sqlite3_close(db);
  sqlite3_free(path);
  work_dir_remove();
}
END_TEST

/* ---- diff ---------------------------------------------------------------------- */

START_TEST(diff_shows_exactly_the_new_listener) {
  work_dir_create();
  char *path = work_path("diff.db");
  /* The workflow of a responder: vqlite loaded on the snapshot file itself. */
  sqlite3 *db = open_vqlite(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ck_assert_run(db, "1", "SELECT vqlite_snapshot(%Q)", path);
  int port = 0;
  int listener = open_socket(SOCK_STREAM, &port);
  ck_assert_run(db, "2", "SELECT vqlite_snapshot(%Q)", path);
  close(listener);
  ck_assert_run(db, "3", "SELECT vqlite_snapshot(%Q)", path);

  char *expected = sqlite3_mprintf(
      "'appeared'|'listener'|%d|'TCP'|'IPv4'|'127.0.0.1'|%d|0|"
      "'TCP 127.0.0.1:%d pid %d (%s)'",
      (int)getpid(), port, port, (int)getpid(), own_name());
  ck_assert_run(
      db, expected,
      "SELECT change, kind, pid, protocol, family, local_address, local_port, remote_port, "
      "summary FROM vqlite_snapshot_diff(1, 2) WHERE pid = %d OR local_port = %d",
      (int)getpid(), port);
  sqlite3_free(expected);
  expected = sqlite3_mprintf("'disappeared'|'listener'|%d|%d", (int)getpid(), port);
  ck_assert_run(db, expected,
                "SELECT change, kind, pid, local_port FROM vqlite_snapshot_diff(2, 3) "
                "WHERE pid = %d OR local_port = %d",
                (int)getpid(), port);
  sqlite3_free(expected);
  ck_assert_run(db, "0|1",
                "SELECT (SELECT count(*) FROM vqlite_snapshot_diff(2, 2)), "
                "(SELECT json_extract(row, '$.status') = 'LISTEN' FROM "
                "vqlite_snapshot_diff(1, 2) WHERE local_port = %d)",
                port);
  ck_assert_run(db, "error: vqlite_snapshot_diff: main has no snapshot 9 (new_id)",
                "SELECT * FROM vqlite_snapshot_diff(1, 9)");
  ck_assert_run(db,
                "error: vqlite_snapshot_diff: needs two snapshot ids, as in SELECT * FROM "
                "vqlite_snapshot_diff(1, 2) or vqlite_snapshot_diff(1, 2, 'schema')",
                "SELECT * FROM vqlite_snapshot_diff");
  sqlite3_close(db);
  sqlite3_free(path);
  work_dir_remove();
}
END_TEST

/* The identity rules, on stored rows written by hand into snapshots 100 and
 * 101 of a real snapshot file (no vqlite needed to write them). */
START_TEST(diff_identity_rules) {
  work_dir_create();
  char *path = work_path("rules.db");
  sqlite3 *db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  take_snapshot(db, path);
  sqlite3 *plain = open_plain(path);
  ck_assert_int_eq(
      sqlite3_exec(
          plain,
          "INSERT INTO snapshots (id, taken_at) VALUES (100, '2026-12-03T07:00:00Z'), "
          "(101, '2026-12-03T08:00:00Z');"
          "INSERT INTO snapshot_processes (snapshot_id, pid, name, path, cmdline, create_time) "
          "VALUES "
          "(100, 10, 'a', '/bin/a', 'a -x', 't1'), (101, 10, 'a', '/bin/a', 'a -x', 't1'),"
          "(100, 11, 'b', '/bin/b', 'b', 't1'), (101, 11, 'b2', '/bin/b', 'b', 't1'),"
          "(100, 12, 'c', '/bin/c', 'c', 't1'), (101, 12, 'c', '/bin/c', 'c', 't2');"
          "INSERT INTO snapshot_netstat (snapshot_id, pid, family, type, status, local_address, "
          "local_port, remote_address, remote_port) VALUES "
          "(100, 10, 'IPv4', 'TCP', 'ESTAB', '10.0.0.2', 5000, '1.2.3.4', 443),"
          "(101, 10, 'IPv4', 'TCP', 'CLOSE_WAIT', '10.0.0.2', 5000, '1.2.3.4', 443),"
          "(101, 10, 'IPv6', 'TCP', 'ESTAB', '::1', 5001, '::1', 8080),"
          "(100, 10, 'IPv4', 'UDP', '', '0.0.0.0', 53, NULL, NULL);"
          "INSERT INTO snapshot_arp_cache (snapshot_id, interface_index, interface_alias, "
          "address_family, ip_address, link_layer_address, state) VALUES "
          "(100, 2, 'eth0', 'IPv4', '10.0.0.1', '00-11-22-33-44-55', 'Reachable'),"
          "(101, 2, 'eth0', 'IPv4', '10.0.0.1', '66-77-88-99-AA-BB', 'Reachable'),"
          "(100, 2, 'eth0', 'IPv4', '10.0.0.9', '00-11-22-33-44-99', 'Reachable'),"
          "(101, 2, 'eth0', 'IPv4', '10.0.0.9', '00-11-22-33-44-99', 'Stale');"
          "INSERT INTO snapshot_interface_addresses (snapshot_id, interface_index, name, family, "
          "address, prefix_length, kind) VALUES "
          "(101, 3, 'tun0', 'IPv4', '192.168.7.2', 24, 'unicast');",
          NULL, NULL, NULL),
      SQLITE_OK);
  sqlite3_close(plain);
  ck_assert_run(db, "", "ATTACH %Q AS r", path);
  ck_assert_run(db,
                "'disappeared'|'listener'|'UDP 0.0.0.0:53 pid 10 (a)'\n"
                "'appeared'|'connection'|'TCP [::1]:5001 -> [::1]:8080 ESTAB pid 10 (a)'\n"
                "'appeared'|'process'|'pid 12 (c): c'\n"
                "'disappeared'|'process'|'pid 12 (c): c'\n"
                "'appeared'|'neighbor'|'10.0.0.1 at 66-77-88-99-AA-BB on eth0 (Reachable)'\n"
                "'disappeared'|'neighbor'|'10.0.0.1 at 00-11-22-33-44-55 on eth0 (Reachable)'\n"
                "'appeared'|'interface_address'|'tun0 192.168.7.2/24'",
                "SELECT change, kind, summary FROM vqlite_snapshot_diff(100, 101, 'r')");
  sqlite3_close(db);
  sqlite3_free(path);
  work_dir_remove();
}
END_TEST

/* ---- SIGKILL mid-snapshot ------------------------------------------------------ */

/* A hash of every row of the snapshots `ids` in every table (plain SQLite). */
static unsigned long long rows_hash(const char *path, const char *ids, long long *rows) {
  sqlite3 *db = open_plain(path);
  sqlite3_stmt *tables = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(db,
                                      "SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "ORDER BY name",
                                      -1, &tables, NULL),
                   SQLITE_OK);
  unsigned long long hash = 1469598103934665603ULL;
  *rows = 0;
  while (sqlite3_step(tables) == SQLITE_ROW) {
    const char *table = (const char *)sqlite3_column_text(tables, 0);
    const char *key = strcmp(table, "snapshots") == 0 ? "id" : "snapshot_id";
    char *sql =
        sqlite3_mprintf("SELECT * FROM \"%w\" WHERE %s IN (%s) ORDER BY rowid", table, key, ids);
    sqlite3_stmt *stmt = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      (*rows)++;
      for (int i = 0; i < sqlite3_column_count(stmt); i++) {
        const unsigned char *bytes = sqlite3_column_blob(stmt, i);
        int length = sqlite3_column_bytes(stmt, i);
        hash = (hash ^ (unsigned long long)sqlite3_column_type(stmt, i)) * 1099511628211ULL;
        for (int b = 0; b < length; b++) hash = (hash ^ bytes[b]) * 1099511628211ULL;
      }
    }
    sqlite3_finalize(stmt);
    sqlite3_free(sql);
  }
  sqlite3_finalize(tables);
  sqlite3_close(db);
  return hash;
}

enum { HELPER_COUNT = 20, HELPER_ARGS = 8, HELPER_ARG_BYTES = 100 * 1024 };

/* Processes with ~800 KB command lines, so the next snapshot is large (about
 * 16 MB of rows, far past SQLite's page cache, so pages reach the file before
 * COMMIT). They wait on a pipe and exit when it closes. */
static int spawn_helpers(pid_t *pids) {
  int gate[2];
  ck_assert_int_eq(pipe(gate), 0);
  char *big = malloc(HELPER_ARG_BYTES);
  memset(big, 'x', HELPER_ARG_BYTES - 1);
  big[HELPER_ARG_BYTES - 1] = 0;
  for (int h = 0; h < HELPER_COUNT; h++) {
    pids[h] = fork();
    ck_assert_int_ge(pids[h], 0);
    if (pids[h] == 0) {
      dup2(gate[0], 0);
      close(gate[0]), close(gate[1]);
      char *argv[4 + HELPER_ARGS + 1] = {"sh", "-c", "read line", "helper"};
      for (int a = 0; a < HELPER_ARGS; a++) argv[4 + a] = big;
      argv[4 + HELPER_ARGS] = NULL;
      execv("/bin/sh", argv);
      _exit(127);
    }
  }
  free(big);
  close(gate[0]);
  return gate[1];
}

START_TEST(sigkill_mid_snapshot_keeps_earlier_snapshots) {
  work_dir_create();
  char *path = work_path("kill.db");
  char *journal = sqlite3_mprintf("%s-journal", path);
  sqlite3 *db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  take_snapshot(db, path);
  take_snapshot(db, path);
  sqlite3_close(db);

  pid_t helpers[HELPER_COUNT];
  int gate = spawn_helpers(helpers);
  int torn = 0;
  char ids[64] = "1, 2";
  long long committed = 2, rows_before = 0;
  unsigned long long hash_before = rows_hash(path, ids, &rows_before);
  for (int attempt = 0; attempt < 6 && !torn; attempt++) {
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    off_t size_before = st.st_size;
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
      close(gate);
      sqlite3 *writer = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
      char *result = run(writer, "SELECT vqlite_snapshot(%Q)", path);
      _exit(strtoll(result, NULL, 10) > 0 ? 0 : 1);
    }
    /* Kill once the transaction has written into the file itself. */
    int status = 0;
    while (waitpid(child, &status, WNOHANG) == 0) {
      if (access(journal, F_OK) == 0 && stat(path, &st) == 0 && st.st_size > size_before) {
        kill(child, SIGKILL);
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        /* Mid-transaction: the journal is still there for the next reader. */
        torn = WIFSIGNALED(status) && access(journal, F_OK) == 0;
        break;
      }
      usleep(100);
    }
    if (!torn) { /* it finished first: one more complete snapshot to keep */
      committed++;
      size_t used = strlen(ids);
      snprintf(ids + used, sizeof ids - used, ", %lld", committed);
      hash_before = rows_hash(path, ids, &rows_before);
    }
  }
  close(gate);
  for (int h = 0; h < HELPER_COUNT; h++) waitpid(helpers[h], NULL, 0);
  ck_assert_msg(torn, "no attempt was killed in the middle of its transaction");

  /* Python, without vqlite, rolls the hot journal back and reads everything. */
  int status = 0;
  char *out =
      harness_command(&status,
                      "/usr/bin/python3 -c \"import sqlite3; db = sqlite3.connect('%s'); "
                      "print(db.execute('PRAGMA integrity_check').fetchone()[0], "
                      "[r[0] for r in db.execute('SELECT id FROM snapshots ORDER BY id')], "
                      "db.execute('SELECT count(*) FROM snapshot_processes WHERE snapshot_id "
                      "NOT IN (SELECT id FROM snapshots)').fetchone()[0])\" 2>&1",
                      path);
  char *want = sqlite3_mprintf("ok [%s] 0\n", ids);
  ck_assert_msg(status == 0 && strcmp(out, want) == 0, "python said: %s (expected %s)", out, want);
  ck_assert_msg(access(journal, F_OK) != 0, "the journal was not rolled back");
  long long rows_after = 0;
  ck_assert_msg(rows_hash(path, ids, &rows_after) == hash_before && rows_after == rows_before,
                "the earlier snapshots changed (%lld rows before, %lld after)", rows_before,
                rows_after);
  /* The file still takes snapshots. */
  db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  ck_assert_int_eq(take_snapshot(db, path), committed + 1);
  sqlite3_close(db);
  sqlite3_free(want), free(out), sqlite3_free(journal), sqlite3_free(path);
  work_dir_remove();
}
END_TEST

/* ---- refusals -------------------------------------------------------------------- */

START_TEST(refuses_directory) {
  work_dir_create();
  char *dir = work_path("adir");
  ck_assert_int_eq(mkdir(dir, 0755), 0);
  sqlite3 *db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  char *want = sqlite3_mprintf(
      "error: vqlite_snapshot: cannot open '%s' as a database file: unable to "
      "open database file (Is a directory, OS error 21); expected a new file or "
      "a snapshot file, in a folder that exists (a directory cannot be one)",
      dir);
  ck_assert_run(db, want, "SELECT vqlite_snapshot(%Q)", dir);
  char *listing =
      sqlite3_mprintf("test -z \"$(ls -A '%s')\" && test \"$(ls -A '%s')\" = adir", dir, work_dir);
  ck_assert_msg(system(listing) == 0, "something was created beside or inside %s", dir);
  sqlite3_free(listing);
  sqlite3_close(db);
  sqlite3_free(want), sqlite3_free(dir);
  work_dir_remove();
}
END_TEST

START_TEST(refuses_file_that_is_not_a_database) {
  work_dir_create();
  char *path = work_path("notes.txt");
  FILE *file = fopen(path, "w");
  for (int i = 0; i < 200; i++)
    fprintf(file, "line %d of a responder's notes, not a database\n", i);
  fclose(file);
  assert_snapshot_refused(path,
                          "is not a SQLite database (expected a new file or a snapshot file)");
  sqlite3_free(path);
  work_dir_remove();
}
END_TEST

START_TEST(refuses_another_applications_database) {
  work_dir_create();
  char *path = work_path("app.db");
  sqlite3 *plain = open_plain(path);
  ck_assert_int_eq(sqlite3_exec(plain,
                                "CREATE TABLE users(name); INSERT INTO users VALUES ('ann');"
                                "CREATE TABLE orders(id)",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(plain);
  assert_snapshot_refused(path,
                          "is a SQLite database but not a snapshot file (it has 2 tables "
                          "and no table snapshots); choose a new file");
  sqlite3_free(path);
  work_dir_remove();
}
END_TEST

START_TEST(refuses_locked_database) {
  work_dir_create();
  char *path = work_path("locked.db");
  sqlite3 *db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  take_snapshot(db, path);
  long size = 0;
  char *before = read_file(path, &size);
  sqlite3 *holder = open_plain(path);
  ck_assert_int_eq(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
  char *want = sqlite3_mprintf(
      "error: vqlite_snapshot: '%s' is locked by another connection (waited "
      "150 ms; set a longer busy timeout with PRAGMA busy_timeout); the file "
      "was not changed",
      path);
  ck_assert_run(db, "150", "PRAGMA busy_timeout = 150");
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  ck_assert_run(db, want, "SELECT vqlite_snapshot(%Q)", path);
  clock_gettime(CLOCK_MONOTONIC, &end);
  double waited = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
  ck_assert_msg(waited >= 0.14, "gave up after %.3f s, before the busy timeout", waited);
  ck_assert_int_eq(sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(holder);
  assert_file_unchanged(path, before, size);
  ck_assert_int_eq(take_snapshot(db, path), 2); /* the lock gone, it works */
  sqlite3_close(db);
  sqlite3_free(want), free(before), sqlite3_free(path);
  work_dir_remove();
}
END_TEST

/* Runs vqlite_snapshot(path) in a child with fewer rights; returns what it rendered. */
static char *snapshot_in_child(const char *path, int drop_to_nobody, rlim_t file_size_limit) {
  int out[2];
  ck_assert_int_eq(pipe(out), 0);
  sqlite3 *db = NULL;
  pid_t child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    close(out[0]);
    db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE); /* loaded with full rights */
    if (drop_to_nobody && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
    if (file_size_limit) {
      struct rlimit limit = {file_size_limit, file_size_limit};
      signal(SIGXFSZ, SIG_IGN);
      if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(4);
    }
    char *result = run(db, "SELECT vqlite_snapshot(%Q)", path);
    ssize_t written = write(out[1], result, strlen(result));
    int complete = written == (ssize_t)strlen(result);
    free(result); /* nothing left behind: memcheck follows this child too */
    sqlite3_close(db);
    _exit(complete ? 0 : 5);
  }
  close(out[1]);
  char *text = calloc(1, 65536);
  size_t used = 0;
  ssize_t got;
  while ((got = read(out[0], text + used, 65535 - used)) > 0) used += (size_t)got;
  close(out[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child failed (%d): %s", status,
                text);
  return text;
}

START_TEST(refuses_read_only_file) {
  work_dir_create();
  char *path = work_path("ro.db");
  sqlite3 *db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  take_snapshot(db, path);
  sqlite3_close(db);
  ck_assert_int_eq(chmod(path, 0444), 0);
  long size = 0;
  char *before = read_file(path, &size);
  /* root writes any file: the attempt runs as nobody then. */
  char *result = snapshot_in_child(path, geteuid() == 0, 0);
  char *want = sqlite3_mprintf(
      "error: vqlite_snapshot: '%s' is read-only for this process (no write "
      "permission on the file or its folder, or a read-only file system); "
      "the file was not changed",
      path);
  ck_assert_msg(strcmp(result, want) == 0, "expected %s\nactual   %s", want, result);
  assert_file_unchanged(path, before, size);
  sqlite3_free(want), free(result), free(before), sqlite3_free(path);
  work_dir_remove();
}
END_TEST

START_TEST(full_disk_rolls_back) {
  work_dir_create();
  char *path = work_path("full.db");
  sqlite3 *db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  take_snapshot(db, path);
  sqlite3_close(db);
  long long rows_before = 0, rows_after = 0;
  unsigned long long hash = rows_hash(path, "1", &rows_before);
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  /* Files may not grow past the size the snapshot file has now (a second
   * snapshot of a quiet host needs only about 8 KiB more, so a margin of
   * 8 KiB let it succeed). */
  char *result = snapshot_in_child(path, 0, (rlim_t)st.st_size);
  char *prefix = sqlite3_mprintf("error: vqlite_snapshot: writing '%s' failed while ", path);
  ck_assert_msg(strncmp(result, prefix, strlen(prefix)) == 0 &&
                    strstr(result, "; the snapshot was rolled back and the file keeps what it had"),
                "%s", result);
  ck_assert_msg(rows_hash(path, "1", &rows_after) == hash && rows_after == rows_before,
                "snapshot 1 changed");
  sqlite3 *plain = open_plain(path);
  ck_assert_run(plain, "'ok'\n1", "PRAGMA integrity_check; SELECT count(*) FROM snapshots");
  sqlite3_close(plain);
  sqlite3_free(prefix), free(result), sqlite3_free(path);
  work_dir_remove();
}
END_TEST

START_TEST(bad_arguments) {
  sqlite3 *db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  ck_assert_run(db,
                "error: vqlite_snapshot: needs the path of a .db file, as in SELECT "
                "vqlite_snapshot('host.db') (got NULL)",
                "SELECT vqlite_snapshot(NULL)");
  ck_assert_run(db,
                "error: vqlite_snapshot: needs the path of a .db file, as in SELECT "
                "vqlite_snapshot('host.db') (got ':memory:')",
                "SELECT vqlite_snapshot(':memory:')");
  ck_assert_run(db,
                "error: vqlite_snapshot: needs the path of a .db file, as in SELECT "
                "vqlite_snapshot('host.db') (got '')",
                "SELECT vqlite_snapshot('')");
  sqlite3_close(db);
}
END_TEST

/* A database's own view or trigger cannot call them (DIRECTONLY). */
START_TEST(functions_are_direct_only) {
  work_dir_create();
  char *target = work_path("never.db");
  sqlite3 *db = open_vqlite(":memory:", SQLITE_OPEN_READWRITE);
  ck_assert_run(db, "",
                "CREATE VIEW v AS SELECT vqlite_snapshot(%Q); CREATE VIEW w AS SELECT "
                "vqlite_replay(1); CREATE VIEW x AS SELECT * FROM vqlite_snapshot_diff(1, 2)",
                target);
  ck_assert_run(db, "error: unsafe use of vqlite_snapshot()", "SELECT * FROM v");
  ck_assert_run(db, "error: unsafe use of vqlite_replay()", "SELECT * FROM w");
  ck_assert_run(db, "error: unsafe use of virtual table \"vqlite_snapshot_diff\"",
                "SELECT * FROM x");
  ck_assert_int_ne(access(target, F_OK), 0);
  sqlite3_close(db);
  sqlite3_free(target);
  work_dir_remove();
}
END_TEST

/* ---- both builds: through the harness (vqlite.dll under Wine too) ------------------- */

START_TEST(snapshot_replay_diff_through_sql) {
  work_dir_create();
  char *native = work_path("both.db");
  /* Wine maps Z: to the root of the host's file system. */
  char *target =
      harness_is_wine() ? sqlite3_mprintf("Z:%s", native) : sqlite3_mprintf("%s", native);
  ck_assert_sql("1|2", "SELECT vqlite_snapshot('%s'), vqlite_snapshot('%s', 'second')", target,
                target);
  ck_assert_sql("", "ATTACH '%s' AS s", target);
  ck_assert_sql("0|5|1",
                "SELECT (SELECT count(*) FROM vqlite_snapshot_diff(1, 1, 's')), "
                "(SELECT count(*) FROM s.snapshot_contents WHERE snapshot_id = 2 AND source LIKE "
                "'Windows.%%'), "
                "(SELECT label = 'second' FROM s.snapshots WHERE id = 2)");
  char *replay = harness_sql("SELECT vqlite_replay(2, 's')");
  ck_assert_msg(strstr(replay, "'replaying snapshot 2 of s (") == replay, "%s", replay);
  free(replay);
  ck_assert_sql(
      "1|1",
      "SELECT (SELECT count(*) FROM \"Windows.Network.InterfaceAddresses\") = "
      "(SELECT row_count FROM s.snapshot_contents WHERE snapshot_id = 2 AND table_name = "
      "'snapshot_view_interface_addresses'), (SELECT count(*) FROM interface_addresses) = "
      "(SELECT row_count FROM s.snapshot_contents WHERE snapshot_id = 2 AND table_name = "
      "'snapshot_interface_addresses')");
  ck_assert_sql("'live: the tables and artifact views read the host'",
                "SELECT vqlite_replay(NULL)");
  ck_assert_sql("", "DETACH s");
  /* Read natively, without vqlite, whichever build wrote it. */
  sqlite3 *plain = open_plain(native);
  char *expected = sqlite3_mprintf("'ok'\n2|'%s'", harness_is_wine() ? "windows" : "linux");
  ck_assert_run(plain, expected,
                "PRAGMA integrity_check; SELECT count(*), min(platform) FROM snapshots");
  sqlite3_close(plain);
  sqlite3_free(expected), sqlite3_free(target), sqlite3_free(native);
  work_dir_remove();
}
END_TEST

int main(void) {
  Suite *suite = suite_create("snapshot");
  TCase *sql = harness_tcase("sql");
  tcase_add_test(sql, snapshot_replay_diff_through_sql);
  suite_add_tcase(suite, sql);
  if (!harness_is_wine()) {
    TCase *native = tcase_create("native");
    tcase_set_timeout(native, 60);
    tcase_add_test(native, python_reads_snapshot_without_vqlite);
    tcase_add_test(native, replay_equals_live_views_at_capture);
    tcase_add_test(native, replay_errors);
    tcase_add_test(native, diff_shows_exactly_the_new_listener);
    tcase_add_test(native, diff_identity_rules);
    tcase_add_test(native, sigkill_mid_snapshot_keeps_earlier_snapshots);
    tcase_add_test(native, refuses_directory);
    tcase_add_test(native, refuses_file_that_is_not_a_database);
    tcase_add_test(native, refuses_another_applications_database);
    tcase_add_test(native, refuses_locked_database);
    tcase_add_test(native, refuses_read_only_file);
    tcase_add_test(native, full_disk_rolls_back);
    tcase_add_test(native, bad_arguments);
    tcase_add_test(native, functions_are_direct_only);
    suite_add_tcase(suite, native);
  }
  return harness_run(suite);
}

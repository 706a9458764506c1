/*
** check_processes.c: the `processes` table.
**
** Natively (vqlite.so in this process): this test's own row (pid, ppid, name,
** path, a command line with spaces, quotes and non-ASCII arguments -- main()
** re-executes itself with such arguments -- user, threads, times), a child
** started with a known command line, the digests of an executable against
** md5sum/sha1sum/sha256sum, the per-connection digest cache (an unchanged
** file is not hashed again, a changed one is), proof through the work
** counters that `pid, name` opens no process and hashes nothing and that
** `pid = N` opens one, a churn of processes started and killed while the
** table is queried a thousand times; and the pure parts: /proc parsers, the
** UTF-16 length clamp the Windows PEB reader uses, the bounded file cache.
**
** Under Wine (vqlite.dll in sqlrun.exe): sqlrun.exe's own row, its path,
** command line, user and digests, and the same counter proofs.
*/
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../linux/processes.h"
#include "file_cache.h"
#include "harness.h"
#include "platform.h"

/* The arguments main() re-executes itself with. */
static const char *const test_arguments[] = {"--with-arguments", "two words", "say \"hi\" it's",
                                             "grüße ✓ 東京"};
#define TEST_ARGUMENT_COUNT 4

static char self_path[4096];   /* this test binary, resolved */
static char own_cmdline[8192]; /* argv joined by spaces */

/* ---- helpers -------------------------------------------------------------------- */

static long counter(const char *name) {
  char *text = harness_sql("SELECT vqlite_counter('%s')", name);
  long value = strtol(text, NULL, 10);
  free(text);
  return value;
}

/* The rendered form of a text value ('x' quoted, as render.c does). */
static char *quoted(const char *text) { return sqlite3_mprintf("%Q", text); }

static char *command_output(const char *format, const char *argument) {
  int status = 0;
  char *out = harness_command(&status, format, argument);
  ck_assert_int_eq(status, 0);
  out[strcspn(out, "\n")] = 0;
  return out;
}

static char *digest_of(const char *tool, const char *path) {
  char command[256];
  snprintf(command, sizeof command, "%s '%%s' | cut -d' ' -f1", tool);
  return command_output(command, path);
}

/* Starts `program` with argv; waits until its exec is visible in /proc. */
static pid_t start_child(const char *program, char *const argv[]) {
  pid_t child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    execv(program, argv);
    _exit(127);
  }
  char path[64], buffer[256];
  snprintf(path, sizeof path, "/proc/%d/cmdline", (int)child);
  for (int i = 0; i < 400; i++) {
    int fd = open(path, O_RDONLY);
    ssize_t got = fd >= 0 ? read(fd, buffer, sizeof buffer - 1) : -1;
    if (fd >= 0) close(fd);
    if (got > 0 && strcmp(buffer, argv[0]) == 0) return child;
    usleep(5000);
  }
  ck_abort_msg("child %s did not start", program);
  return child;
}

static void stop_child(pid_t child) {
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
}

/* ---- native: this process --------------------------------------------------------- */

START_TEST(own_process_row) {
  /* The kernel's name for this process (the binary's first 15 bytes, or the
   * tool's under valgrind), as /proc/self/comm says it. */
  char comm[32];
  harness_own_comm(comm, sizeof comm);
  struct passwd *user = getpwuid(geteuid());
  ck_assert_ptr_nonnull(user);
  char *q_name = quoted(comm), *q_path = quoted(self_path), *q_cmdline = quoted(own_cmdline),
       *q_user = quoted(user->pw_name);
  char *expected = sqlite3_mprintf("%d|%d|%s|%s|%s|%s", (int)getpid(), (int)getppid(), q_name,
                                   q_path, q_cmdline, q_user);
  ck_assert_sql(expected,
                "SELECT pid, ppid, name, path, cmdline, username FROM processes WHERE pid = %d",
                (int)getpid());
  sqlite3_free(expected);
  sqlite3_free(q_name), sqlite3_free(q_path), sqlite3_free(q_cmdline), sqlite3_free(q_user);
}
END_TEST

START_TEST(own_process_numbers) {
  /* One thread (Check forks each test), started moments ago, some memory. */
  ck_assert_sql("1|1|1|1",
                "SELECT threads, abs(strftime('%%s','now') - strftime('%%s', create_time)) < 600, "
                "create_time GLOB "
                "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z', "
                "working_set BETWEEN 4096 AND 1099511627776 FROM processes WHERE pid = %d",
                (int)getpid());
  ck_assert_sql("1", "SELECT rowid = pid FROM processes WHERE pid = %d", (int)getpid());
}
END_TEST

START_TEST(child_with_known_command_line) {
  char *argv[] = {"vq-child", "--sleep-child", "two words", "say \"hi\" it's", "grüße ✓", NULL};
  pid_t child = start_child(self_path, argv);
  char comm[16];
  snprintf(comm, sizeof comm, "%s", strrchr(self_path, '/') + 1);
  char *expected = sqlite3_mprintf("%d|%d|%Q|%Q", (int)child, (int)getpid(), comm,
                                   "vq-child --sleep-child two words say \"hi\" it's grüße ✓");
  ck_assert_sql(expected, "SELECT pid, ppid, name, cmdline FROM processes WHERE pid = %d",
                (int)child);
  sqlite3_free(expected);
  /* The child is also found by a full scan and by an IN list. */
  ck_assert_sql("1",
                "SELECT count(*) FROM processes WHERE ppid = %d AND cmdline LIKE 'vq-child %%'",
                (int)getpid());
  ck_assert_sql("2", "SELECT count(*) FROM processes WHERE pid IN (%d, %d, 2147483646)", (int)child,
                (int)getpid());
  stop_child(child);
  ck_assert_sql("", "SELECT pid FROM processes WHERE pid = %d", (int)child);
}
END_TEST

/* ---- native: digests and their cache ------------------------------------------------ */

static char hash_dir[64];

static void make_hash_program(char *program, size_t size) {
  snprintf(hash_dir, sizeof hash_dir, "/tmp/vqlite-hash-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(hash_dir));
  snprintf(program, size, "%s/vq-sleeper", hash_dir);
  int status = 0;
  free(harness_command(&status, "cp /bin/sleep '%s' && chmod 755 '%s'", program, program));
  ck_assert_int_eq(status, 0);
}

static void remove_hash_program(const char *program) {
  unlink(program);
  rmdir(hash_dir);
}

START_TEST(digests_match_coreutils) {
  char program[128];
  make_hash_program(program, sizeof program);
  char *argv[] = {program, "60", NULL};
  pid_t child = start_child(program, argv);
  char *md5 = digest_of("md5sum", program), *sha1 = digest_of("sha1sum", program),
       *sha256 = digest_of("sha256sum", program);
  char *expected = sqlite3_mprintf("%Q|%Q|%Q|%Q", program, md5, sha1, sha256);
  ck_assert_sql(expected, "SELECT path, md5, sha1, sha256 FROM processes WHERE pid = %d",
                (int)child);
  sqlite3_free(expected);
  free(md5), free(sha1), free(sha256);
  stop_child(child);
  remove_hash_program(program);
}
END_TEST

START_TEST(digest_cache_serves_unchanged_file) {
  char program[128];
  make_hash_program(program, sizeof program);
  char *argv[] = {program, "60", NULL};
  pid_t child = start_child(program, argv);
  char *sha256 = digest_of("sha256sum", program);
  char *expected = quoted(sha256);

  long before = counter("files_hashed");
  ck_assert_sql(expected, "SELECT sha256 FROM processes WHERE pid = %d", (int)child);
  ck_assert_int_eq(counter("files_hashed"), before + 1);
  /* Unchanged: served from the connection's cache, all three digests. */
  ck_assert_sql(expected, "SELECT sha256 FROM processes WHERE pid = %d", (int)child);
  ck_assert_sql("1", "SELECT length(md5) + length(sha1) = 72 FROM processes WHERE pid = %d",
                (int)child);
  ck_assert_int_eq(counter("files_hashed"), before + 1);
  /* Changed (a new modification time): hashed again. */
  struct timespec times[2] = {{1577836800, 0}, {1577836800, 0}};
  ck_assert_int_eq(utimensat(AT_FDCWD, program, times, 0), 0);
  ck_assert_sql(expected, "SELECT sha256 FROM processes WHERE pid = %d", (int)child);
  ck_assert_int_eq(counter("files_hashed"), before + 2);
  /* A new connection has its own cache (and, the extension being loaded
   * afresh, its own counters). */
  harness_open();
  before = counter("files_hashed");
  ck_assert_sql(expected, "SELECT sha256 FROM processes WHERE pid = %d", (int)child);
  ck_assert_int_eq(counter("files_hashed"), before + 1);

  sqlite3_free(expected);
  free(sha256);
  stop_child(child);
  remove_hash_program(program);
}
END_TEST

START_TEST(digests_follow_the_running_image) {
  char program[128];
  make_hash_program(program, sizeof program);
  char *argv[] = {program, "60", NULL};
  pid_t child = start_child(program, argv);
  char *sha256 = digest_of("sha256sum", program);
  /* Replaced on disk by other bytes, then deleted: the kernel names the path
   * "<path> (deleted)", and the digests are still those of the file the
   * process runs, read through /proc/<pid>/exe. */
  int status = 0;
  free(harness_command(&status, "mv '%s' '%s.old' && printf other > '%s' && rm '%s.old'", program,
                       program, program, program));
  ck_assert_int_eq(status, 0);
  char *expected = sqlite3_mprintf("1|%Q", sha256);
  ck_assert_sql(expected, "SELECT path LIKE '%% (deleted)', sha256 FROM processes WHERE pid = %d",
                (int)child);
  sqlite3_free(expected);
  free(sha256);
  stop_child(child);
  remove_hash_program(program);
}
END_TEST

START_TEST(digests_of_unreadable_image_are_null) {
  /* A zombie has no image any more: its row stays, with NULL digests. */
  pid_t zombie = fork();
  ck_assert_int_ge(zombie, 0);
  if (zombie == 0) _exit(0);
  char state[64];
  snprintf(state, sizeof state, "/proc/%d/exe", (int)zombie);
  for (int i = 0; i < 200 && access(state, F_OK) == 0; i++) usleep(10000);
  ck_assert_sql("1|NULL|NULL|NULL",
                "SELECT count(*), max(md5), max(sha1), max(sha256) "
                "FROM processes WHERE pid = %d",
                (int)zombie);
  ck_assert_int_eq(waitpid(zombie, NULL, 0), zombie);
}
END_TEST

/* ---- native: only what the query uses is read ---------------------------------------- */

START_TEST(pid_and_name_open_nothing) {
  long opens = counter("process_opens"), hashed = counter("files_hashed");
  ck_assert_sql("1", "SELECT count(*) > 0 FROM (SELECT pid, name, ppid FROM processes)");
  ck_assert_sql("1", "SELECT count(*) > 0 FROM processes WHERE name <> '' AND pid > 0");
  ck_assert_int_eq(counter("process_opens"), opens);
  ck_assert_int_eq(counter("files_hashed"), hashed);
  /* The counter is live: a cmdline of one pid opens exactly that process. */
  ck_assert_sql("1", "SELECT cmdline IS NOT NULL FROM processes WHERE pid = %d", (int)getpid());
  ck_assert_int_eq(counter("process_opens"), opens + 1);
  ck_assert_sql("2", "SELECT count(cmdline) FROM processes WHERE pid IN (%d, %d)", (int)getpid(),
                (int)getppid());
  ck_assert_int_eq(counter("process_opens"), opens + 3);
  ck_assert_int_eq(counter("files_hashed"), hashed);
}
END_TEST

START_TEST(pid_filters_edge_values) {
  ck_assert_sql("", "SELECT pid FROM processes WHERE pid = -1");
  ck_assert_sql("", "SELECT pid FROM processes WHERE pid = 'abc'");
  ck_assert_sql("", "SELECT pid FROM processes WHERE pid = NULL");
  ck_assert_sql("", "SELECT pid FROM processes WHERE pid IN (NULL, 9223372036854775807)");
  char *expected = sqlite3_mprintf("%d", (int)getpid());
  ck_assert_sql(expected, "SELECT pid FROM processes WHERE pid = %d.0", (int)getpid());
  ck_assert_sql(expected, "SELECT pid FROM processes WHERE pid IN (SELECT %d)", (int)getpid());
  sqlite3_free(expected);
}
END_TEST

/* ---- native: churn ------------------------------------------------------------------------ */

START_TEST(churn_thousand_queries) {
  pid_t churner = fork();
  ck_assert_int_ge(churner, 0);
  if (churner == 0) {
    for (;;) {
      pid_t children[8];
      for (int i = 0; i < 8; i++) {
        children[i] = fork();
        if (children[i] == 0) {
          if (i % 2) execl("/bin/sleep", "sleep", "5", (char *)NULL);
          usleep(200);
          _exit(0);
        }
      }
      for (int i = 0; i < 8; i++) {
        if (children[i] > 0) kill(children[i], SIGKILL);
        if (children[i] > 0) waitpid(children[i], NULL, 0);
      }
    }
  }
  for (int i = 0; i < 1000; i++) {
    char *result = harness_sql(
        "SELECT count(*) > 0, count(name) = count(*) FROM (SELECT pid, ppid, name, path, "
        "cmdline, username, create_time, threads, working_set%s FROM processes)",
        i % 100 == 0 ? ", sha256" : "");
    ck_assert_msg(strcmp(result, "1|1") == 0, "query %d gave %s", i, result);
    free(result);
  }
  stop_child(churner);
}
END_TEST

/* ---- native: pure parts ---------------------------------------------------------------------- */

START_TEST(parse_stat_line) {
  const char *line =
      "4242 (my (odd) name) S 77 4242 4242 0 -1 4194560 100 0 0 0 3 1 0 0 20 0 5 0 "
      "123456 10000000 789 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0\n";
  linux_process_stat stat;
  ck_assert_int_eq(linux_processes_parse_stat(line, strlen(line), &stat), 0);
  ck_assert_int_eq(stat.pid, 4242);
  ck_assert_str_eq(stat.comm, "my (odd) name");
  ck_assert_int_eq(stat.ppid, 77);
  ck_assert_int_eq(stat.threads, 5);
  ck_assert_uint_eq(stat.start_ticks, 123456);
  ck_assert_int_eq(stat.rss_pages, 789);
  ck_assert_int_eq(linux_processes_parse_stat("42 (x", 5, &stat), -1);
  ck_assert_int_eq(linux_processes_parse_stat("42 (x) S", 8, &stat), -1);
  ck_assert_int_eq(linux_processes_parse_stat("", 0, &stat), -1);
  const char *cut = "42 (x) S 1 2 3 4 5 6 7 8 9 10";
  ck_assert_int_eq(linux_processes_parse_stat(cut, strlen(cut), &stat), -1);
}
END_TEST

START_TEST(join_command_lines) {
  char *text = linux_processes_join_cmdline("a\0b c\0d\0", 8);
  ck_assert_str_eq(text, "a b c d");
  free(text);
  text = linux_processes_join_cmdline("", 0);
  ck_assert_str_eq(text, "");
  free(text);
  text = linux_processes_join_cmdline("one\0\0\0", 6); /* padded by setproctitle */
  ck_assert_str_eq(text, "one");
  free(text);
  text = linux_processes_join_cmdline("x\0\0y", 4);
  ck_assert_str_eq(text, "x  y");
  free(text);
}
END_TEST

START_TEST(parse_status_uid) {
  const char *status =
      "Name:\tbash\nUmask:\t0022\nUid:\t1000\t1001\t1000\t1000\nGid:\t5\t5\t5\t5\n";
  uint32_t uid = 0;
  ck_assert_int_eq(linux_processes_parse_uid(status, strlen(status), &uid), 0);
  ck_assert_uint_eq(uid, 1001);
  ck_assert_int_eq(linux_processes_parse_uid("Name:\tx\n", 8, &uid), -1);
  ck_assert_int_eq(linux_processes_parse_uid("Uid:\t12", 7, &uid), -1);
}
END_TEST

START_TEST(clamp_corrupt_utf16_lengths) {
  /* Sane: a Length within MaximumLength and what is there. */
  ck_assert_uint_eq(vq_clamp_utf16_bytes(20, 22, 1000, 65534), 20);
  /* Length above MaximumLength: only MaximumLength is trusted. */
  ck_assert_uint_eq(vq_clamp_utf16_bytes(400, 64, 1000, 65534), 64);
  /* Odd lengths are cut to whole UTF-16 units. */
  ck_assert_uint_eq(vq_clamp_utf16_bytes(21, 40, 1000, 65534), 20);
  ck_assert_uint_eq(vq_clamp_utf16_bytes(41, 41, 1000, 65534), 40);
  /* Never past the buffer that holds it. */
  ck_assert_uint_eq(vq_clamp_utf16_bytes(65534, 65534, 100, 65534), 100);
  ck_assert_uint_eq(vq_clamp_utf16_bytes(65534, 65534, 7, 65534), 6);
  /* A hostile 64-bit length is bounded by the cap. */
  ck_assert_uint_eq(vq_clamp_utf16_bytes(UINT64_MAX, UINT64_MAX, UINT64_MAX, 65534), 65534);
  ck_assert_uint_eq(vq_clamp_utf16_bytes(0xFFFF, 0xFFFF, UINT64_MAX, 65534), 65534);
  /* Zero anywhere means nothing is read. */
  ck_assert_uint_eq(vq_clamp_utf16_bytes(30, 0, 1000, 65534), 0);
  ck_assert_uint_eq(vq_clamp_utf16_bytes(0, 30, 1000, 65534), 0);
  ck_assert_uint_eq(vq_clamp_utf16_bytes(30, 30, 0, 65534), 0);
}
END_TEST

START_TEST(digests_of_a_file_match_coreutils) {
  char path[] = "/tmp/vqlite-digest-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  /* More than one read buffer, not a multiple of it. */
  for (int i = 0; i < 5000; i++)
    ck_assert_int_eq(write(fd, "vqlite digests, line of text\n", 29), 29);
  close(fd);
  vq_file_digests digests;
  vq_file_identity identity, again;
  vq_error error;
  ck_assert_int_eq(vq_file_digests_compute(path, &digests, &identity, &error), 0);
  char *md5 = digest_of("md5sum", path), *sha1 = digest_of("sha1sum", path),
       *sha256 = digest_of("sha256sum", path);
  ck_assert_str_eq(digests.md5, md5);
  ck_assert_str_eq(digests.sha1, sha1);
  ck_assert_str_eq(digests.sha256, sha256);
  ck_assert_uint_eq(identity.size, 5000 * 29);
  ck_assert_int_eq(vq_file_identity_read(path, &again, &error), 0);
  ck_assert_int_eq(memcmp(&identity, &again, sizeof identity), 0);
  free(md5), free(sha1), free(sha256);
  unlink(path);
  ck_assert_int_eq(vq_file_digests_compute(path, &digests, &identity, &error), -1);
  ck_assert_msg(strstr(error.message, "No such file or directory") != NULL, "%s", error.message);
  ck_assert_int_eq(vq_file_identity_read("/tmp", &identity, &error), -1);
  ck_assert_str_eq(error.message, "/tmp is a directory, not a file");
}
END_TEST

START_TEST(file_cache_is_bounded_and_checks_identity) {
  vq_file_cache *cache = vq_file_cache_new(2);
  ck_assert_ptr_nonnull(cache);
  vq_file_identity one = {100, 5, 7, 1}, changed = {100, 6, 7, 1};
  vq_file_digests a = {"a", "a", "a"}, b = {"b", "b", "b"}, c = {"c", "c", "c"};
  ck_assert_int_eq(vq_file_cache_put_digests(cache, "/x/a", &one, &a), 0);
  ck_assert_int_eq(vq_file_cache_put_digests(cache, "/x/b", &one, &b), 0);
  ck_assert_str_eq(vq_file_cache_get_digests(cache, "/x/a", &one)->md5,
                   "a");                                                  /* a is now the newest */
  ck_assert_ptr_null(vq_file_cache_get_digests(cache, "/x/a", &changed)); /* another version */
  ck_assert_int_eq(vq_file_cache_put_digests(cache, "/x/c", &one, &c),
                   0); /* evicts b, the oldest */
  ck_assert_uint_eq(vq_file_cache_count(cache), 2);
  ck_assert_ptr_null(vq_file_cache_get_digests(cache, "/x/b", &one));
  ck_assert_str_eq(vq_file_cache_get_digests(cache, "/x/c", &one)->md5, "c");
  /* A newer version replaces the old entry rather than adding one. */
  ck_assert_int_eq(vq_file_cache_put_digests(cache, "/x/c", &changed, &b), 0);
  ck_assert_uint_eq(vq_file_cache_count(cache), 2);
  ck_assert_ptr_null(vq_file_cache_get_digests(cache, "/x/c", &one));
  ck_assert_str_eq(vq_file_cache_get_digests(cache, "/x/c", &changed)->md5, "b");
  /* Signatures are deep copies, kept apart from digests of the same path. */
  vq_signature signature = {
      VQ_TRUST_UNSIGNED, strdup("no signature"), NULL, NULL, NULL, NULL, NULL, NULL, -1, NULL};
  ck_assert_int_eq(vq_file_cache_put_signature(cache, "/x/c", &changed, &signature), 0);
  vq_signature_clear(&signature);
  const vq_signature *cached = vq_file_cache_get_signature(cache, "/x/c", &changed);
  ck_assert_ptr_nonnull(cached);
  ck_assert_str_eq(cached->detail, "no signature");
  ck_assert_str_eq(vq_trust_name(cached->trust), "unsigned");
  vq_file_cache_free(cache);
}
END_TEST

/* ---- Wine: sqlrun.exe's own row ----------------------------------------------------------- */

/* Z:\work\...\sqlrun.exe for build/.../sqlrun.exe: how Wine names a Unix path. */
static char *wine_path_of(const char *unix_path) {
  char resolved[4096];
  ck_assert_ptr_nonnull(realpath(unix_path, resolved));
  char *path = malloc(strlen(resolved) + 3);
  sprintf(path, "Z:%s", resolved);
  for (char *p = path; *p; p++)
    if (*p == '/') *p = '\\';
  return path;
}

static const char *sqlrun_unix_path(void) {
  const char *path = getenv("VQLITE_SQLRUN");
  return path && *path ? path : "build/win32/sqlrun.exe";
}

/* sqlrun.exe's pid, found by its path: other Wine programs, even other
 * sqlrun.exe from other build trees, may share the prefix. */
static int wine_own_pid(void) {
  char *path = wine_path_of(sqlrun_unix_path());
  char *answer = harness_sql("SELECT pid FROM processes WHERE path = '%s'", path);
  char *end = NULL;
  long pid = strtol(answer, &end, 10);
  ck_assert_msg(end != answer && *end == 0, "no single sqlrun.exe at %s: %s", path, answer);
  free(answer);
  free(path);
  return (int)pid;
}

START_TEST(wine_own_process_row) {
  int pid = wine_own_pid();
  char *path = wine_path_of(sqlrun_unix_path());
  char *q_path = quoted(path);
  char *expected = sqlite3_mprintf("'sqlrun.exe'|%s", q_path);
  ck_assert_sql(expected, "SELECT name, path FROM processes WHERE pid = %d", pid);
  sqlite3_free(expected);
  /* The command line names the driver and the DLL it was given. */
  const char *dll = getenv("VQLITE_DLL") ? getenv("VQLITE_DLL") : "build/win32/vqlite.dll";
  char *expected_cmdline = sqlite3_mprintf("'\"%s\" %s'", path, dll);
  ck_assert_sql(expected_cmdline, "SELECT cmdline FROM processes WHERE pid = %d", pid);
  sqlite3_free(expected_cmdline);
  /* DOMAIN\user: Wine names the Unix user's account in the computer's domain. */
  ck_assert_sql("1|1",
                "SELECT username LIKE '%%\\%%', lower(substr(username, instr(username, '\\') + 1)) "
                "= lower('%s') FROM processes WHERE pid = %d",
                getpwuid(getuid())->pw_name, pid);
  ck_assert_sql("1|1|1",
                "SELECT threads >= 1, working_set > 0, create_time LIKE '____-__-__T__:__:__Z' "
                "FROM processes WHERE pid = %d",
                pid);
  free(path);
  sqlite3_free(q_path);
}
END_TEST

START_TEST(wine_own_process_digests) {
  int pid = wine_own_pid();
  char *md5 = digest_of("md5sum", sqlrun_unix_path()),
       *sha1 = digest_of("sha1sum", sqlrun_unix_path()),
       *sha256 = digest_of("sha256sum", sqlrun_unix_path());
  char *expected = sqlite3_mprintf("%Q|%Q|%Q", md5, sha1, sha256);
  long hashed = counter("files_hashed");
  ck_assert_sql(expected, "SELECT md5, sha1, sha256 FROM processes WHERE pid = %d", pid);
  long after_first = counter("files_hashed");
  ck_assert_int_eq(after_first, hashed + 1); /* a fresh connection: hashed once */
  ck_assert_sql(expected, "SELECT md5, sha1, sha256 FROM processes WHERE pid = %d", pid);
  ck_assert_int_eq(counter("files_hashed"), after_first); /* from the cache */
  sqlite3_free(expected);
  free(md5), free(sha1), free(sha256);
}
END_TEST

START_TEST(wine_pid_and_name_open_nothing) {
  int pid = wine_own_pid();
  long opens = counter("process_opens"), hashed = counter("files_hashed");
  ck_assert_sql("1", "SELECT count(*) > 2 FROM (SELECT pid, ppid, name, threads FROM processes)");
  ck_assert_int_eq(counter("process_opens"), opens);
  ck_assert_int_eq(counter("files_hashed"), hashed);
  /* pid = N pushed down: only that process is opened, twice: Wine lacks
   * ProcessCommandLineInformation, so the command line comes from the PEB
   * through a second open with PROCESS_VM_READ. */
  ck_assert_sql("1", "SELECT count(*) FROM processes WHERE pid = %d AND cmdline IS NOT NULL", pid);
  ck_assert_int_eq(counter("process_opens"), opens + 2);
  /* A path alone needs one open with the least right. */
  ck_assert_sql("1", "SELECT count(*) FROM processes WHERE pid = %d AND path IS NOT NULL", pid);
  ck_assert_int_eq(counter("process_opens"), opens + 3);
  ck_assert_sql("1", "SELECT count(*) FROM processes WHERE pid IN (%d, 2147483646)", pid);
  ck_assert_int_eq(counter("process_opens"), opens + 3);
}
END_TEST

START_TEST(wine_every_row_readable) {
  /* Every process of the prefix gives a row; none fails the scan. */
  ck_assert_sql("1|1",
                "SELECT count(*) > 2, count(name) = count(*) FROM (SELECT * FROM processes)");
}
END_TEST

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "--sleep-child") == 0) {
    sleep(60);
    return 0;
  }
  ssize_t length = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
  if (length <= 0) return 2;
  self_path[length] = 0;
  if (argc < 2 || strcmp(argv[1], test_arguments[0]) != 0) {
    char *args[TEST_ARGUMENT_COUNT + 2] = {argv[0]};
    for (int i = 0; i < TEST_ARGUMENT_COUNT; i++) args[i + 1] = (char *)test_arguments[i];
    args[TEST_ARGUMENT_COUNT + 1] = NULL;
    execv(self_path, args);
    return 2;
  }
  for (int i = 0; i < argc; i++) {
    if (i) strncat(own_cmdline, " ", sizeof own_cmdline - strlen(own_cmdline) - 1);
    strncat(own_cmdline, argv[i], sizeof own_cmdline - strlen(own_cmdline) - 1);
  }

  Suite *suite = suite_create(harness_is_wine() ? "processes (wine)" : "processes");
  TCase *sql = harness_tcase("sql");
  if (harness_is_wine()) {
    tcase_add_test(sql, wine_own_process_row);
    tcase_add_test(sql, wine_own_process_digests);
    tcase_add_test(sql, wine_pid_and_name_open_nothing);
    tcase_add_test(sql, wine_every_row_readable);
  } else {
    tcase_add_test(sql, own_process_row);
    tcase_add_test(sql, own_process_numbers);
    tcase_add_test(sql, child_with_known_command_line);
    tcase_add_test(sql, digests_match_coreutils);
    tcase_add_test(sql, digest_cache_serves_unchanged_file);
    tcase_add_test(sql, digests_follow_the_running_image);
    tcase_add_test(sql, digests_of_unreadable_image_are_null);
    tcase_add_test(sql, pid_and_name_open_nothing);
    tcase_add_test(sql, pid_filters_edge_values);
    tcase_add_test(sql, churn_thousand_queries);
  }
  suite_add_tcase(suite, sql);
  if (!harness_is_wine()) {
    TCase *pure = tcase_create("pure");
    tcase_add_test(pure, parse_stat_line);
    tcase_add_test(pure, join_command_lines);
    tcase_add_test(pure, parse_status_uid);
    tcase_add_test(pure, clamp_corrupt_utf16_lengths);
    tcase_add_test(pure, digests_of_a_file_match_coreutils);
    tcase_add_test(pure, file_cache_is_bounded_and_checks_identity);
    suite_add_tcase(suite, pure);
  }
  return harness_run(suite);
}

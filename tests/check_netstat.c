/*
** check_netstat.c: the netstat table.
**
** On both builds (vqlite.so in process, vqlite.dll under Wine, which reads the
** host's sockets): the test opens TCP listeners on 127.0.0.1 and ::1, a
** connected loopback pair and UDP sockets on both families, and asserts their
** rows: family, type, status, addresses, ports, NULL remote for UDP, and the
** pid (its own natively; under Wine, which reports pid 0, only that it is an
** integer).
**
** Under Wine also: the same rows through the OWNER_PID fallback of
** win32/sockets.c, with sqlrun.exe's IP Helper shim refusing the OWNER_MODULE
** tables as a Windows without them does (Wine itself answers them): one
** refused call per table, `created` and `module` NULL.
**
** Natively also: the owning pid of a socket held by a child, the lowest pid of
** a shared socket, proof from the proc_fd_dirs counter that a query without
** `pid` reads no /proc/<pid>/fd and that `pid = N` reads exactly one, the
** /proc/net fallback agreeing with netlink, and the two parsers on canned
** input from tests/fixtures/netstat (every TCP state, IPv4-mapped IPv6,
** truncated and malformed records, every prefix of every fixture).
*/
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../linux/sockets.h"
#include "harness.h"
#include "platform.h"

#define FIXTURES "tests/fixtures/netstat/"

/* ---- the sockets each test opens -------------------------------------------- */

static struct {
  int tcp4_listener, tcp6_listener, client, server, udp4, udp6;
  int tcp4_port, tcp6_port, client_port, udp4_port, udp6_port;
} net;

static int bound_port(int fd) {
  struct sockaddr_storage address;
  socklen_t length = sizeof address;
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&address, &length), 0);
  return address.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&address)->sin_port)
                                      : ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
}

static int open_bound(int family, int type, const char *address) {
  int fd = socket(family, type, 0);
  ck_assert_int_ge(fd, 0);
  if (family == AF_INET) {
    struct sockaddr_in in = {.sin_family = AF_INET};
    inet_pton(AF_INET, address, &in.sin_addr);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&in, sizeof in), 0);
  } else {
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, address, &in6.sin6_addr);
    ck_assert_msg(bind(fd, (struct sockaddr *)&in6, sizeof in6) == 0, "bind [%s]: %s", address,
                  strerror(errno));
  }
  if (type == SOCK_STREAM) ck_assert_int_eq(listen(fd, 8), 0);
  return fd;
}

static void sockets_open(void) {
  harness_open();
  net.tcp4_listener = open_bound(AF_INET, SOCK_STREAM, "127.0.0.1");
  net.tcp6_listener = open_bound(AF_INET6, SOCK_STREAM, "::1");
  net.udp4 = open_bound(AF_INET, SOCK_DGRAM, "127.0.0.1");
  net.udp6 = open_bound(AF_INET6, SOCK_DGRAM, "::1");
  net.tcp4_port = bound_port(net.tcp4_listener);
  net.tcp6_port = bound_port(net.tcp6_listener);
  net.udp4_port = bound_port(net.udp4);
  net.udp6_port = bound_port(net.udp6);
  net.client = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)net.tcp4_port)};
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  ck_assert_int_eq(connect(net.client, (struct sockaddr *)&to, sizeof to), 0);
  net.server = accept(net.tcp4_listener, NULL, NULL);
  ck_assert_int_ge(net.server, 0);
  net.client_port = bound_port(net.client);
}

static void sockets_close(void) {
  close(net.client), close(net.server), close(net.tcp4_listener), close(net.tcp6_listener);
  close(net.udp4), close(net.udp6);
  harness_close();
}

/* A test case whose tests each get the sockets above, opened by `setup`
 * (sockets_open, or a variant that prepares more) and closed after. */
static TCase *sockets_tcase(const char *name, void (*setup)(void)) {
  TCase *tcase = tcase_create(name);
  tcase_add_checked_fixture(tcase, setup, sockets_close);
  tcase_set_timeout(tcase, 60);
  return tcase;
}

/* The pid column as asserted: the test's own pid natively, under Wine (pid 0
 * for every socket) only that it is an integer. */
static const char *pid_expression(void) { return harness_is_wine() ? "typeof(pid)" : "pid"; }
static void expected_pid(char *out, size_t size) {
  if (harness_is_wine())
    snprintf(out, size, "'integer'");
  else
    snprintf(out, size, "%d", (int)getpid());
}

static long sql_number(const char *format, ...) __attribute__((format(printf, 1, 2)));
static long sql_number(const char *format, ...) {
  char sql[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(sql, sizeof sql, format, args);
  va_end(args);
  char *text = harness_sql("%s", sql);
  long number = strtol(text, NULL, 10);
  ck_assert_msg(text[0] == '-' || (text[0] >= '0' && text[0] <= '9'), "not a number: %s", text);
  free(text);
  return number;
}

/* ---- rows of the test's own sockets (both builds) ---------------------------- */

START_TEST(tcp4_listener_row) {
  char pid[32], expected[256];
  expected_pid(pid, sizeof pid);
  snprintf(expected, sizeof expected, "%s|'IPv4'|'TCP'|'LISTEN'|'127.0.0.1'|%d|'0.0.0.0'|0", pid,
           net.tcp4_port);
  ck_assert_sql(
      expected,
      "SELECT %s, family, type, status, local_address, local_port, remote_address, remote_port "
      "FROM netstat WHERE type = 'TCP' AND local_port = %d AND status = 'LISTEN'",
      pid_expression(), net.tcp4_port);
}
END_TEST

START_TEST(tcp6_listener_row) {
  char pid[32], expected[256];
  expected_pid(pid, sizeof pid);
  snprintf(expected, sizeof expected, "%s|'IPv6'|'TCP'|'LISTEN'|'::1'|%d|'::'|0", pid,
           net.tcp6_port);
  ck_assert_sql(
      expected,
      "SELECT %s, family, type, status, local_address, local_port, remote_address, remote_port "
      "FROM netstat WHERE type = 'TCP' AND local_port = %d AND family = 'IPv6' AND remote_port = 0",
      pid_expression(), net.tcp6_port);
}
END_TEST

START_TEST(connected_pair_rows) {
  char pid[32], expected[512];
  expected_pid(pid, sizeof pid);
  /* Both ends: the client (ephemeral port -> listener) and the accepted one. */
  snprintf(expected, sizeof expected,
           "%s|'IPv4'|'TCP'|'ESTAB'|'127.0.0.1'|%d|'127.0.0.1'|%d\n"
           "%s|'IPv4'|'TCP'|'ESTAB'|'127.0.0.1'|%d|'127.0.0.1'|%d",
           pid, net.client_port, net.tcp4_port, pid, net.tcp4_port, net.client_port);
  ck_assert_sql(
      expected,
      "SELECT %s, family, type, status, local_address, local_port, remote_address, remote_port "
      "FROM netstat WHERE type = 'TCP' AND status = 'ESTAB' AND "
      "((local_port = %d AND remote_port = %d) OR (local_port = %d AND remote_port = %d)) "
      "ORDER BY local_port = %d",
      pid_expression(), net.client_port, net.tcp4_port, net.tcp4_port, net.client_port,
      net.tcp4_port);
}
END_TEST

START_TEST(udp_rows) {
  char pid[32], expected[512];
  expected_pid(pid, sizeof pid);
  snprintf(expected, sizeof expected,
           "%s|'IPv4'|'UDP'|''|'127.0.0.1'|%d|NULL|NULL\n%s|'IPv6'|'UDP'|''|'::1'|%d|NULL|NULL",
           pid, net.udp4_port, pid, net.udp6_port);
  ck_assert_sql(
      expected,
      "SELECT %s, family, type, status, local_address, local_port, remote_address, remote_port "
      "FROM netstat WHERE type = 'UDP' AND ((family = 'IPv4' AND local_port = %d) OR "
      "(family = 'IPv6' AND local_port = %d)) ORDER BY family",
      pid_expression(), net.udp4_port, net.udp6_port);
}
END_TEST

START_TEST(statuses_are_velociraptor_spellings) {
  ck_assert_sql("0",
                "SELECT count(*) FROM netstat WHERE status NOT IN ('CLOSED','LISTEN','SYN_SENT',"
                "'SYN_RCVD','ESTAB','FIN_WAIT1','FIN_WAIT2','CLOSE_WAIT','CLOSING','LAST_ACK',"
                "'TIME_WAIT','DELETE_TCB') AND NOT (type = 'UDP' AND status = '')");
  ck_assert_sql("0",
                "SELECT count(*) FROM netstat WHERE family NOT IN ('IPv4','IPv6') OR type NOT IN "
                "('TCP','UDP') "
                "OR (type = 'UDP' AND (remote_address IS NOT NULL OR remote_port IS NOT NULL))");
}
END_TEST

START_TEST(created_is_rfc3339_or_null) {
  ck_assert_sql("0",
                "SELECT count(*) FROM netstat WHERE created IS NOT NULL AND "
                "created NOT GLOB "
                "'[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z'");
}
END_TEST

START_TEST(pid_filter_that_matches_nothing) {
  ck_assert_sql("0|0|0",
                "SELECT (SELECT count(*) FROM netstat WHERE pid = -5), "
                "(SELECT count(*) FROM netstat WHERE pid IN (-1, -2, NULL)), "
                "(SELECT count(*) FROM netstat WHERE pid = 'abc')");
}
END_TEST

START_TEST(module_columns_can_be_selected) {
  /* Windows looks modules up only when asked; a socket it cannot tell keeps NULL. */
  ck_assert_sql(
      "1",
      "SELECT count(*) >= 6 AND count(*) = count(CASE WHEN module IS NULL OR typeof(module) = "
      "'text' "
      "THEN 1 END) FROM netstat WHERE module_path IS NULL OR typeof(module_path) = 'text'");
}
END_TEST

START_TEST(schema_columns) {
  ck_assert_sql(
      "'pid,family,type,status,local_address,local_port,remote_address,remote_port,created,inode,"
      "uid,"
      "module,module_path'",
      "SELECT group_concat(name) FROM pragma_table_info('netstat')");
}
END_TEST

START_TEST(direct_only) {
  ck_assert_sql("error: unsafe use of virtual table \"netstat\"",
                "CREATE VIEW main.v AS SELECT * FROM netstat; SELECT count(*) FROM v");
}
END_TEST

/* ---- the OWNER_PID fallback (Wine) --------------------------------------------
 * Wine answers the OWNER_MODULE socket tables, so on its own it never takes
 * win32/sockets.c's fallback to the OWNER_PID ones. sqlrun.exe's IP Helper
 * shim (tests/iphlpapi_shim.h) refuses those classes with ERROR_NOT_SUPPORTED,
 * as a Windows without them does; the row tests above then run again. */

static long shim_count(const char *which) {
  char *answer = harness_driver_request("N");
  long refused = -1, forwarded = -1;
  ck_assert_msg(sscanf(answer, "refused %ld forwarded %ld", &refused, &forwarded) == 2,
                "shim counts: %s", answer);
  free(answer);
  return strcmp(which, "refused") == 0 ? refused : forwarded;
}

static void sockets_open_without_owner_module(void) {
  sockets_open();
  char *answer = harness_driver_request("P");
  ck_assert_msg(answer[0] == 0, "the IP Helper shim: %s", answer);
  free(answer);
}

START_TEST(fallback_is_taken_for_each_table) {
  long refused = shim_count("refused"), forwarded = shim_count("forwarded");
  ck_assert_int_eq(refused, 0);
  ck_assert_int_eq(forwarded, 0);
  ck_assert_int_gt(sql_number("SELECT count(*) FROM netstat"), 0);
  /* One OWNER_MODULE call refused per table (TCP and UDP, IPv4 and IPv6),
   * then the OWNER_PID class asked for each (a sizing call and a fetch). */
  ck_assert_int_eq(shim_count("refused"), 4);
  ck_assert_int_ge(shim_count("forwarded"), 8);
}
END_TEST

START_TEST(fallback_leaves_created_and_module_null) {
  ck_assert_sql("1|0",
                "SELECT count(*) >= 6, count(created) + count(module) + count(module_path) "
                "FROM netstat");
}
END_TEST

static TCase *owner_pid_fallback_cases(void) {
  TCase *tcase = sockets_tcase("owner_pid_fallback", sockets_open_without_owner_module);
  TTest const *const tests[] = {fallback_is_taken_for_each_table,
                                fallback_leaves_created_and_module_null,
                                tcp4_listener_row,
                                tcp6_listener_row,
                                connected_pair_rows,
                                udp_rows,
                                statuses_are_velociraptor_spellings,
                                pid_filter_that_matches_nothing};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) tcase_add_test(tcase, tests[i]);
  return tcase;
}

static TCase *sql_cases(void) {
  TCase *tcase = sockets_tcase("rows", sockets_open);
  TTest const *const tests[] = {tcp4_listener_row,
                                tcp6_listener_row,
                                connected_pair_rows,
                                udp_rows,
                                statuses_are_velociraptor_spellings,
                                created_is_rfc3339_or_null,
                                pid_filter_that_matches_nothing,
                                module_columns_can_be_selected,
                                schema_columns,
                                direct_only};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) tcase_add_test(tcase, tests[i]);
  return tcase;
}

/* ---- owning pids and what the walk reads (native) ------------------------------ */

/* A child that opens its own TCP listener, reports its port on a pipe and
 * waits to be killed. */
static pid_t spawn_listener_child(int *port) {
  int pipe_fds[2];
  ck_assert_int_eq(pipe(pipe_fds), 0);
  pid_t child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    /* Let go of the test's sockets, so the child holds only its own. */
    close(net.client), close(net.server), close(net.tcp4_listener), close(net.tcp6_listener);
    close(net.udp4), close(net.udp6);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in in = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
    if (fd < 0 || bind(fd, (struct sockaddr *)&in, sizeof in) != 0 || listen(fd, 1) != 0) _exit(1);
    struct sockaddr_in bound;
    socklen_t length = sizeof bound;
    getsockname(fd, (struct sockaddr *)&bound, &length);
    int value = ntohs(bound.sin_port);
    if (write(pipe_fds[1], &value, sizeof value) != sizeof value) _exit(1);
    for (;;) pause();
  }
  close(pipe_fds[1]);
  ck_assert_int_eq(read(pipe_fds[0], port, sizeof *port), (ssize_t)sizeof *port);
  close(pipe_fds[0]);
  return child;
}

static void reap(pid_t child) {
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
}

START_TEST(own_pid_on_every_row) {
  ck_assert_int_eq(
      sql_number("SELECT count(*) FROM netstat WHERE pid = %d AND local_port IN (%d, %d, %d) "
                 "AND type = 'TCP'",
                 (int)getpid(), net.tcp4_port, net.tcp6_port, net.client_port),
      4); /* two listeners, the accepted end on the v4 listener's port, the client */
  ck_assert_int_eq(sql_number("SELECT count(*) FROM netstat WHERE pid = %d", (int)getpid()), 6);
}
END_TEST

START_TEST(linux_extra_columns) {
  /* inode and uid from the kernel; no creation time and no module on Linux. */
  char expected[64];
  snprintf(expected, sizeof expected, "1|%d|NULL|NULL|NULL", (int)getuid());
  ck_assert_sql(expected,
                "SELECT inode > 0, uid, created, module, module_path FROM netstat "
                "WHERE type = 'TCP' AND status = 'LISTEN' AND local_port = %d",
                net.tcp4_port);
}
END_TEST

START_TEST(child_socket_has_child_pid) {
  int port;
  pid_t child = spawn_listener_child(&port);
  char expected[64];
  snprintf(expected, sizeof expected, "%d|'LISTEN'", (int)child);
  /* Filtered on the listener's local end and its empty remote: another
   * connection may use the same number as an ephemeral port. */
  ck_assert_sql(expected,
                "SELECT pid, status FROM netstat WHERE type = 'TCP' AND local_port = %d "
                "AND local_address = '127.0.0.1' AND remote_port = 0",
                port);
  reap(child);
}
END_TEST

START_TEST(shared_socket_lowest_pid) {
  /* The child inherits every socket of the test: the lower pid owns them. */
  pid_t child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    for (;;) pause();
  }
  int lowest = (int)(child < getpid() ? child : getpid());
  char expected[64];
  snprintf(expected, sizeof expected, "%d", lowest);
  ck_assert_sql(
      expected,
      "SELECT pid FROM netstat WHERE type = 'TCP' AND status = 'LISTEN' AND local_port = %d",
      net.tcp4_port);
  /* Pushed down to the child alone, the socket is found among its fds. */
  snprintf(expected, sizeof expected, "%d", (int)child);
  ck_assert_sql(expected,
                "SELECT pid FROM netstat WHERE pid = %d AND status = 'LISTEN' AND local_port = %d",
                (int)child, net.tcp4_port);
  reap(child);
}
END_TEST

START_TEST(socket_of_no_process_has_null_pid) {
  /* Close the client end first: it lingers in TIME_WAIT, held by no file. */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)net.tcp4_port)};
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&to, sizeof to), 0);
  int local = bound_port(fd);
  int accepted = accept(net.tcp4_listener, NULL, NULL);
  ck_assert_int_ge(accepted, 0);
  close(fd);
  usleep(10000);
  close(accepted);
  usleep(10000);
  ck_assert_sql("'TIME_WAIT'|NULL|0",
                "SELECT status, pid, inode FROM netstat WHERE type = 'TCP' AND local_port = %d "
                "AND remote_port = %d",
                local, net.tcp4_port);
}
END_TEST

static long counter(void) {
  char *text = harness_sql("SELECT vqlite_counter('proc_fd_dirs')");
  long value = strtol(text, NULL, 10);
  free(text);
  return value;
}

START_TEST(no_pid_no_walk) {
  long before = counter();
  ck_assert_int_ge(sql_number("SELECT count(*) FROM netstat WHERE local_port > %d", 0), 6);
  free(harness_sql(
      "SELECT family, type, status, local_address, local_port, remote_address, remote_port, "
      "created, inode, uid FROM netstat"));
  ck_assert_int_eq(counter(), before);
  ck_assert_int_ge(sql_number("SELECT count(pid) FROM netstat WHERE local_port > %d", 0), 6);
  ck_assert_int_ge(counter(), before + 2); /* this process and at least one other */
}
END_TEST

START_TEST(pid_pushdown_reads_only_that_process) {
  int port;
  pid_t child = spawn_listener_child(&port);
  long before = counter();
  ck_assert_int_eq(sql_number("SELECT count(*) FROM netstat WHERE pid = %d", (int)getpid()), 6);
  ck_assert_int_eq(counter(), before + 1);
  ck_assert_int_eq(sql_number("SELECT count(*) FROM netstat WHERE pid IN (%d, -3)", (int)child), 1);
  ck_assert_int_eq(counter(), before + 2);
  ck_assert_int_eq(
      sql_number("SELECT count(*) FROM netstat WHERE pid IN (%d, %d)", (int)getpid(), (int)child),
      7);
  ck_assert_int_eq(counter(), before + 4);
  /* A join gives the filter once per outer row; each scan reads one process. */
  ck_assert_int_eq(
      sql_number(
          "WITH p(x) AS (VALUES (%d), (-1)) SELECT count(*) FROM p, netstat n WHERE n.pid = p.x",
          (int)child),
      1);
  reap(child);
}
END_TEST

/* ---- the /proc/net fallback agrees with netlink (native) ---------------------- */

static const vq_socket *find_port(const vq_socket_set *set, int port, int state) {
  for (size_t i = 0; i < set->count; i++)
    if (set->rows[i].local_port == port && set->rows[i].state == state) return &set->rows[i];
  return NULL;
}

START_TEST(proc_fallback_matches_netlink) {
  static const struct {
    int family, protocol;
    const char *path;
  } sources[] = {{AF_INET, IPPROTO_TCP, "/proc/net/tcp"},
                 {AF_INET6, IPPROTO_TCP, "/proc/net/tcp6"},
                 {AF_INET, IPPROTO_UDP, "/proc/net/udp"},
                 {AF_INET6, IPPROTO_UDP, "/proc/net/udp6"}};
  const int ports[] = {net.tcp4_port, net.tcp6_port, net.udp4_port, net.udp6_port};
  const int states[] = {VQ_TCP_LISTEN, VQ_TCP_LISTEN, VQ_TCP_NONE, VQ_TCP_NONE};
  for (int i = 0; i < 4; i++) {
    vq_socket_set from_netlink = {0}, from_proc = {0};
    vq_error error = {{0}};
    ck_assert_msg(linux_sockets_dump_netlink(sources[i].family, sources[i].protocol, &from_netlink,
                                             &error) == 0,
                  "%s", error.message);
    ck_assert_msg(linux_sockets_dump_proc(sources[i].path, sources[i].family, sources[i].protocol,
                                          &from_proc, &error) == 0,
                  "%s", error.message);
    const vq_socket *a = find_port(&from_netlink, ports[i], states[i]);
    const vq_socket *b = find_port(&from_proc, ports[i], states[i]);
    ck_assert_msg(a && b, "port %d missing from %s", ports[i], a ? sources[i].path : "netlink");
    ck_assert_int_eq(a->inode, b->inode);
    ck_assert_int_ne(a->inode, 0);
    ck_assert_int_eq(a->uid, (int64_t)getuid());
    ck_assert_int_eq(b->uid, (int64_t)getuid());
    ck_assert_int_eq(a->family, b->family);
    ck_assert_int_eq(a->protocol, b->protocol);
    ck_assert_mem_eq(a->local_address, b->local_address, 16);
    ck_assert_mem_eq(a->remote_address, b->remote_address, 16);
    vq_sockets_free(&from_netlink);
    vq_sockets_free(&from_proc);
  }
}
END_TEST

START_TEST(snapshot_has_every_family) {
  vq_socket_set set = {0};
  vq_error error = {{0}};
  vq_socket_options options = {0};
  ck_assert_msg(vq_sockets_snapshot(&options, &set, &error) == 0, "%s", error.message);
  ck_assert_ptr_nonnull(find_port(&set, net.tcp6_port, VQ_TCP_LISTEN));
  ck_assert_ptr_nonnull(find_port(&set, net.client_port, VQ_TCP_ESTAB));
  ck_assert_ptr_nonnull(find_port(&set, net.udp6_port, VQ_TCP_NONE));
  vq_sockets_free(&set);
}
END_TEST

static TCase *native_cases(void) {
  TCase *tcase = sockets_tcase("pids", sockets_open);
  TTest const *const tests[] = {own_pid_on_every_row,
                                linux_extra_columns,
                                child_socket_has_child_pid,
                                shared_socket_lowest_pid,
                                socket_of_no_process_has_null_pid,
                                no_pid_no_walk,
                                pid_pushdown_reads_only_that_process,
                                proc_fallback_matches_netlink,
                                snapshot_has_every_family};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) tcase_add_test(tcase, tests[i]);
  return tcase;
}

/* ---- the parsers on canned input (native) -------------------------------------- */

static unsigned char *fixture(const char *name, size_t *length) {
  char path[256];
  snprintf(path, sizeof path, FIXTURES "%s", name);
  FILE *file = fopen(path, "rb");
  ck_assert_msg(file != NULL, "cannot open %s", path);
  unsigned char *data = malloc(1 << 16);
  *length = fread(data, 1, 1 << 16, file);
  fclose(file);
  return data;
}

static const char *text_of(const vq_socket *row, int remote, char out[46]) {
  return vq_socket_address_text(row->family, remote ? row->remote_address : row->local_address,
                                out);
}

START_TEST(diag_every_tcp_state) {
  static const int expected[13] = {
      VQ_TCP_ESTAB,     VQ_TCP_SYN_SENT, VQ_TCP_SYN_RCVD,   VQ_TCP_FIN_WAIT1, VQ_TCP_FIN_WAIT2,
      VQ_TCP_TIME_WAIT, VQ_TCP_CLOSED,   VQ_TCP_CLOSE_WAIT, VQ_TCP_LAST_ACK,  VQ_TCP_LISTEN,
      VQ_TCP_CLOSING,   VQ_TCP_SYN_RCVD, VQ_TCP_CLOSED};
  size_t length;
  unsigned char *data = fixture("diag-tcp4-every-state.bin", &length);
  vq_socket_set set = {0};
  vq_error error = {{0}};
  ck_assert_int_eq(linux_sockets_parse_diag(data, length, IPPROTO_TCP, &set, &error), 0);
  ck_assert_uint_eq(set.count, 13);
  char address[46], name[46];
  for (int i = 0; i < 13; i++) {
    const vq_socket *row = &set.rows[i];
    ck_assert_int_eq(row->state, expected[i]);
    ck_assert_int_eq(row->family, 4);
    ck_assert_int_eq(row->protocol, VQ_SOCKET_TCP);
    ck_assert_int_eq(row->local_port, 1001 + i);
    ck_assert_int_eq(row->remote_port, 2001 + i);
    ck_assert_int_eq(row->uid, 1001 + i);
    ck_assert_int_eq(row->inode, 5001 + i);
    ck_assert_str_eq(text_of(row, 0, address), "127.0.0.1");
    snprintf(name, sizeof name, "10.0.0.%d", i + 1);
    ck_assert_str_eq(text_of(row, 1, address), name);
  }
  const char *names =
      "ESTAB SYN_SENT SYN_RCVD FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSED CLOSE_WAIT LAST_ACK LISTEN "
      "CLOSING SYN_RCVD CLOSED";
  char joined[256] = "";
  for (int i = 0; i < 13; i++) {
    strcat(joined, i ? " " : "");
    strcat(joined, vq_tcp_state_name(set.rows[i].state));
  }
  ck_assert_str_eq(joined, names);
  ck_assert_int_eq(linux_sockets_tcp_state(14), VQ_TCP_NONE);
  ck_assert_ptr_null(vq_tcp_state_name(VQ_TCP_NONE));
  ck_assert_str_eq(vq_tcp_state_name(VQ_TCP_DELETE_TCB), "DELETE_TCB");
  vq_sockets_free(&set);
  free(data);
}
END_TEST

START_TEST(diag_ipv4_mapped_ipv6) {
  size_t length;
  unsigned char *data = fixture("diag-tcp6-mapped.bin", &length);
  vq_socket_set set = {0};
  vq_error error = {{0}};
  ck_assert_int_eq(linux_sockets_parse_diag(data, length, IPPROTO_TCP, &set, &error), 0);
  ck_assert_uint_eq(set.count, 3);
  char address[46];
  ck_assert_int_eq(set.rows[0].family, 6);
  ck_assert_str_eq(text_of(&set.rows[0], 0, address), "::ffff:127.0.0.1");
  ck_assert_str_eq(text_of(&set.rows[0], 1, address), "::ffff:192.168.1.20");
  ck_assert_int_eq(set.rows[0].local_port, 8080);
  ck_assert_int_eq(set.rows[0].remote_port, 51000);
  ck_assert_int_eq(set.rows[1].state, VQ_TCP_LISTEN);
  ck_assert_str_eq(text_of(&set.rows[1], 0, address), "::");
  ck_assert_str_eq(text_of(&set.rows[2], 0, address), "2001:db8::1");
  ck_assert_str_eq(text_of(&set.rows[2], 1, address), "2001:db8::1:0:0:2");
  ck_assert_int_eq(set.rows[2].uid, 33);
  vq_sockets_free(&set);
  free(data);
}
END_TEST

START_TEST(diag_udp_has_no_remote) {
  size_t length;
  unsigned char *data = fixture("diag-udp6.bin", &length);
  vq_socket_set set = {0};
  vq_error error = {{0}};
  ck_assert_int_eq(linux_sockets_parse_diag(data, length, IPPROTO_UDP, &set, &error), 0);
  ck_assert_uint_eq(set.count, 2);
  char address[46];
  ck_assert_str_eq(text_of(&set.rows[0], 0, address), "fe80::1");
  ck_assert_int_eq(set.rows[0].local_port, 5353);
  ck_assert_int_eq(set.rows[0].protocol, VQ_SOCKET_UDP);
  ck_assert_int_eq(set.rows[0].state, VQ_TCP_NONE);
  /* Even a connected UDP socket keeps no remote (the table shows NULL). */
  static const unsigned char zero[16];
  ck_assert_mem_eq(set.rows[1].remote_address, zero, 16);
  ck_assert_int_eq(set.rows[1].remote_port, 0);
  vq_sockets_free(&set);
  free(data);
}
END_TEST

START_TEST(diag_truncated_fails_clearly) {
  size_t length;
  unsigned char *data = fixture("diag-truncated.bin", &length);
  vq_socket_set set = {0};
  vq_error error = {{0}};
  ck_assert_int_eq(linux_sockets_parse_diag(data, length, IPPROTO_TCP, &set, &error), -1);
  ck_assert_str_eq(error.message, "sock_diag TCP: message at offset 88 claims 88 bytes, 44 remain");
  vq_sockets_free(&set);
  free(data);
  data = fixture("diag-bad-length.bin", &length);
  ck_assert_int_eq(linux_sockets_parse_diag(data, length, IPPROTO_TCP, &set, &error), -1);
  ck_assert_str_eq(error.message, "sock_diag TCP: message at offset 0 claims 8 bytes, 104 remain");
  vq_sockets_free(&set);
  free(data);
}
END_TEST

START_TEST(diag_bad_records_are_skipped) {
  size_t length;
  unsigned char *data = fixture("diag-short-record.bin", &length);
  vq_socket_set set = {0};
  vq_error error = {{0}};
  ck_assert_int_eq(linux_sockets_parse_diag(data, length, IPPROTO_TCP, &set, &error), 1);
  ck_assert_uint_eq(set.count, 1);
  ck_assert_int_eq(set.rows[0].local_port, 445);
  ck_assert_int_eq(set.rows[0].inode, 9001);
  vq_sockets_free(&set);
  free(data);
  data = fixture("diag-unknown-family.bin", &length);
  ck_assert_int_eq(linux_sockets_parse_diag(data, length, IPPROTO_TCP, &set, &error), 1);
  ck_assert_uint_eq(set.count, 2);
  ck_assert_int_eq(set.rows[0].inode, 9001);
  ck_assert_int_eq(set.rows[1].inode, 9001);
  vq_sockets_free(&set);
  free(data);
}
END_TEST

START_TEST(proc_every_tcp_state) {
  size_t length;
  char *text = (char *)fixture("proc-tcp-every-state.txt", &length);
  vq_socket_set set = {0};
  vq_error error = {{0}};
  ck_assert_int_eq(linux_sockets_parse_proc(text, length, 4, IPPROTO_TCP, &set, &error), 0);
  ck_assert_uint_eq(set.count, 11);
  char address[46], name[46];
  for (int i = 0; i < 11; i++) {
    const vq_socket *row = &set.rows[i];
    ck_assert_int_eq(row->state, linux_sockets_tcp_state((unsigned)i + 1));
    ck_assert_int_ne(row->state, VQ_TCP_NONE);
    ck_assert_int_eq(row->local_port, 3001 + i);
    ck_assert_int_eq(row->remote_port, 4001 + i);
    ck_assert_int_eq(row->uid, 101 + i);
    ck_assert_int_eq(row->inode, 6001 + i);
    ck_assert_str_eq(text_of(row, 0, address), "127.0.0.1");
    snprintf(name, sizeof name, "192.168.0.%d", i + 1);
    ck_assert_str_eq(text_of(row, 1, address), name);
  }
  vq_sockets_free(&set);
  free(text);
}
END_TEST

START_TEST(proc_ipv4_mapped_ipv6) {
  size_t length;
  char *text = (char *)fixture("proc-tcp6-mapped.txt", &length);
  vq_socket_set set = {0};
  vq_error error = {{0}};
  ck_assert_int_eq(linux_sockets_parse_proc(text, length, 6, IPPROTO_TCP, &set, &error), 0);
  ck_assert_uint_eq(set.count, 3);
  char address[46];
  ck_assert_str_eq(text_of(&set.rows[0], 0, address), "::ffff:127.0.0.1");
  ck_assert_str_eq(text_of(&set.rows[0], 1, address), "::ffff:10.1.2.3");
  ck_assert_int_eq(set.rows[0].local_port, 8080);
  ck_assert_int_eq(set.rows[0].remote_port, 50123);
  ck_assert_int_eq(set.rows[0].state, VQ_TCP_ESTAB);
  ck_assert_str_eq(text_of(&set.rows[1], 0, address), "::");
  ck_assert_int_eq(set.rows[1].state, VQ_TCP_LISTEN);
  ck_assert_str_eq(text_of(&set.rows[2], 0, address), "::1");
  ck_assert_int_eq(set.rows[2].local_port, 631);
  vq_sockets_free(&set);
  free(text);
}
END_TEST

START_TEST(proc_udp_rows) {
  size_t length;
  char *text = (char *)fixture("proc-udp.txt", &length);
  vq_socket_set set = {0};
  vq_error error = {{0}};
  ck_assert_int_eq(linux_sockets_parse_proc(text, length, 4, IPPROTO_UDP, &set, &error), 0);
  ck_assert_uint_eq(set.count, 2);
  char address[46];
  ck_assert_str_eq(text_of(&set.rows[1], 0, address), "127.0.0.53");
  ck_assert_int_eq(set.rows[1].local_port, 53);
  ck_assert_int_eq(set.rows[1].protocol, VQ_SOCKET_UDP);
  ck_assert_int_eq(set.rows[1].state, VQ_TCP_NONE);
  ck_assert_int_eq(set.rows[1].uid, 101);
  vq_sockets_free(&set);
  free(text);
}
END_TEST

START_TEST(proc_malformed_lines_are_skipped) {
  size_t length;
  char *text = (char *)fixture("proc-malformed.txt", &length);
  vq_socket_set set = {0};
  vq_error error = {{0}};
  /* Bad hex, too few fields, no colon, a negative inode, a line cut short. */
  ck_assert_int_eq(linux_sockets_parse_proc(text, length, 4, IPPROTO_TCP, &set, &error), 5);
  ck_assert_uint_eq(set.count, 1);
  char address[46];
  ck_assert_str_eq(text_of(&set.rows[0], 0, address), "10.0.0.1");
  ck_assert_str_eq(text_of(&set.rows[0], 1, address), "10.0.0.2");
  ck_assert_int_eq(set.rows[0].remote_port, 5555);
  ck_assert_int_eq(set.rows[0].inode, 8201);
  /* An IPv4 line read as IPv6 is malformed, not misread. */
  vq_sockets_free(&set);
  free(text);
  text = (char *)fixture("proc-tcp-every-state.txt", &length);
  ck_assert_int_eq(linux_sockets_parse_proc(text, length, 6, IPPROTO_TCP, &set, &error), 11);
  ck_assert_uint_eq(set.count, 0);
  ck_assert_int_eq(linux_sockets_parse_proc(text, length, 5, IPPROTO_TCP, &set, &error), -1);
  ck_assert_str_eq(error.message, "/proc/net TCP: family must be 4 or 6 (got 5)");
  vq_sockets_free(&set);
  free(text);
}
END_TEST

static int same_rows(const vq_socket_set *part, const vq_socket_set *whole) {
  if (part->count > whole->count) return 0;
  for (size_t i = 0; i < part->count; i++) {
    const vq_socket *a = &part->rows[i], *b = &whole->rows[i];
    if (memcmp(a->local_address, b->local_address, 16) != 0 ||
        memcmp(a->remote_address, b->remote_address, 16) != 0 || a->local_port != b->local_port ||
        a->remote_port != b->remote_port || a->family != b->family || a->protocol != b->protocol ||
        a->state != b->state || a->flags != b->flags || a->inode != b->inode || a->uid != b->uid) {
      return 0;
    }
  }
  return 1;
}

/* Every prefix of every fixture: an error or rows that are a prefix of the
 * whole input's rows; never a crash, never a wrong row. */
START_TEST(every_prefix_is_safe) {
  static const struct {
    const char *name;
    int proc, family, protocol;
  } inputs[] = {{"diag-tcp4-every-state.bin", 0, 4, IPPROTO_TCP},
                {"diag-tcp6-mapped.bin", 0, 6, IPPROTO_TCP},
                {"diag-udp6.bin", 0, 6, IPPROTO_UDP},
                {"proc-tcp-every-state.txt", 1, 4, IPPROTO_TCP},
                {"proc-tcp6-mapped.txt", 1, 6, IPPROTO_TCP},
                {"proc-udp.txt", 1, 4, IPPROTO_UDP}};
  for (size_t f = 0; f < sizeof inputs / sizeof inputs[0]; f++) {
    size_t length;
    unsigned char *data = fixture(inputs[f].name, &length);
    vq_socket_set whole = {0};
    vq_error error = {{0}};
    int parsed = inputs[f].proc
                     ? linux_sockets_parse_proc((char *)data, length, inputs[f].family,
                                                inputs[f].protocol, &whole, &error)
                     : linux_sockets_parse_diag(data, length, inputs[f].protocol, &whole, &error);
    ck_assert_int_eq(parsed, 0);
    for (size_t cut = 0; cut < length; cut++) {
      unsigned char *copy = malloc(cut ? cut : 1); /* exact size, so ASan sees any overread */
      memcpy(copy, data, cut);
      vq_socket_set part = {0};
      int status = inputs[f].proc
                       ? linux_sockets_parse_proc((char *)copy, cut, inputs[f].family,
                                                  inputs[f].protocol, &part, &error)
                       : linux_sockets_parse_diag(copy, cut, inputs[f].protocol, &part, &error);
      ck_assert_msg(status == -1 || same_rows(&part, &whole), "%s cut at %zu gave a wrong row",
                    inputs[f].name, cut);
      ck_assert_msg(part.count < whole.count, "%s cut at %zu gave every row", inputs[f].name, cut);
      vq_sockets_free(&part);
      free(copy);
    }
    vq_sockets_free(&whole);
    free(data);
  }
}
END_TEST

START_TEST(address_text_rfc5952) {
  static const struct {
    int family;
    const char *in, *out;
  } cases[] = {
      {4, "0.0.0.0", "0.0.0.0"},
      {4, "192.168.100.255", "192.168.100.255"},
      {6, "::", "::"},
      {6, "::1", "::1"},
      {6, "1::", "1::"},
      {6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
      {6, "2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
      {6, "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
      {6, "FE80::ABCD", "fe80::abcd"},
      {6, "::ffff:10.0.0.1", "::ffff:10.0.0.1"},
      {6, "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    unsigned char bytes[16] = {0};
    ck_assert_int_eq(inet_pton(cases[i].family == 4 ? AF_INET : AF_INET6, cases[i].in, bytes), 1);
    char out[46];
    ck_assert_str_eq(vq_socket_address_text(cases[i].family, bytes, out), cases[i].out);
  }
}
END_TEST

static TCase *parser_cases(void) {
  TCase *tcase = tcase_create("parsers");
  TTest const *const tests[] = {diag_every_tcp_state,
                                diag_ipv4_mapped_ipv6,
                                diag_udp_has_no_remote,
                                diag_truncated_fails_clearly,
                                diag_bad_records_are_skipped,
                                proc_every_tcp_state,
                                proc_ipv4_mapped_ipv6,
                                proc_udp_rows,
                                proc_malformed_lines_are_skipped,
                                every_prefix_is_safe,
                                address_text_rfc5952};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) tcase_add_test(tcase, tests[i]);
  return tcase;
}

int main(void) {
  Suite *suite = suite_create(harness_is_wine() ? "netstat (wine)" : "netstat");
  suite_add_tcase(suite, sql_cases());
  if (harness_is_wine()) suite_add_tcase(suite, owner_pid_fallback_cases());
  if (!harness_is_wine()) {
    suite_add_tcase(suite, native_cases());
    suite_add_tcase(suite, parser_cases());
  }
  return harness_run(suite);
}

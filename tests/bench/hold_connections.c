/*
** hold_connections.c: holds N established loopback TCP connections (2N
** endpoints) plus their listener, for the netstat benchmark
** (tests/bench/bench-netstat.sh compiles and runs it).
**
**   hold_connections 10000     prints "ready <listener port>" once every
**                              connection is up, then waits to be killed
**
** The connecting ends live in a child process and the accepted ends in the
** parent, so each holds N descriptors (a container's hard RLIMIT_NOFILE may be
** as low as 20,000). Each raises RLIMIT_NOFILE itself to fit N + a few (the
** hard limit too when it is lower, which needs root). Every socket lingers 0,
** so when the processes are killed their connections are reset rather than
** left in TIME_WAIT, and the host is as it was. Killing the parent's process
** group (the script starts it with setsid) ends both.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static void hold_fail(const char *what) {
  fprintf(stderr, "hold_connections: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void hold_raise_fd_limit(long wanted) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) hold_fail("getrlimit");
  if ((long)limit.rlim_cur >= wanted) return;
  limit.rlim_cur = (rlim_t)wanted;
  if ((long)limit.rlim_max < wanted) limit.rlim_max = (rlim_t)wanted;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) hold_fail("setrlimit(RLIMIT_NOFILE) (run as root)");
}

static void hold_linger_zero(int fd) {
  struct linger linger = {.l_onoff = 1, .l_linger = 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
}

static void hold_connect(const struct sockaddr_in *address, long count) {
  for (long i = 0; i < count; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) hold_fail("socket");
    hold_linger_zero(fd);
    if (connect(fd, (const struct sockaddr *)address, sizeof *address) != 0) hold_fail("connect");
  }
}

int main(int argc, char **argv) {
  long count = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
  if (count < 1 || count > 25000) {
    fprintf(stderr, "hold_connections: count must be 1..25000 (got %s)\n", argv[1]);
    return 2;
  }
  hold_raise_fd_limit(count + 64);
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t length = sizeof address;
  if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 ||
      listen(listener, 4096) != 0 ||
      getsockname(listener, (struct sockaddr *)&address, &length) != 0)
    hold_fail("listener");
  pid_t child = fork();
  if (child < 0) hold_fail("fork");
  if (child == 0) {
    close(listener);
    hold_connect(&address, count);
    for (;;) pause();
  }
  for (long i = 0; i < count; i++) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) hold_fail("accept");
    hold_linger_zero(fd);
  }
  printf("ready %d\n", ntohs(address.sin_port));
  fflush(stdout);
  for (;;) pause();
}

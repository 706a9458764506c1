/*
** views_holder.c: one process of the NetstatEnriched benchmark's fake host
** (tests/bench/bench-views.sh copies it into 20 distinct executables and
** starts 1,000 of them).
**
**   views_holder 10     opens 10 sockets on 127.0.0.1 (TCP listeners and
**                       UDP sockets, alternately), prints "ready", then
**                       waits to be killed
**
** Listeners linger 0, so killing the process group leaves nothing behind.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void holder_fail(const char *what) {
  fprintf(stderr, "views_holder: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void holder_open(int type) {
  int fd = socket(AF_INET, type, 0);
  if (fd < 0) holder_fail("socket");
  struct sockaddr_in address = {.sin_family = AF_INET};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) holder_fail("bind");
  if (type == SOCK_STREAM) {
    struct linger linger = {1, 0};
    if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger) != 0)
      holder_fail("SO_LINGER");
    if (listen(fd, 1) != 0) holder_fail("listen");
  }
}

int main(int argc, char **argv) {
  int count = argc > 1 ? atoi(argv[1]) : 10;
  for (int i = 0; i < count; i++) holder_open(i % 2 ? SOCK_DGRAM : SOCK_STREAM);
  printf("ready\n");
  fflush(stdout);
  for (;;) pause();
}

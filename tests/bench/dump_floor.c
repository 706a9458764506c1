/*
** dump_floor.c: the floor for the netstat benchmark: the raw kernel dump
** alone. One NETLINK_SOCK_DIAG dump each for TCP and UDP over IPv4 and IPv6
** (every state), as vqlite's Linux backend asks for them, read into a 64 KiB
** buffer and counted, nothing parsed or formatted. Prints the socket count.
*/
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static long floor_dump(int family, int protocol) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return -1;
  struct {
    struct nlmsghdr header;
    struct inet_diag_req_v2 request;
  } message;
  memset(&message, 0, sizeof message);
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  message.request.sdiag_family = (unsigned char)family;
  message.request.sdiag_protocol = (unsigned char)protocol;
  message.request.idiag_states = ~0u;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  long count = 0;
  static unsigned char buffer[64 * 1024];
  if (sendto(fd, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
    count = -1;
  for (int done = 0; count >= 0 && !done;) {
    ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    int left = (int)got;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, left);
         h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
        done = 1;
      else
        count++;
    }
  }
  close(fd);
  return count;
}

int main(void) {
  long total = 0;
  const int families[] = {AF_INET, AF_INET6}, protocols[] = {IPPROTO_TCP, IPPROTO_UDP};
  for (int p = 0; p < 2; p++)
    for (int f = 0; f < 2; f++) {
      long count = floor_dump(families[f], protocols[p]);
      if (count > 0) total += count;
    }
  printf("%ld\n", total);
  return 0;
}

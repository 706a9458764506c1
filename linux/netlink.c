/*
** netlink.c: see netlink.h.
*/
#include "netlink.h"

#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { NETLINK_RECEIVE_SIZE = 64 * 1024 };

static int netlink_append(linux_netlink_dump *out, size_t *capacity, const void *bytes,
                          size_t length) {
  if (out->length + length > *capacity) {
    size_t grown = *capacity ? *capacity : NETLINK_RECEIVE_SIZE;
    while (grown < out->length + length) grown *= 2;
    unsigned char *data = realloc(out->data, grown);
    if (data == NULL) return -1;
    out->data = data;
    *capacity = grown;
  }
  memcpy(out->data + out->length, bytes, length);
  out->length += length;
  return 0;
}

/* Walks one datagram: appends its messages; returns 1 at NLMSG_DONE, 0 for
 * more to come, -1 on an error answer (errno set). */
static int netlink_take(linux_netlink_dump *out, size_t *capacity, unsigned char *datagram,
                        size_t length, unsigned sequence) {
  struct nlmsghdr *message = (struct nlmsghdr *)datagram;
  int remaining = (int)length;
  for (; NLMSG_OK(message, remaining); message = NLMSG_NEXT(message, remaining)) {
    if (message->nlmsg_seq != sequence) continue;
    if (message->nlmsg_type == NLMSG_DONE) return 1;
    if (message->nlmsg_type == NLMSG_ERROR) {
      const struct nlmsgerr *answer = NLMSG_DATA(message);
      if (message->nlmsg_len < NLMSG_LENGTH(sizeof *answer))
        errno = EPROTO;
      else
        errno = answer->error ? -answer->error : EPROTO;
      return -1;
    }
    if (netlink_append(out, capacity, message, NLMSG_ALIGN(message->nlmsg_len)) != 0) {
      errno = ENOMEM;
      return -1;
    }
  }
  return 0;
}

int linux_netlink_dump_run(int protocol, const void *request, size_t request_length,
                           const char *what, linux_netlink_dump *out, vq_error *error) {
  memset(out, 0, sizeof *out);
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (fd < 0) {
    int saved = errno;
    vq_fail(error, "netlink %s: socket failed: %s (%d)", what, strerror(saved), saved);
    errno = saved;
    return -1;
  }
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  const struct nlmsghdr *header = request;
  unsigned sequence = header->nlmsg_seq;
  size_t capacity = 0;
  unsigned char *datagram = malloc(NETLINK_RECEIVE_SIZE);
  int status = datagram ? 0 : -1, saved = ENOMEM;
  if (status == 0 &&
      sendto(fd, request, request_length, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
    status = -1, saved = errno;
  while (status == 0) {
    ssize_t got = recv(fd, datagram, NETLINK_RECEIVE_SIZE, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      status = -1, saved = got < 0 ? errno : EPROTO;
      break;
    }
    int taken = netlink_take(out, &capacity, datagram, (size_t)got, sequence);
    if (taken < 0) status = -1, saved = errno;
    if (taken == 1) break;
  }
  free(datagram);
  close(fd);
  if (status != 0) {
    linux_netlink_dump_free(out);
    vq_fail(error, "netlink %s: dump failed: %s (%d)", what, strerror(saved), saved);
    errno = saved;
  }
  return status;
}

void linux_netlink_dump_free(linux_netlink_dump *dump) {
  free(dump->data);
  dump->data = NULL;
  dump->length = 0;
}

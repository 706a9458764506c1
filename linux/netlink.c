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

/* Walks one datagram, handing each run of this request's messages to
 * `take`; returns 1 at NLMSG_DONE, 0 for more to come, -1 on an error answer
 * (errno set) and -2 when `take` failed (its error set). */
static int netlink_take(unsigned char *datagram, size_t length, unsigned sequence,
                        linux_netlink_take_fn take, void *context, vq_error *error) {
  struct nlmsghdr *message = (struct nlmsghdr *)datagram;
  unsigned char *run = NULL;
  int remaining = (int)length, status = 0;
  for (; status == 0 && NLMSG_OK(message, remaining); message = NLMSG_NEXT(message, remaining)) {
    int ours = message->nlmsg_seq == sequence;
    if (ours && message->nlmsg_type == NLMSG_DONE) status = 1;
    if (ours && message->nlmsg_type == NLMSG_ERROR) {
      const struct nlmsgerr *answer = NLMSG_DATA(message);
      errno = message->nlmsg_len < NLMSG_LENGTH(sizeof *answer) || answer->error == 0
                  ? EPROTO
                  : -answer->error;
      status = -1;
    }
    int in_run = ours && status == 0;
    if (in_run && run == NULL) run = (unsigned char *)message;
    if (!in_run && run != NULL) {
      if (take(run, (size_t)((unsigned char *)message - run), context, error) != 0) return -2;
      run = NULL;
    }
  }
  if (run != NULL && take(run, (size_t)((unsigned char *)message - run), context, error) != 0)
    return -2;
  return status;
}

int linux_netlink_dump_each(int protocol, const void *request, size_t request_length,
                            const char *what, linux_netlink_take_fn take, void *context,
                            vq_error *error) {
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
    int taken = netlink_take(datagram, (size_t)got, sequence, take, context, error);
    if (taken == -1) status = -1, saved = errno;
    if (taken == -2) status = -2;
    if (taken == 1) break;
  }
  free(datagram);
  close(fd);
  if (status == -1) {
    vq_fail(error, "netlink %s: dump failed: %s (%d)", what, strerror(saved), saved);
    errno = saved;
  }
  return status == 0 ? 0 : -1;
}

typedef struct netlink_collector {
  linux_netlink_dump *out;
  size_t capacity;
} netlink_collector;

static int netlink_collect(const unsigned char *messages, size_t length, void *context,
                           vq_error *error) {
  netlink_collector *collector = context;
  if (netlink_append(collector->out, &collector->capacity, messages, length) != 0) {
    errno = ENOMEM;
    return vq_fail(error, "netlink: out of memory keeping the answer");
  }
  return 0;
}

int linux_netlink_dump_run(int protocol, const void *request, size_t request_length,
                           const char *what, linux_netlink_dump *out, vq_error *error) {
  memset(out, 0, sizeof *out);
  netlink_collector collector = {out, 0};
  int status = linux_netlink_dump_each(protocol, request, request_length, what, netlink_collect,
                                       &collector, error);
  if (status != 0) {
    int saved = errno;
    linux_netlink_dump_free(out);
    errno = saved;
  }
  return status;
}

void linux_netlink_dump_free(linux_netlink_dump *dump) {
  free(dump->data);
  dump->data = NULL;
  dump->length = 0;
}

/*
** netlink.h: one netlink dump request and its whole answer, for the Linux
** backends (sock_diag for sockets, rtnetlink for neighbours, links and
** addresses). Plain C: no SQLite.
**
** linux_netlink_dump() sends `request` (a complete nlmsghdr with NLM_F_DUMP
** and its payload) on a fresh socket of `protocol`, reads every reply
** datagram until NLMSG_DONE, and returns the messages concatenated in one
** buffer, which a parser walks with NLMSG_OK/NLMSG_NEXT. An NLMSG_ERROR
** answer fails the call with the kernel's errno; a socket that cannot be
** opened (EPERM, EPROTONOSUPPORT in a sandbox) fails it with errno set, so a
** caller can fall back to /proc.
*/
#ifndef VQLITE_LINUX_NETLINK_H
#define VQLITE_LINUX_NETLINK_H

#include <stddef.h>

#include "../tables/platform.h"

typedef struct linux_netlink_dump {
  unsigned char *data; /* the messages, back to back, without NLMSG_DONE */
  size_t length;
} linux_netlink_dump;

/* `what` names the request in errors ("sock_diag TCP IPv6"). Returns 0, or
 * -1 with errno set and an error message. */
int linux_netlink_dump_run(int protocol, const void *request, size_t request_length,
                           const char *what, linux_netlink_dump *out, vq_error *error);

void linux_netlink_dump_free(linux_netlink_dump *dump);

/* Takes the messages of one datagram (whole messages, back to back, without
 * NLMSG_DONE); returns 0, or -1 with *error set to stop the dump. */
typedef int (*linux_netlink_take_fn)(const unsigned char *messages, size_t length, void *context,
                                     vq_error *error);

/* The same request, its answer handed to `take` datagram by datagram as it
 * arrives instead of kept whole: memory stays one 64 KiB datagram however
 * large the answer (10,000 neighbours are about 1 MB). Returns 0, or -1 with
 * an error (from the dump, errno set, or from `take`). */
int linux_netlink_dump_each(int protocol, const void *request, size_t request_length,
                            const char *what, linux_netlink_take_fn take, void *context,
                            vq_error *error);

#endif

/*
** sockets.h (Linux): the pieces of the Linux sockets backend that tests and
** fuzzers call directly. vq_sockets_snapshot() (platform_sockets.h) strings
** them together:
**
**   for each of TCP/UDP x IPv4/IPv6:
**     linux_sockets_dump_netlink()      one sock_diag dump, every state
**     else linux_sockets_dump_proc()    /proc/net/<tcp|tcp6|udp|udp6>
**   linux_sockets_find_pids()           only when the query uses pid
**
** The two parsers take bytes and a length (no NUL needed, any alignment) and
** append rows to a set. A malformed record is skipped and counted; input that
** cannot be walked at all (a netlink header that runs past the end) fails
** with a message that says where. Neither ever reads past `length`.
*/
#ifndef VQLITE_LINUX_SOCKETS_H
#define VQLITE_LINUX_SOCKETS_H

#include <stddef.h>
#include <stdint.h>

#include "../tables/platform.h"

/* Parses sock_diag answers (nlmsghdr + inet_diag_msg, back to back) for
 * `protocol` (IPPROTO_TCP or IPPROTO_UDP). Returns the number of records
 * skipped (too short, unknown family), or -1 with `error` set. */
int linux_sockets_parse_diag(const unsigned char *bytes, size_t length, int protocol,
                             vq_socket_set *set, vq_error *error);

/* Parses the text of /proc/net/{tcp,tcp6,udp,udp6} (`family` 4 or 6 says
 * which address width to expect). Addresses are printed by the kernel as
 * 32-bit words in host order, so they are read back in host order. Returns the
 * number of lines skipped as malformed, or -1 with `error` set. */
int linux_sockets_parse_proc(const char *text, size_t length, int family, int protocol,
                             vq_socket_set *set, vq_error *error);

/* Linux TCP state (TCP_ESTABLISHED = 1 ... TCP_BOUND_INACTIVE = 13) to
 * vq_tcp_state; VQ_TCP_NONE for a number Linux does not define. */
int linux_sockets_tcp_state(unsigned linux_state);

/* One sock_diag dump for family (AF_INET/AF_INET6) and protocol, every TCP
 * state asked for. Returns 0, or -1 with errno and `error` set. */
int linux_sockets_dump_netlink(int family, int protocol, vq_socket_set *set, vq_error *error);

/* Reads and parses one /proc/net file. Returns 0, or -1 with errno and
 * `error` set (ENOENT when the kernel has no such family). */
int linux_sockets_dump_proc(const char *path, int family, int protocol, vq_socket_set *set,
                            vq_error *error);

/* Sets each row's pid to the lowest pid whose /proc/<pid>/fd holds its
 * inode, reading only the processes in pids[] when pids is not NULL, or every
 * process otherwise. A process that vanishes or denies access is skipped.
 * Returns 0, or -1 when memory runs out. */
int linux_sockets_find_pids(vq_socket_set *set, const int64_t *pids, size_t pid_count,
                            vq_error *error);

#endif

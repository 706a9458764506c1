/*
** platform_sockets.h: what the `netstat` table asks of a backend: one row per
** TCP or UDP endpoint, IPv4 and IPv6, as plain C.
**
**   vq_socket_options options = {.want_pid = 1};
**   vq_socket_set set = {0};
**   if (vq_sockets_snapshot(&options, &set, &error) == 0) { ...; vq_sockets_free(&set); }
**
** Rows carry raw addresses (network byte order, 4 or 16 bytes) and host-order
** ports, so a query that counts rows never formats an address; the table
** formats them with vq_socket_address_text() when a column is read.
**
** Backends:
**   linux/sockets.c  sock_diag netlink dumps (TCP and UDP, IPv4 and IPv6),
**                    /proc/net/{tcp,tcp6,udp,udp6} where netlink is refused;
**                    the owning pid from a walk of /proc/<pid>/fd, done only
**                    when options->want_pid, and only over options->pids
**                    when that list is given.
**   win32/sockets.c  GetExtendedTcpTable / GetExtendedUdpTable with the
**                    OWNER_MODULE classes (OWNER_PID where those are refused),
**                    the owning module only when options->want_module.
*/
#ifndef VQLITE_PLATFORM_SOCKETS_H
#define VQLITE_PLATFORM_SOCKETS_H

#include <stddef.h>
#include <stdint.h>

#include "platform.h"

/* TCP states, numbered as Windows' MIB_TCP_STATE (1..12) so the Win32 rows
 * need no mapping; Linux maps its own onto these. VQ_TCP_NONE for UDP, and for
 * a Linux state that has no counterpart (the status column is then NULL). */
typedef enum vq_tcp_state {
  VQ_TCP_NONE = 0,
  VQ_TCP_CLOSED = 1,
  VQ_TCP_LISTEN,
  VQ_TCP_SYN_SENT,
  VQ_TCP_SYN_RCVD,
  VQ_TCP_ESTAB,
  VQ_TCP_FIN_WAIT1,
  VQ_TCP_FIN_WAIT2,
  VQ_TCP_CLOSE_WAIT,
  VQ_TCP_CLOSING,
  VQ_TCP_LAST_ACK,
  VQ_TCP_TIME_WAIT,
  VQ_TCP_DELETE_TCB,
  VQ_TCP_STATE_COUNT
} vq_tcp_state;

/* "LISTEN", "ESTAB", ... as Velociraptor spells them; NULL for VQ_TCP_NONE
 * and anything out of range. */
const char *vq_tcp_state_name(int state);

typedef enum vq_socket_protocol { VQ_SOCKET_TCP = 1, VQ_SOCKET_UDP = 2 } vq_socket_protocol;

/* Which optional fields of a row hold a value. */
enum {
  VQ_SOCKET_HAS_PID = 1,
  VQ_SOCKET_HAS_CREATED = 2,
  VQ_SOCKET_HAS_INODE = 4,
  VQ_SOCKET_HAS_UID = 8
};

typedef struct vq_socket {
  unsigned char local_address[16];  /* network order; first 4 bytes for IPv4 */
  unsigned char remote_address[16]; /* zero for UDP (the table shows NULL) */
  int64_t pid;                      /* when VQ_SOCKET_HAS_PID */
  int64_t created;                  /* Unix seconds, when VQ_SOCKET_HAS_CREATED */
  uint64_t inode;                   /* Linux socket inode, when VQ_SOCKET_HAS_INODE */
  int64_t uid;                      /* Linux owner uid, when VQ_SOCKET_HAS_UID */
  char *module;                     /* Windows owning module or service, UTF-8; or NULL */
  char *module_path;                /* its path, UTF-8; or NULL */
  uint16_t local_port, remote_port; /* host order */
  uint8_t family;                   /* 4 or 6 */
  uint8_t protocol;                 /* vq_socket_protocol */
  uint8_t state;                    /* vq_tcp_state; VQ_TCP_NONE for UDP */
  uint8_t flags;                    /* VQ_SOCKET_HAS_* */
} vq_socket;

/* A snapshot: rows in one array, grown by doubling; the strings of a row are
 * owned by the set. Free with vq_sockets_free(). */
typedef struct vq_socket_set {
  vq_socket *rows;
  size_t count, capacity;
} vq_socket_set;

typedef struct vq_socket_options {
  int want_pid;        /* find each socket's owning pid (Linux: walk /proc/<pid>/fd) */
  const int64_t *pids; /* when non-NULL: only these processes are searched (sorted) */
  size_t pid_count;
  int want_module; /* Windows: look up each socket's owning module */
} vq_socket_options;

/* Every TCP and UDP endpoint of the host. Returns 0, or -1 with `error` set
 * ("GetExtendedTcpTable(AF_INET6) failed: ... (87)"): a source that fails
 * fails the snapshot, never silently leaves a partial table. */
int vq_sockets_snapshot(const vq_socket_options *options, vq_socket_set *set, vq_error *error);

/* Frees every row and string of the set and zeroes it; safe on a zeroed set. */
void vq_sockets_free(vq_socket_set *set);

/* Appends a zeroed row and returns it, or NULL when memory runs out. Shared
 * by the backends and their parsers. */
vq_socket *vq_sockets_push(vq_socket_set *set);

/* RFC 5952 text of an address (lowercase hex, the longest run of two or more
 * zero groups as "::", IPv4-mapped as ::ffff:a.b.c.d), the same on every
 * platform; out must hold 46 bytes. Returns out. */
char *vq_socket_address_text(int family, const unsigned char *address, char out[46]);

#endif /* VQLITE_PLATFORM_SOCKETS_H */

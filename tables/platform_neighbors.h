/*
** platform_neighbors.h: the backend interface behind the `arp_cache` table:
** one row per neighbour (IPv4 ARP, IPv6 NDP) entry of the host.
**
**   Windows  win32/neighbors.c  GetIpNetTable2(AF_UNSPEC)
**   Linux    linux/neighbors.c  rtnetlink RTM_GETNEIGH dump, both families
**
** vq_neighbors_snapshot() fills a set that vq_neighbors_free() releases.
** States are NL_NEIGHBOR_STATE's numbers (what MSFT_NetNeighbor.State
** reports); Linux maps its NUD states onto them (see docs/neighbors.md).
** Plain C: no SQLite.
*/
#ifndef VQLITE_PLATFORM_NEIGHBORS_H
#define VQLITE_PLATFORM_NEIGHBORS_H

#include <stddef.h>
#include <stdint.h>

#include "platform.h"

/* NL_NEIGHBOR_STATE, in its order (NlnsUnreachable = 0 ... NlnsPermanent = 6). */
typedef enum vq_neighbor_state {
  VQ_NEIGHBOR_UNREACHABLE = 0,
  VQ_NEIGHBOR_INCOMPLETE = 1,
  VQ_NEIGHBOR_PROBE = 2,
  VQ_NEIGHBOR_DELAY = 3,
  VQ_NEIGHBOR_STALE = 4,
  VQ_NEIGHBOR_REACHABLE = 5,
  VQ_NEIGHBOR_PERMANENT = 6,
  VQ_NEIGHBOR_STATE_COUNT
} vq_neighbor_state;

/* Longest link-layer address either OS reports (Windows: 32 bytes), printed
 * as "XX-" per byte. */
enum { VQ_HARDWARE_ADDRESS_MAX = 32, VQ_HARDWARE_TEXT_SIZE = VQ_HARDWARE_ADDRESS_MAX * 3 + 1 };

/* 120 bytes: a 10,000-entry cache is a fresh 1.2 MB per scan, and every page
 * of it is a fault, so the hardware address is kept as bytes and spelled
 * out (vq_hardware_address_text) only when the column is read. */
typedef struct vq_neighbor {
  int64_t interface_index;
  const char *interface_alias; /* friendly name / ifname, owned by the set; NULL when unknown */
  int family;                  /* 4 or 6 */
  vq_neighbor_state state;
  int persistent;      /* 1 for the Persistent store, 0 for Active */
  int is_router;       /* 0 or 1 */
  char ip_address[48]; /* inet_ntop text (INET6_ADDRSTRLEN is 46) */
  unsigned char link_layer_address[VQ_HARDWARE_ADDRESS_MAX]; /* bytes; none when length 0 */
  unsigned char link_layer_length;
} vq_neighbor;

typedef struct vq_neighbor_set {
  vq_neighbor *rows;
  size_t count;
  size_t capacity;
  /* One copy of each distinct interface alias, which the rows point to: a
   * few interfaces serve thousands of rows, so rows stay small (a 256-byte
   * name in each row cost more in page faults than the dump itself). */
  char **aliases;
  size_t alias_count;
} vq_neighbor_set;

/* The set's copy of `alias` (made on first use of that text), or NULL when
 * out of memory. */
const char *vq_neighbors_alias(vq_neighbor_set *set, const char *alias);

/* Fills *set (which the caller zeroed) with every neighbour entry. Returns 0,
 * or -1 with a message in *error naming the OS call. */
int vq_neighbors_snapshot(vq_neighbor_set *set, vq_error *error);

/* Releases what a snapshot (or a parser) put in *set and zeroes it. */
void vq_neighbors_free(vq_neighbor_set *set);

/*
** Formats `length` bytes of a hardware address into out[VQ_HARDWARE_TEXT_SIZE]
** as "00-15-5D-01-02-03" (separator '-', uppercase) or "00:15:5d:01:02:03"
** (separator ':', lowercase); "" for length 0. Longer addresses are cut at
** VQ_HARDWARE_ADDRESS_MAX bytes. Shared with platform_interfaces.h.
*/
static inline void vq_hardware_address_text(const unsigned char *bytes, size_t length,
                                            char separator, int uppercase, char *out) {
  static const char upper_digits[] = "0123456789ABCDEF", lower_digits[] = "0123456789abcdef";
  const char *digits = uppercase ? upper_digits : lower_digits;
  if (length > VQ_HARDWARE_ADDRESS_MAX) length = VQ_HARDWARE_ADDRESS_MAX;
  char *cursor = out;
  for (size_t i = 0; i < length; i++) {
    if (i) *cursor++ = separator;
    *cursor++ = digits[bytes[i] >> 4];
    *cursor++ = digits[bytes[i] & 15];
  }
  *cursor = 0;
}

#endif /* VQLITE_PLATFORM_NEIGHBORS_H */

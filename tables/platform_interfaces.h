/*
** platform_interfaces.h: the backend interface behind the
** `interface_addresses` table: one row per address (unicast or anycast) of
** each network interface, and one row with no address for an interface that
** has none.
**
**   Windows  win32/interfaces.c  GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_INCLUDE_PREFIX)
**   Linux    linux/interfaces.c  rtnetlink dumps RTM_GETLINK, RTM_GETADDR, RTM_GETANYCAST
**
** vq_interfaces_snapshot() fills a set that vq_interfaces_free() releases.
** Rows come grouped by interface, in the OS's interface order; within one
** interface, IPv4 before IPv6, unicast before anycast. Plain C: no SQLite.
*/
#ifndef VQLITE_PLATFORM_INTERFACES_H
#define VQLITE_PLATFORM_INTERFACES_H

#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "platform_neighbors.h" /* vq_hardware_address_text, VQ_HARDWARE_TEXT_SIZE */

/* Interface flags, in the order the `flags` column spells them (Go's net.Flags). */
enum {
  VQ_INTERFACE_UP = 1 << 0,
  VQ_INTERFACE_BROADCAST = 1 << 1,
  VQ_INTERFACE_LOOPBACK = 1 << 2,
  VQ_INTERFACE_POINTTOPOINT = 1 << 3,
  VQ_INTERFACE_MULTICAST = 1 << 4,
  VQ_INTERFACE_RUNNING = 1 << 5
};

typedef enum vq_address_kind {
  VQ_ADDRESS_NONE = 0, /* the interface has no address: address columns are NULL */
  VQ_ADDRESS_UNICAST,
  VQ_ADDRESS_ANYCAST
} vq_address_kind;

/* 96 bytes: what every row of an interface shares (its name and MAC) is
 * kept once per interface in the set and pointed to, since each page a scan
 * touches costs a page fault (10,000 addresses were 4.5 MB of rows). */
typedef struct vq_interface_address {
  int64_t interface_index;
  int64_t mtu;          /* -1 when the OS reports none */
  const char *name;     /* FriendlyName / ifname, owned by the set; never NULL */
  const char *mac;      /* "02:11:22:33:44:55", owned by the set; "" for none or all zeros */
  unsigned flags;       /* VQ_INTERFACE_* bits */
  vq_address_kind kind; /* VQ_ADDRESS_NONE: family/address/prefix unset */
  int family;           /* 4 or 6 */
  int prefix_length;
  char address[48]; /* inet_ntop text (INET6_ADDRSTRLEN is 46) */
} vq_interface_address;

typedef struct vq_interface_set {
  vq_interface_address *rows;
  size_t count;
  size_t capacity;
  char **texts; /* the names and MACs the rows point to */
  size_t text_count;
} vq_interface_set;

/* A copy of `text` that the set owns (call it once per interface, not per
 * row), or NULL when out of memory. */
const char *vq_interfaces_keep_text(vq_interface_set *set, const char *text);

/* Fills *set (which the caller zeroed). Returns 0, or -1 with *error set. */
int vq_interfaces_snapshot(vq_interface_set *set, vq_error *error);

/* Releases what a snapshot (or a parser) put in *set and zeroes it. */
void vq_interfaces_free(vq_interface_set *set);

/* The MAC column's text: lowercase colon form, "" when there are no bytes or
 * every byte is zero (loopback, tunnels). */
static inline void vq_interface_mac_text(const unsigned char *bytes, size_t length, char *out) {
  size_t nonzero = 0;
  for (size_t i = 0; i < length; i++) nonzero |= bytes[i];
  vq_hardware_address_text(bytes, nonzero ? length : 0, ':', 0, out);
}

#endif /* VQLITE_PLATFORM_INTERFACES_H */

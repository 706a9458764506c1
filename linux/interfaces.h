/*
** interfaces.h (Linux): the pure part of the interface backend, exposed for
** tests and fuzzers: the parser that joins three rtnetlink dumps (links,
** unicast addresses, IPv6 anycast addresses) into interface_addresses rows.
** Plain C: no SQLite, no sockets.
*/
#ifndef VQLITE_LINUX_INTERFACES_H
#define VQLITE_LINUX_INTERFACES_H

#include <stddef.h>

#include "../tables/platform.h"

/* Bytes of one netlink dump, as linux_netlink_dump_run returns them. */
typedef struct linux_interfaces_bytes {
  const unsigned char *data;
  size_t length;
} linux_interfaces_bytes;

/*
** Appends to *set one row per address of each link in `links` (RTM_NEWLINK
** messages), taking addresses from `addresses` (RTM_NEWADDR) and `anycast`
** (RTM_GETANYCAST answers; may be empty), and one row with kind
** VQ_ADDRESS_NONE for a link without any. Rows follow the links' order;
** within a link IPv4, then IPv6, then anycast, each in dump order. Messages of
** other types, too short, or with a bad address are skipped; addresses of an
** unknown link are dropped. A broken framing fails with the dump's name and
** the offset in *error. Returns 0 or -1.
*/
int linux_interfaces_parse(linux_interfaces_bytes links, linux_interfaces_bytes addresses,
                           linux_interfaces_bytes anycast, vq_interface_set *set, vq_error *error);

#endif

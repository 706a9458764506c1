/*
** neighbors.h (Linux): the pure parts of the neighbour backend, exposed for
** tests and fuzzers: the parser of an RTM_GETNEIGH dump and the NUD state
** mapping. Plain C: no SQLite, no sockets.
*/
#ifndef VQLITE_LINUX_NEIGHBORS_H
#define VQLITE_LINUX_NEIGHBORS_H

#include <stddef.h>

#include "../tables/platform.h"

/*
** Appends one row per RTM_NEWNEIGH message of `bytes` (netlink messages back
** to back, as linux_netlink_dump_run returns them) to *set. Messages of other
** types or families (bridge FDB), proxy entries, and messages too short or
** without a valid destination are skipped (they cost their row only). A
** broken framing (a length that runs past the buffer or is shorter than a
** header) fails the parse with the offset in *error. interface_alias is left
** NULL for the caller to fill. Returns 0 or -1.
*/
int linux_neighbors_parse(const unsigned char *bytes, size_t length, vq_neighbor_set *set,
                          vq_error *error);

/* NUD_* state bits (the kernel's ndm_state) onto NL_NEIGHBOR_STATE. */
vq_neighbor_state linux_neighbors_state_from_nud(unsigned nud_state);

/* An IPv4 (AF_INET, 4 bytes) or IPv6 (AF_INET6, 16 bytes) address as text,
 * exactly as glibc's inet_ntop prints it, into out[64]. Shared with
 * interfaces.c. */
void linux_ip_text(int family, const unsigned char *bytes, char out[48]);

#endif

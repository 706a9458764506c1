/*
** neighbors.c (Linux): the `arp_cache` backend. One rtnetlink RTM_GETNEIGH
** dump with family AF_UNSPEC returns the IPv4 (ARP) and IPv6 (NDP) neighbour
** tables together; linux_neighbors_parse() turns the bytes into rows and the
** interface names are filled afterwards (one if_indextoname per distinct
** interface).
**
** Mapping onto MSFT_NetNeighbor's terms (documented in docs/neighbors.md):
**   NUD_INCOMPLETE -> Incomplete   NUD_REACHABLE -> Reachable
**   NUD_STALE      -> Stale        NUD_DELAY     -> Delay
**   NUD_PROBE      -> Probe        NUD_FAILED    -> Unreachable
**   NUD_NOARP, NUD_PERMANENT -> Permanent;  NUD_NONE -> Unreachable
** The kernel keeps no persistent store (nothing survives a reboot), so every
** entry is in the Active store. NTF_ROUTER gives is_router.
*/
#include "neighbors.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink.h"

/* "192.0.2.1" into out; returns the end. */
static char *linux_ipv4_text(const unsigned char *bytes, char *out) {
  for (int i = 0; i < 4; i++) {
    unsigned value = bytes[i];
    if (i) *out++ = '.';
    if (value >= 100) *out++ = (char)('0' + value / 100);
    if (value >= 10) *out++ = (char)('0' + value / 10 % 10);
    *out++ = (char)('0' + value % 10);
  }
  *out = 0;
  return out;
}

/*
** What glibc's inet_ntop prints, without its sprintf per group (which was a
** fifth of a 10,000-entry scan): RFC 5952, lowercase, the first longest run
** of two or more zero groups as "::", and the last 32 bits as dotted IPv4
** for ::a.b.c.d and ::ffff:a.b.c.d.
*/
void linux_ip_text(int family, const unsigned char *bytes, char out[48]) {
  if (family == AF_INET) {
    linux_ipv4_text(bytes, out);
    return;
  }
  unsigned words[8];
  for (int i = 0; i < 8; i++) words[i] = (unsigned)bytes[2 * i] << 8 | bytes[2 * i + 1];
  int best_base = -1, best_length = 0, run_base = -1, run_length = 0;
  for (int i = 0; i <= 8; i++) {
    if (i < 8 && words[i] == 0) {
      if (run_base < 0) run_base = i, run_length = 0;
      run_length++;
    } else if (run_base >= 0) {
      if (run_length > best_length) best_base = run_base, best_length = run_length;
      run_base = -1;
    }
  }
  if (best_length < 2) best_base = -1;
  static const char digits[] = "0123456789abcdef";
  char *cursor = out;
  for (int i = 0; i < 8; i++) {
    if (best_base >= 0 && i >= best_base && i < best_base + best_length) {
      if (i == best_base) *cursor++ = ':';
      continue;
    }
    if (i) *cursor++ = ':';
    if (i == 6 && best_base == 0 &&
        (best_length == 6 || (best_length == 5 && words[5] == 0xffff))) {
      linux_ipv4_text(bytes + 12, cursor);
      return;
    }
    int started = 0;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned nibble = words[i] >> shift & 15;
      if (nibble || started || shift == 0) *cursor++ = digits[nibble], started = 1;
    }
  }
  if (best_base >= 0 && best_base + best_length == 8) *cursor++ = ':';
  *cursor = 0;
}

vq_neighbor_state linux_neighbors_state_from_nud(unsigned nud_state) {
  /* The kernel sets one state bit; test the most definite first. */
  if (nud_state & (NUD_PERMANENT | NUD_NOARP)) return VQ_NEIGHBOR_PERMANENT;
  if (nud_state & NUD_REACHABLE) return VQ_NEIGHBOR_REACHABLE;
  if (nud_state & NUD_STALE) return VQ_NEIGHBOR_STALE;
  if (nud_state & NUD_DELAY) return VQ_NEIGHBOR_DELAY;
  if (nud_state & NUD_PROBE) return VQ_NEIGHBOR_PROBE;
  if (nud_state & NUD_INCOMPLETE) return VQ_NEIGHBOR_INCOMPLETE;
  return VQ_NEIGHBOR_UNREACHABLE; /* NUD_FAILED, NUD_NONE */
}

static vq_neighbor *linux_neighbors_push(vq_neighbor_set *set) {
  if (set->count == set->capacity) {
    size_t grown = set->capacity ? set->capacity * 2 : 64;
    vq_neighbor *rows = realloc(set->rows, grown * sizeof *rows);
    if (rows == NULL) return NULL;
    set->rows = rows;
    set->capacity = grown;
  }
  vq_neighbor *row = &set->rows[set->count];
  memset(row, 0, sizeof *row);
  return row;
}

/* Fills a row from one RTM_NEWNEIGH message; returns 0 when the message
 * describes an IPv4/IPv6 neighbour with a valid destination, -1 otherwise. */
static int linux_neighbors_parse_message(const struct nlmsghdr *message, vq_neighbor *row) {
  if (message->nlmsg_len < NLMSG_LENGTH(sizeof(struct ndmsg))) return -1;
  const struct ndmsg *neighbor = NLMSG_DATA(message);
  if (neighbor->ndm_family != AF_INET && neighbor->ndm_family != AF_INET6) return -1;
  if (neighbor->ndm_flags & NTF_PROXY) return -1;
  size_t address_size = neighbor->ndm_family == AF_INET ? 4 : 16;
  int have_destination = 0;
  int remaining = (int)(message->nlmsg_len - NLMSG_LENGTH(sizeof *neighbor));
  const struct rtattr *attribute =
      (const struct rtattr *)((const char *)neighbor + NLMSG_ALIGN(sizeof *neighbor));
  for (; RTA_OK(attribute, remaining); attribute = RTA_NEXT(attribute, remaining)) {
    size_t payload = RTA_PAYLOAD(attribute);
    if (attribute->rta_type == NDA_DST) {
      if (payload != address_size) return -1;
      linux_ip_text(neighbor->ndm_family, RTA_DATA(attribute), row->ip_address);
      have_destination = 1;
    } else if (attribute->rta_type == NDA_LLADDR) {
      row->link_layer_length =
          (unsigned char)(payload < VQ_HARDWARE_ADDRESS_MAX ? payload : VQ_HARDWARE_ADDRESS_MAX);
      memcpy(row->link_layer_address, RTA_DATA(attribute), row->link_layer_length);
    }
  }
  if (!have_destination) return -1;
  row->interface_index = neighbor->ndm_ifindex;
  row->family = neighbor->ndm_family == AF_INET ? 4 : 6;
  row->state = linux_neighbors_state_from_nud(neighbor->ndm_state);
  row->persistent = 0;
  row->is_router = (neighbor->ndm_flags & NTF_ROUTER) != 0;
  return 0;
}

int linux_neighbors_parse(const unsigned char *bytes, size_t length, vq_neighbor_set *set,
                          vq_error *error) {
  /* A typical RTM_NEWNEIGH is about 76 bytes: reserve once rather than
   * regrow a 10,000-row set several times. */
  if (set->capacity - set->count < length / 64) {
    size_t wanted = set->count + length / 64;
    vq_neighbor *rows = realloc(set->rows, wanted * sizeof *rows);
    if (rows == NULL) return vq_fail(error, "arp_cache: out of memory for %zu neighbours", wanted);
    set->rows = rows;
    set->capacity = wanted;
  }
  size_t offset = 0;
  while (offset < length) {
    struct nlmsghdr header;
    if (length - offset < sizeof header)
      return vq_fail(error,
                     "arp_cache: netlink answer truncated at byte %zu: %zu bytes left, "
                     "a message header needs %zu",
                     offset, length - offset, sizeof header);
    memcpy(&header, bytes + offset, sizeof header);
    if (header.nlmsg_len < sizeof header || header.nlmsg_len > length - offset)
      return vq_fail(error,
                     "arp_cache: malformed netlink message at byte %zu: length %u, "
                     "expected %zu to %zu",
                     offset, header.nlmsg_len, sizeof header, length - offset);
    if (header.nlmsg_type == RTM_NEWNEIGH) {
      /* A dump's buffer is aligned; a fuzzer's need not be: copy then. */
      const unsigned char *start = bytes + offset;
      int aligned = ((uintptr_t)start % NLMSG_ALIGNTO) == 0;
      struct nlmsghdr *copy = aligned ? NULL : malloc(header.nlmsg_len);
      vq_neighbor *row = aligned || copy ? linux_neighbors_push(set) : NULL;
      if (row == NULL) {
        free(copy);
        return vq_fail(error, "arp_cache: out of memory after %zu neighbours", set->count);
      }
      if (copy) memcpy(copy, start, header.nlmsg_len);
      const struct nlmsghdr *message = copy ? copy : (const struct nlmsghdr *)(const void *)start;
      if (linux_neighbors_parse_message(message, row) == 0) set->count++;
      free(copy);
    }
    size_t step = NLMSG_ALIGN(header.nlmsg_len);
    offset = step > length - offset ? length : offset + step;
  }
  return 0;
}

/* Sets interface_alias, asking the kernel once per distinct interface
 * (rows come grouped by interface, so the last answer usually serves). */
static void linux_neighbors_name_interfaces(vq_neighbor_set *set) {
  enum { CACHE_SIZE = 64 };
  struct {
    int64_t index;
    const char *alias;
  } cache[CACHE_SIZE];
  int cached = 0, last = -1;
  for (size_t i = 0; i < set->count; i++) {
    vq_neighbor *row = &set->rows[i];
    int found = last >= 0 && cache[last].index == row->interface_index ? last : -1;
    for (int c = 0; c < cached && found < 0; c++)
      if (cache[c].index == row->interface_index) found = c;
    if (found < 0) {
      found = cached < CACHE_SIZE ? cached++ : CACHE_SIZE - 1;
      char name[IF_NAMESIZE];
      cache[found].index = row->interface_index;
      cache[found].alias = if_indextoname((unsigned)row->interface_index, name)
                               ? vq_neighbors_alias(set, name)
                               : NULL;
    }
    row->interface_alias = cache[found].alias;
    last = found;
  }
}

static int linux_neighbors_take(const unsigned char *messages, size_t length, void *set,
                                vq_error *error) {
  return linux_neighbors_parse(messages, length, set, error);
}

int vq_neighbors_snapshot(vq_neighbor_set *set, vq_error *error) {
  static unsigned sequence;
  struct {
    struct nlmsghdr header;
    struct ndmsg body;
  } request;
  memset(&request, 0, sizeof request);
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof request.body);
  request.header.nlmsg_type = RTM_GETNEIGH;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = __atomic_add_fetch(&sequence, 1, __ATOMIC_RELAXED);
  request.body.ndm_family = AF_UNSPEC;
  /* Parsed datagram by datagram: the answer is never kept whole. */
  if (linux_netlink_dump_each(NETLINK_ROUTE, &request, request.header.nlmsg_len, "RTM_GETNEIGH",
                              linux_neighbors_take, set, error) != 0) {
    if (strncmp(error->message, "arp_cache: ", 11) == 0) return -1;
    char reason[sizeof error->message];
    vq_copy_text(reason, sizeof reason, error->message);
    return vq_fail(error, "arp_cache: %s", reason);
  }
  linux_neighbors_name_interfaces(set);
  return 0;
}

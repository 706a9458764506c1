/*
** interfaces.c (Linux): the `interface_addresses` backend. Three rtnetlink
** dumps (RTM_GETLINK for names, MTU, hardware address and flags;
** RTM_GETADDR for the unicast addresses of both families; RTM_GETANYCAST for
** IPv6 anycast addresses) are joined by interface index in
** linux_interfaces_parse(), which takes bytes so tests can feed it canned
** messages.
**
** Spelled as Go's net package spells them, which Velociraptor's
** InterfaceAddresses prints: flags from IFF_UP, IFF_BROADCAST, IFF_LOOPBACK,
** IFF_POINTOPOINT, IFF_MULTICAST, IFF_RUNNING; the MAC in lowercase colon
** form, none for an all-zero address or for IP tunnels whose "hardware
** address" is an IP address. For an IPv4 point-to-point address the local
** end (IFA_LOCAL) is the address, not the peer (IFA_ADDRESS). Anycast
** addresses are host addresses (prefix 128).
*/
#include "interfaces.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "neighbors.h" /* linux_ip_text */
#include "netlink.h"

#ifndef ARPHRD_IP6GRE
#define ARPHRD_IP6GRE 823 /* <linux/if_arp.h> has it; glibc's <net/if_arp.h> does not */
#endif

/* One parsed link (interface), before its addresses are joined. */
typedef struct linux_link {
  int64_t index;
  char name[IF_NAMESIZE * 2];
  int64_t mtu;
  char mac[VQ_HARDWARE_TEXT_SIZE];
  unsigned flags;
} linux_link;

/* One parsed address, with its position in the dumps to keep their order. */
typedef struct linux_address {
  int64_t index;
  vq_address_kind kind;
  int family;
  int prefix_length;
  size_t position;
  char text[64];
} linux_address;

typedef struct linux_growing {
  void *items;
  size_t count, capacity, item_size;
} linux_growing;

static void *linux_growing_push(linux_growing *list) {
  if (list->count == list->capacity) {
    size_t grown = list->capacity ? list->capacity * 2 : 32;
    void *items = realloc(list->items, grown * list->item_size);
    if (items == NULL) return NULL;
    list->items = items;
    list->capacity = grown;
  }
  void *item = (char *)list->items + list->count * list->item_size;
  memset(item, 0, list->item_size);
  return item;
}

static unsigned linux_interfaces_flags(unsigned kernel_flags) {
  unsigned flags = 0;
  if (kernel_flags & IFF_UP) flags |= VQ_INTERFACE_UP;
  if (kernel_flags & IFF_BROADCAST) flags |= VQ_INTERFACE_BROADCAST;
  if (kernel_flags & IFF_LOOPBACK) flags |= VQ_INTERFACE_LOOPBACK;
  if (kernel_flags & IFF_POINTOPOINT) flags |= VQ_INTERFACE_POINTTOPOINT;
  if (kernel_flags & IFF_MULTICAST) flags |= VQ_INTERFACE_MULTICAST;
  if (kernel_flags & IFF_RUNNING) flags |= VQ_INTERFACE_RUNNING;
  return flags;
}

/* IP tunnels report their endpoint address as IFLA_ADDRESS: not a MAC. */
static int linux_interfaces_is_ip_tunnel(unsigned short type) {
  return type == ARPHRD_TUNNEL || type == ARPHRD_TUNNEL6 || type == ARPHRD_SIT ||
         type == ARPHRD_IPGRE || type == ARPHRD_IP6GRE;
}

/* The message's payload after its fixed header, or NULL when it is shorter
 * than the header. */
static const struct rtattr *linux_interfaces_attributes(const struct nlmsghdr *message,
                                                        size_t header_size, int *remaining) {
  if (message->nlmsg_len < NLMSG_LENGTH(header_size)) return NULL;
  *remaining = (int)(message->nlmsg_len - NLMSG_LENGTH(header_size));
  return (const struct rtattr *)((const char *)NLMSG_DATA(message) + NLMSG_ALIGN(header_size));
}

static int linux_interfaces_parse_link(const struct nlmsghdr *message, linux_link *link) {
  int remaining = 0;
  const struct rtattr *attribute =
      linux_interfaces_attributes(message, sizeof(struct ifinfomsg), &remaining);
  if (attribute == NULL) return -1;
  const struct ifinfomsg *info = NLMSG_DATA(message);
  link->index = info->ifi_index;
  link->flags = linux_interfaces_flags(info->ifi_flags);
  link->mtu = -1;
  for (; RTA_OK(attribute, remaining); attribute = RTA_NEXT(attribute, remaining)) {
    size_t payload = RTA_PAYLOAD(attribute);
    if (attribute->rta_type == IFLA_IFNAME) {
      size_t length = strnlen(RTA_DATA(attribute), payload);
      if (length >= sizeof link->name) length = sizeof link->name - 1;
      memcpy(link->name, RTA_DATA(attribute), length);
      link->name[length] = 0;
    } else if (attribute->rta_type == IFLA_MTU && payload == sizeof(uint32_t)) {
      uint32_t mtu;
      memcpy(&mtu, RTA_DATA(attribute), sizeof mtu);
      link->mtu = mtu;
    } else if (attribute->rta_type == IFLA_ADDRESS &&
               !linux_interfaces_is_ip_tunnel(info->ifi_type)) {
      vq_interface_mac_text(RTA_DATA(attribute), payload, link->mac);
    }
  }
  return link->name[0] ? 0 : -1;
}

static int linux_interfaces_parse_address(const struct nlmsghdr *message, linux_address *address) {
  int remaining = 0;
  const struct rtattr *attribute =
      linux_interfaces_attributes(message, sizeof(struct ifaddrmsg), &remaining);
  if (attribute == NULL) return -1;
  const struct ifaddrmsg *info = NLMSG_DATA(message);
  if (info->ifa_family != AF_INET && info->ifa_family != AF_INET6) return -1;
  size_t address_size = info->ifa_family == AF_INET ? 4 : 16;
  int anycast = message->nlmsg_type == RTM_GETANYCAST;
  const void *local = NULL, *other = NULL;
  for (; RTA_OK(attribute, remaining); attribute = RTA_NEXT(attribute, remaining)) {
    int wanted = anycast ? attribute->rta_type == IFA_ANYCAST
                         : attribute->rta_type == IFA_LOCAL || attribute->rta_type == IFA_ADDRESS;
    if (!wanted) continue;
    if (RTA_PAYLOAD(attribute) != address_size) return -1;
    if (attribute->rta_type == IFA_LOCAL)
      local = RTA_DATA(attribute);
    else
      other = RTA_DATA(attribute);
  }
  const void *chosen = local ? local : other;
  if (chosen == NULL) return -1;
  linux_ip_text(info->ifa_family, chosen, address->text);
  address->index = info->ifa_index;
  address->family = info->ifa_family == AF_INET ? 4 : 6;
  address->kind = anycast ? VQ_ADDRESS_ANYCAST : VQ_ADDRESS_UNICAST;
  address->prefix_length = anycast ? 128 : info->ifa_prefixlen;
  if (address->prefix_length > (int)address_size * 8) return -1;
  return 0;
}

typedef int (*linux_interfaces_message_fn)(const struct nlmsghdr *message, void *context);

/*
** Walks the messages of one dump, calling `take` for each of type `type1` or
** `type2`. A dump's buffer is aligned; a fuzzer's need not be, so a message
** at an unaligned place is parsed from a copy.
*/
static int linux_interfaces_walk(linux_interfaces_bytes dump, const char *what, int type1,
                                 int type2, linux_interfaces_message_fn take, void *context,
                                 vq_error *error) {
  size_t offset = 0;
  while (offset < dump.length) {
    struct nlmsghdr header;
    size_t left = dump.length - offset;
    if (left < sizeof header)
      return vq_fail(error,
                     "interface_addresses: %s answer truncated at byte %zu: %zu bytes "
                     "left, a message header needs %zu",
                     what, offset, left, sizeof header);
    memcpy(&header, dump.data + offset, sizeof header);
    if (header.nlmsg_len < sizeof header || header.nlmsg_len > left)
      return vq_fail(error,
                     "interface_addresses: malformed %s message at byte %zu: length %u, "
                     "expected %zu to %zu",
                     what, offset, header.nlmsg_len, sizeof header, left);
    if (header.nlmsg_type == type1 || header.nlmsg_type == type2) {
      const unsigned char *start = dump.data + offset;
      int aligned = ((uintptr_t)start % NLMSG_ALIGNTO) == 0;
      struct nlmsghdr *copy = aligned ? NULL : malloc(header.nlmsg_len);
      if (!aligned && copy == NULL) return vq_fail(error, "interface_addresses: out of memory");
      if (copy) memcpy(copy, start, header.nlmsg_len);
      int status = take(copy ? copy : (const struct nlmsghdr *)(const void *)start, context);
      free(copy);
      if (status != 0) return vq_fail(error, "interface_addresses: out of memory");
    }
    size_t step = NLMSG_ALIGN(header.nlmsg_len);
    offset = step > left ? dump.length : offset + step;
  }
  return 0;
}

static int linux_interfaces_take_link(const struct nlmsghdr *message, void *context) {
  linux_growing *links = context;
  linux_link *link = linux_growing_push(links);
  if (link == NULL) return -1;
  if (linux_interfaces_parse_link(message, link) == 0) links->count++;
  return 0;
}

static int linux_interfaces_take_address(const struct nlmsghdr *message, void *context) {
  linux_growing *addresses = context;
  linux_address *address = linux_growing_push(addresses);
  if (address == NULL) return -1;
  address->position = addresses->count;
  if (linux_interfaces_parse_address(message, address) == 0) addresses->count++;
  return 0;
}

/* By interface, then IPv4 before IPv6 and unicast before anycast, then dump order. */
static int linux_interfaces_compare(const void *a, const void *b) {
  const linux_address *x = *(const linux_address *const *)a, *y = *(const linux_address *const *)b;
  if (x->index != y->index) return x->index < y->index ? -1 : 1;
  if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
  if (x->family != y->family) return x->family < y->family ? -1 : 1;
  return (x->position > y->position) - (x->position < y->position);
}

static vq_interface_address *linux_interfaces_push_row(vq_interface_set *set,
                                                       const linux_link *link, const char *name,
                                                       const char *mac) {
  if (set->count == set->capacity) {
    size_t grown = set->capacity ? set->capacity * 2 : 32;
    vq_interface_address *rows = realloc(set->rows, grown * sizeof *rows);
    if (rows == NULL) return NULL;
    set->rows = rows;
    set->capacity = grown;
  }
  vq_interface_address *row = &set->rows[set->count++];
  memset(row, 0, sizeof *row);
  row->interface_index = link->index;
  row->name = name;
  row->mtu = link->mtu;
  row->mac = mac;
  row->flags = link->flags;
  return row;
}

/* Emits each link's rows: its addresses (found by binary search in the
 * sorted[count] pointers), or one address-less row. */
static int linux_interfaces_join(const linux_growing *links, const linux_address *const *sorted,
                                 size_t count, vq_interface_set *set, vq_error *error) {
  for (size_t l = 0; l < links->count; l++) {
    const linux_link *link = (const linux_link *)links->items + l;
    const char *name = vq_interfaces_keep_text(set, link->name);
    const char *mac = name ? vq_interfaces_keep_text(set, link->mac) : NULL;
    if (mac == NULL) return vq_fail(error, "interface_addresses: out of memory");
    size_t low = 0, high = count;
    while (low < high) {
      size_t middle = low + (high - low) / 2;
      if (sorted[middle]->index < link->index)
        low = middle + 1;
      else
        high = middle;
    }
    do {
      vq_interface_address *row = linux_interfaces_push_row(set, link, name, mac);
      if (row == NULL) return vq_fail(error, "interface_addresses: out of memory");
      if (low < count && sorted[low]->index == link->index) {
        row->kind = sorted[low]->kind;
        row->family = sorted[low]->family;
        row->prefix_length = sorted[low]->prefix_length;
        vq_copy_text(row->address, sizeof row->address, sorted[low]->text);
        low++;
      }
    } while (low < count && sorted[low]->index == link->index);
  }
  return 0;
}

/* Pointers to the addresses in the order of the rows (sorting pointers, not
 * the 100-byte records, is what keeps a thousand addresses cheap); NULL when
 * out of memory. */
static const linux_address **linux_interfaces_sorted(const linux_growing *addresses) {
  const size_t pointer_size = sizeof(const linux_address *); /* an array of pointers is meant */
  const linux_address **sorted = malloc((addresses->count + 1) * pointer_size);
  if (sorted == NULL) return NULL;
  for (size_t i = 0; i < addresses->count; i++)
    sorted[i] = (const linux_address *)addresses->items + i;
  if (addresses->count > 1) qsort(sorted, addresses->count, pointer_size, linux_interfaces_compare);
  return sorted;
}

int linux_interfaces_parse(linux_interfaces_bytes links, linux_interfaces_bytes addresses,
                           linux_interfaces_bytes anycast, vq_interface_set *set, vq_error *error) {
  linux_growing link_list = {.item_size = sizeof(linux_link)};
  linux_growing address_list = {.item_size = sizeof(linux_address)};
  int status = linux_interfaces_walk(links, "RTM_GETLINK", RTM_NEWLINK, RTM_NEWLINK,
                                     linux_interfaces_take_link, &link_list, error);
  if (status == 0)
    status = linux_interfaces_walk(addresses, "RTM_GETADDR", RTM_NEWADDR, RTM_NEWADDR,
                                   linux_interfaces_take_address, &address_list, error);
  if (status == 0)
    status = linux_interfaces_walk(anycast, "RTM_GETANYCAST", RTM_GETANYCAST, RTM_GETANYCAST,
                                   linux_interfaces_take_address, &address_list, error);
  const linux_address **sorted = NULL;
  if (status == 0 && (sorted = linux_interfaces_sorted(&address_list)) == NULL)
    status = vq_fail(error, "interface_addresses: out of memory");
  if (status == 0)
    status = linux_interfaces_join(&link_list, sorted, address_list.count, set, error);
  free(sorted);
  free(link_list.items);
  free(address_list.items);
  return status;
}

/* One dump of `type` for `family`; the request's body is an ifinfomsg or
 * ifaddrmsg, whose first byte is the family in both. */
static int linux_interfaces_dump(int type, const char *what, linux_netlink_dump *dump,
                                 vq_error *error) {
  static unsigned sequence;
  struct {
    struct nlmsghdr header;
    struct ifinfomsg body; /* the larger of ifinfomsg and ifaddrmsg */
  } request;
  memset(&request, 0, sizeof request);
  size_t body_size = type == RTM_GETLINK ? sizeof(struct ifinfomsg) : sizeof(struct ifaddrmsg);
  request.header.nlmsg_len = NLMSG_LENGTH(body_size);
  request.header.nlmsg_type = (unsigned short)type;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = __atomic_add_fetch(&sequence, 1, __ATOMIC_RELAXED);
  request.body.ifi_family = type == RTM_GETANYCAST ? AF_INET6 : AF_UNSPEC;
  if (linux_netlink_dump_run(NETLINK_ROUTE, &request, request.header.nlmsg_len, what, dump,
                             error) == 0)
    return 0;
  char reason[sizeof error->message];
  vq_copy_text(reason, sizeof reason, error->message);
  return vq_fail(error, "interface_addresses: %s", reason);
}

int vq_interfaces_snapshot(vq_interface_set *set, vq_error *error) {
  linux_netlink_dump links = {0}, addresses = {0}, anycast = {0};
  int status = linux_interfaces_dump(RTM_GETLINK, "RTM_GETLINK", &links, error);
  if (status == 0) status = linux_interfaces_dump(RTM_GETADDR, "RTM_GETADDR", &addresses, error);
  /* Anycast is an extra: a kernel without IPv6 refuses the dump, which
   * costs the anycast rows only. */
  if (status == 0) {
    vq_error ignored;
    if (linux_interfaces_dump(RTM_GETANYCAST, "RTM_GETANYCAST", &anycast, &ignored) != 0)
      memset(&anycast, 0, sizeof anycast);
  }
  if (status == 0)
    status =
        linux_interfaces_parse((linux_interfaces_bytes){links.data, links.length},
                               (linux_interfaces_bytes){addresses.data, addresses.length},
                               (linux_interfaces_bytes){anycast.data, anycast.length}, set, error);
  linux_netlink_dump_free(&links);
  linux_netlink_dump_free(&addresses);
  linux_netlink_dump_free(&anycast);
  return status;
}

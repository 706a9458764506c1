/*
** interfaces.c (Windows): the `interface_addresses` backend, from
** GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_INCLUDE_PREFIX), its buffer grown
** and the call retried while Windows answers ERROR_BUFFER_OVERFLOW (adapters
** can appear between two calls). Per adapter: the index (IfIndex, or
** Ipv6IfIndex for an IPv6-only adapter), FriendlyName, Mtu (-1 for Windows'
** 0xFFFFFFFF "unknown"), PhysicalAddress (none when empty or all zeros),
** and the flags as Go's net package derives them, which Velociraptor prints:
**   OperStatus up                        -> up|running
**   Ethernet, Wi-Fi, token ring, 1394    -> broadcast|multicast
**   PPP, tunnel                          -> pointtopoint|multicast
**   software loopback                    -> loopback|multicast
**   ATM                                  -> broadcast|pointtopoint|multicast
** Then one row per unicast address (with OnLinkPrefixLength) and per anycast
** address (a host address: /32 or /128), IPv4 before IPv6; an adapter with
** neither gets one row without an address.
*/
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>

#include <stdlib.h>
#include <string.h>

#include "../tables/platform.h"
#include "text.h"

enum { WIN32_INTERFACES_ATTEMPTS = 8, WIN32_INTERFACES_FIRST_SIZE = 16 * 1024 };

static int win32_interfaces_fail(vq_error *error, DWORD code) {
  char words[256];
  win32_text_error_words(code, words, sizeof words);
  return vq_fail(error,
                 "interface_addresses: GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_INCLUDE_PREFIX) "
                 "failed: %s (%lu)",
                 words, (unsigned long)code);
}

/* The adapter list in a malloc'd buffer (*out, NULL when there is none). */
static int win32_interfaces_adapters(IP_ADAPTER_ADDRESSES **out, vq_error *error) {
  ULONG size = WIN32_INTERFACES_FIRST_SIZE;
  ULONG flags = GAA_FLAG_INCLUDE_PREFIX | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
  *out = NULL;
  for (int attempt = 0; attempt < WIN32_INTERFACES_ATTEMPTS; attempt++) {
    IP_ADAPTER_ADDRESSES *buffer = malloc(size);
    if (buffer == NULL)
      return vq_fail(error, "interface_addresses: out of memory (%lu bytes)", (unsigned long)size);
    ULONG wanted = size;
    ULONG status = GetAdaptersAddresses(AF_UNSPEC, flags, NULL, buffer, &wanted);
    if (status == NO_ERROR) {
      *out = buffer;
      return 0;
    }
    free(buffer);
    if (status == ERROR_NO_DATA) return 0;
    if (status != ERROR_BUFFER_OVERFLOW) return win32_interfaces_fail(error, status);
    /* Some room for adapters that appear before the next call. */
    size = wanted > size ? wanted + wanted / 4 : size * 2;
  }
  return win32_interfaces_fail(error, ERROR_BUFFER_OVERFLOW);
}

static unsigned win32_interfaces_flags(const IP_ADAPTER_ADDRESSES *adapter) {
  unsigned flags = 0;
  if (adapter->OperStatus == IfOperStatusUp) flags |= VQ_INTERFACE_UP | VQ_INTERFACE_RUNNING;
  switch (adapter->IfType) {
    case IF_TYPE_ETHERNET_CSMACD:
    case IF_TYPE_ISO88025_TOKENRING:
    case IF_TYPE_IEEE80211:
    case IF_TYPE_IEEE1394: flags |= VQ_INTERFACE_BROADCAST | VQ_INTERFACE_MULTICAST; break;
    case IF_TYPE_PPP:
    case IF_TYPE_TUNNEL: flags |= VQ_INTERFACE_POINTTOPOINT | VQ_INTERFACE_MULTICAST; break;
    case IF_TYPE_SOFTWARE_LOOPBACK: flags |= VQ_INTERFACE_LOOPBACK | VQ_INTERFACE_MULTICAST; break;
    case IF_TYPE_ATM:
      flags |= VQ_INTERFACE_BROADCAST | VQ_INTERFACE_POINTTOPOINT | VQ_INTERFACE_MULTICAST;
      break;
    default: break;
  }
  return flags;
}

static vq_interface_address *win32_interfaces_push(vq_interface_set *set,
                                                   const vq_interface_address *adapter_row) {
  if (set->count == set->capacity) {
    size_t grown = set->capacity ? set->capacity * 2 : 32;
    vq_interface_address *rows = realloc(set->rows, grown * sizeof *rows);
    if (rows == NULL) return NULL;
    set->rows = rows;
    set->capacity = grown;
  }
  vq_interface_address *row = &set->rows[set->count++];
  *row = *adapter_row;
  return row;
}

/* The columns every row of this adapter shares, its texts kept once in the
 * set; 0, or -1 when out of memory. */
static int win32_interfaces_adapter_row(const IP_ADAPTER_ADDRESSES *adapter, vq_interface_set *set,
                                        vq_interface_address *row) {
  memset(row, 0, sizeof *row);
  row->interface_index = adapter->IfIndex ? adapter->IfIndex : adapter->Ipv6IfIndex;
  char name[768]; /* 256 UTF-16 units at most 3 bytes each */
  if (adapter->FriendlyName == NULL ||
      !WideCharToMultiByte(CP_UTF8, 0, adapter->FriendlyName, -1, name, sizeof name, NULL, NULL))
    name[0] = 0;
  row->mtu = adapter->Mtu == 0xFFFFFFFFUL ? -1 : (int64_t)adapter->Mtu;
  ULONG length = adapter->PhysicalAddressLength;
  if (length > MAX_ADAPTER_ADDRESS_LENGTH) length = MAX_ADAPTER_ADDRESS_LENGTH;
  char mac[VQ_HARDWARE_TEXT_SIZE];
  vq_interface_mac_text(adapter->PhysicalAddress, length, mac);
  row->flags = win32_interfaces_flags(adapter);
  row->kind = VQ_ADDRESS_NONE;
  row->name = vq_interfaces_keep_text(set, name);
  row->mac = row->name ? vq_interfaces_keep_text(set, mac) : NULL;
  return row->mac ? 0 : -1;
}

/* Fills the address columns from a socket address; -1 for another family. */
static int win32_interfaces_address(const SOCKET_ADDRESS *address, int family, int prefix_length,
                                    vq_address_kind kind, vq_interface_address *row) {
  const struct sockaddr *socket_address = address->lpSockaddr;
  if (socket_address == NULL || socket_address->sa_family != family) return -1;
  const void *bytes = family == AF_INET
                          ? (const void *)&((const struct sockaddr_in *)socket_address)->sin_addr
                          : (const void *)&((const struct sockaddr_in6 *)socket_address)->sin6_addr;
  if (!inet_ntop(family, bytes, row->address, sizeof row->address)) return -1;
  row->family = family == AF_INET ? 4 : 6;
  row->prefix_length = prefix_length;
  row->kind = kind;
  return 0;
}

/* Appends the rows of one adapter: unicast IPv4, unicast IPv6, anycast
 * IPv4, anycast IPv6, or one row without an address. */
static int win32_interfaces_adapter(const IP_ADAPTER_ADDRESSES *adapter, vq_interface_set *set) {
  vq_interface_address shared;
  if (win32_interfaces_adapter_row(adapter, set, &shared) != 0) return -1;
  size_t before = set->count;
  static const int families[] = {AF_INET, AF_INET6};
  for (int f = 0; f < 2; f++) {
    for (const IP_ADAPTER_UNICAST_ADDRESS *unicast = adapter->FirstUnicastAddress; unicast;
         unicast = unicast->Next) {
      vq_interface_address row = shared;
      if (win32_interfaces_address(&unicast->Address, families[f], unicast->OnLinkPrefixLength,
                                   VQ_ADDRESS_UNICAST, &row) != 0)
        continue;
      if (!win32_interfaces_push(set, &row)) return -1;
    }
  }
  for (int f = 0; f < 2; f++) {
    for (const IP_ADAPTER_ANYCAST_ADDRESS *anycast = adapter->FirstAnycastAddress; anycast;
         anycast = anycast->Next) {
      vq_interface_address row = shared;
      if (win32_interfaces_address(&anycast->Address, families[f],
                                   families[f] == AF_INET ? 32 : 128, VQ_ADDRESS_ANYCAST,
                                   &row) != 0)
        continue;
      if (!win32_interfaces_push(set, &row)) return -1;
    }
  }
  if (set->count == before && !win32_interfaces_push(set, &shared)) return -1;
  return 0;
}

int vq_interfaces_snapshot(vq_interface_set *set, vq_error *error) {
  IP_ADAPTER_ADDRESSES *adapters = NULL;
  if (win32_interfaces_adapters(&adapters, error) != 0) return -1;
  int status = 0;
  for (const IP_ADAPTER_ADDRESSES *adapter = adapters; adapter && status == 0;
       adapter = adapter->Next)
    if (win32_interfaces_adapter(adapter, set) != 0)
      status = vq_fail(error, "interface_addresses: out of memory after %lu rows",
                       (unsigned long)set->count);
  free(adapters);
  return status;
}

/*
** fuzz_interfaces.c: linux_interfaces_parse(), which joins three rtnetlink
** dumps (RTM_NEWLINK links, RTM_NEWADDR addresses, RTM_GETANYCAST answers)
** into interface_addresses rows.
**
** Input: two little-endian 16-bit lengths (links, addresses), then the three
** dumps back to back (anycast takes the rest); lengths past the end are cut.
** Each dump is copied into its own exact buffer so that ASan sees a read past
** any one of them. Promises checked: 0, or -1 with a message; texts
** terminated; kinds and families in range; an address row's text reads back.
*/
#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>

#include "../../linux/interfaces.h"
#include "fuzz.h"

static size_t fuzz_take(const uint8_t **data, size_t *size, size_t want, unsigned char **out) {
  if (want > *size) want = *size;
  *out = fuzz_copy(*data, want);
  *data += want, *size -= want;
  return want;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4) return 0;
  size_t links_size = (size_t)data[0] | (size_t)data[1] << 8;
  size_t addresses_size = (size_t)data[2] | (size_t)data[3] << 8;
  data += 4, size -= 4;
  unsigned char *links, *addresses, *anycast;
  links_size = fuzz_take(&data, &size, links_size, &links);
  addresses_size = fuzz_take(&data, &size, addresses_size, &addresses);
  size_t anycast_size = fuzz_take(&data, &size, size, &anycast);
  if (links && addresses && anycast) {
    vq_interface_set set = {0};
    vq_error error = {{0}};
    int result =
        linux_interfaces_parse((linux_interfaces_bytes){links, links_size},
                               (linux_interfaces_bytes){addresses, addresses_size},
                               (linux_interfaces_bytes){anycast, anycast_size}, &set, &error);
    FUZZ_CHECK(result == 0 || result == -1);
    if (result == -1)
      FUZZ_CHECK(error.message[0] != 0 && fuzz_terminated(error.message, sizeof error.message));
    for (size_t i = 0; i < set.count; i++) {
      const vq_interface_address *row = &set.rows[i];
      FUZZ_CHECK(row->name != NULL && row->mac != NULL);
      FUZZ_CHECK(strlen(row->name) < 2 * IF_NAMESIZE && strlen(row->mac) < VQ_HARDWARE_TEXT_SIZE);
      FUZZ_CHECK((row->flags & ~0x3fu) == 0);
      FUZZ_CHECK(row->kind == VQ_ADDRESS_NONE || row->kind == VQ_ADDRESS_UNICAST ||
                 row->kind == VQ_ADDRESS_ANYCAST);
      if (row->kind != VQ_ADDRESS_NONE) {
        unsigned char address[16];
        FUZZ_CHECK(row->family == 4 || row->family == 6);
        FUZZ_CHECK(fuzz_terminated(row->address, sizeof row->address));
        FUZZ_CHECK(inet_pton(row->family == 4 ? AF_INET : AF_INET6, row->address, address) == 1);
        FUZZ_CHECK(row->prefix_length >= 0 && row->prefix_length <= (row->family == 4 ? 32 : 128));
      }
    }
    vq_interfaces_free(&set);
  }
  free(links), free(addresses), free(anycast);
  return 0;
}

/*
** fuzz_neighbors.c: linux_neighbors_parse(), the parser of an rtnetlink
** RTM_GETNEIGH dump. Promises checked: 0, or -1 with a message; every row's
** texts are terminated inside their fields, family 4 or 6, state in
** NL_NEIGHBOR_STATE's range, is_router and persistent 0 or 1, and the
** address is one that inet_pton reads back.
*/
#include <arpa/inet.h>

#include "../../linux/neighbors.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char *bytes = fuzz_copy(data, size);
  if (bytes == NULL) return 0;
  vq_neighbor_set set = {0};
  vq_error error = {{0}};
  int result = linux_neighbors_parse(bytes, size, &set, &error);
  FUZZ_CHECK(result == 0 || result == -1);
  if (result == -1)
    FUZZ_CHECK(error.message[0] != 0 && fuzz_terminated(error.message, sizeof error.message));
  FUZZ_CHECK(set.count <= set.capacity);
  for (size_t i = 0; i < set.count; i++) {
    const vq_neighbor *row = &set.rows[i];
    unsigned char address[16];
    FUZZ_CHECK(row->interface_alias == NULL); /* named after the parse, by the snapshot */
    FUZZ_CHECK(fuzz_terminated(row->ip_address, sizeof row->ip_address));
    FUZZ_CHECK(row->link_layer_length <= sizeof row->link_layer_address);
    FUZZ_CHECK(row->family == 4 || row->family == 6);
    FUZZ_CHECK(inet_pton(row->family == 4 ? AF_INET : AF_INET6, row->ip_address, address) == 1);
    FUZZ_CHECK((unsigned)row->state < VQ_NEIGHBOR_STATE_COUNT);
    FUZZ_CHECK(row->is_router == 0 || row->is_router == 1);
    FUZZ_CHECK(row->persistent == 0 || row->persistent == 1);
  }
  vq_neighbors_free(&set);
  free(bytes);
  return 0;
}

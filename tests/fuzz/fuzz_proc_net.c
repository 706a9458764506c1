/*
** fuzz_proc_net.c: linux_sockets_parse_proc(), the parser of
** /proc/net/{tcp,tcp6,udp,udp6}, fed the same text as each of the four
** files (IPv4/IPv6 x TCP/UDP). The text is not NUL-terminated (the parser
** takes a length). Promises checked: -1 with a message or the count of
** skipped lines; rows of the asked family and protocol; states in range.
*/
#include <netinet/in.h>

#include "../../linux/sockets.h"
#include "fuzz.h"

static void fuzz_proc_net_one(const char *text, size_t size, int family, int protocol) {
  vq_socket_set set = {0};
  vq_error error = {{0}};
  int result = linux_sockets_parse_proc(text, size, family, protocol, &set, &error);
  FUZZ_CHECK(result >= -1);
  if (result == -1)
    FUZZ_CHECK(error.message[0] != 0 && fuzz_terminated(error.message, sizeof error.message));
  for (size_t i = 0; i < set.count; i++) {
    const vq_socket *row = &set.rows[i];
    char address[46];
    FUZZ_CHECK(row->family == family);
    FUZZ_CHECK(row->protocol == (protocol == IPPROTO_UDP ? VQ_SOCKET_UDP : VQ_SOCKET_TCP));
    FUZZ_CHECK(row->state < VQ_TCP_STATE_COUNT);
    if (protocol == IPPROTO_UDP) FUZZ_CHECK(row->state == VQ_TCP_NONE);
    vq_socket_address_text(row->family, row->local_address, address);
    FUZZ_CHECK(fuzz_terminated(address, sizeof address));
  }
  vq_sockets_free(&set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = (char *)fuzz_copy(data, size);
  if (text == NULL) return 0;
  fuzz_proc_net_one(text, size, 4, IPPROTO_TCP);
  fuzz_proc_net_one(text, size, 6, IPPROTO_TCP);
  fuzz_proc_net_one(text, size, 4, IPPROTO_UDP);
  fuzz_proc_net_one(text, size, 6, IPPROTO_UDP);
  free(text);
  return 0;
}

/*
** fuzz_sock_diag.c: linux_sockets_parse_diag(), the parser of sock_diag
** netlink answers (nlmsghdr + inet_diag_msg, back to back), fed as both a TCP
** and a UDP dump. Promises checked: it returns -1 with a message, or the
** number of skipped records; every row has family 4 or 6, its protocol, a
** state in range (none for UDP, and no remote end); every address formats.
*/
#include <netinet/in.h>

#include "../../linux/sockets.h"
#include "fuzz.h"

static void fuzz_sock_diag_one(const unsigned char *bytes, size_t size, int protocol) {
  vq_socket_set set = {0};
  vq_error error = {{0}};
  int result = linux_sockets_parse_diag(bytes, size, protocol, &set, &error);
  FUZZ_CHECK(result >= -1);
  if (result == -1)
    FUZZ_CHECK(error.message[0] != 0 && fuzz_terminated(error.message, sizeof error.message));
  FUZZ_CHECK(set.count <= set.capacity);
  for (size_t i = 0; i < set.count; i++) {
    const vq_socket *row = &set.rows[i];
    char text[46];
    FUZZ_CHECK(row->family == 4 || row->family == 6);
    FUZZ_CHECK(row->state < VQ_TCP_STATE_COUNT);
    FUZZ_CHECK(row->module == NULL && row->module_path == NULL);
    if (protocol == IPPROTO_UDP) {
      FUZZ_CHECK(row->protocol == VQ_SOCKET_UDP && row->state == VQ_TCP_NONE);
      FUZZ_CHECK(row->remote_port == 0);
    } else {
      FUZZ_CHECK(row->protocol == VQ_SOCKET_TCP);
    }
    FUZZ_CHECK(strlen(vq_socket_address_text(row->family, row->local_address, text)) < sizeof text);
    FUZZ_CHECK(strlen(vq_socket_address_text(row->family, row->remote_address, text)) <
               sizeof text);
  }
  vq_sockets_free(&set);
  FUZZ_CHECK(set.rows == NULL && set.count == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char *bytes = fuzz_copy(data, size);
  if (bytes == NULL) return 0;
  fuzz_sock_diag_one(bytes, size, IPPROTO_TCP);
  fuzz_sock_diag_one(bytes, size, IPPROTO_UDP);
  free(bytes);
  return 0;
}

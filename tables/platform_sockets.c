/*
** platform_sockets.c: the plain-C parts of the sockets interface that both
** backends and the netstat table share (see platform_sockets.h): the row
** set's growth and release, the TCP state names, and RFC 5952 address text.
** No SQLite and no OS calls here, so every platform prints the same text.
*/
#include "platform_sockets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const vq_tcp_state_names[VQ_TCP_STATE_COUNT] = {
    [VQ_TCP_CLOSED] = "CLOSED",       [VQ_TCP_LISTEN] = "LISTEN",
    [VQ_TCP_SYN_SENT] = "SYN_SENT",   [VQ_TCP_SYN_RCVD] = "SYN_RCVD",
    [VQ_TCP_ESTAB] = "ESTAB",         [VQ_TCP_FIN_WAIT1] = "FIN_WAIT1",
    [VQ_TCP_FIN_WAIT2] = "FIN_WAIT2", [VQ_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
    [VQ_TCP_CLOSING] = "CLOSING",     [VQ_TCP_LAST_ACK] = "LAST_ACK",
    [VQ_TCP_TIME_WAIT] = "TIME_WAIT", [VQ_TCP_DELETE_TCB] = "DELETE_TCB",
};

const char *vq_tcp_state_name(int state) {
  return state > VQ_TCP_NONE && state < VQ_TCP_STATE_COUNT ? vq_tcp_state_names[state] : NULL;
}

vq_socket *vq_sockets_push(vq_socket_set *set) {
  if (set->count == set->capacity) {
    size_t grown = set->capacity ? set->capacity * 2 : 256;
    vq_socket *rows = realloc(set->rows, grown * sizeof *rows);
    if (rows == NULL) return NULL;
    set->rows = rows;
    set->capacity = grown;
  }
  vq_socket *row = &set->rows[set->count++];
  memset(row, 0, sizeof *row);
  return row;
}

void vq_sockets_free(vq_socket_set *set) {
  for (size_t i = 0; i < set->count; i++) {
    free(set->rows[i].module);
    free(set->rows[i].module_path);
  }
  free(set->rows);
  memset(set, 0, sizeof *set);
}

static char *vq_ipv4_text(const unsigned char *a, char *out) {
  sprintf(out, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
  return out;
}

/* The longest run of two or more zero groups (the first on a tie), as RFC
 * 5952 section 4.2 asks; *start = -1 when there is none. */
static void vq_ipv6_zero_run(const unsigned groups[8], int *start, int *length) {
  *start = -1, *length = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      i++;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) j++;
    if (j - i >= 2 && j - i > *length) *start = i, *length = j - i;
    i = j;
  }
}

char *vq_socket_address_text(int family, const unsigned char *address, char out[46]) {
  if (family == 4) return vq_ipv4_text(address, out);
  unsigned groups[8];
  for (int i = 0; i < 8; i++) groups[i] = (unsigned)address[2 * i] << 8 | address[2 * i + 1];
  /* ::ffff:a.b.c.d, the only embedded-IPv4 form RFC 5952 (section 5) keeps. */
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (memcmp(address, mapped, sizeof mapped) == 0) {
    memcpy(out, "::ffff:", sizeof "::ffff:"); /* the address is written from out + 7 */
    vq_ipv4_text(address + 12, out + 7);
    return out;
  }
  int start, length;
  vq_ipv6_zero_run(groups, &start, &length);
  char *p = out;
  for (int i = 0; i < 8; i++) {
    if (i == start) {
      p += sprintf(p, "::");
      i += length - 1;
      continue;
    }
    p += sprintf(p, "%s%x", (i > 0 && i != start + length) ? ":" : "", groups[i]);
  }
  *p = 0;
  return out;
}

/*
** sockets_parse.c (Linux): the two pure parsers of the sockets backend, fed
** from bytes so that tests and fuzzers can drive them with canned input (see
** sockets.h):
**
**   sock_diag answers   nlmsghdr + struct inet_diag_msg per socket
**   /proc/net/tcp ...   one text line per socket
**
** Neither trusts its input: every length is checked before a read, structs
** are copied out with memcpy (the bytes may come unaligned from a file), a
** record that does not make sense is skipped (and counted), never half-read.
*/
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "../tables/platform.h"
#include "sockets.h"

int linux_sockets_tcp_state(unsigned linux_state) {
  /* include/net/tcp_states.h: TCP_ESTABLISHED = 1 ... TCP_BOUND_INACTIVE = 13. */
  static const unsigned char map[14] = {
      [1] = VQ_TCP_ESTAB,
      [2] = VQ_TCP_SYN_SENT,
      [3] = VQ_TCP_SYN_RCVD,
      [4] = VQ_TCP_FIN_WAIT1,
      [5] = VQ_TCP_FIN_WAIT2,
      [6] = VQ_TCP_TIME_WAIT,
      [7] = VQ_TCP_CLOSED,
      [8] = VQ_TCP_CLOSE_WAIT,
      [9] = VQ_TCP_LAST_ACK,
      [10] = VQ_TCP_LISTEN,
      [11] = VQ_TCP_CLOSING,
      [12] = VQ_TCP_SYN_RCVD, /* TCP_NEW_SYN_RECV: a request sock, SYN-RECV to ss */
      [13] = VQ_TCP_CLOSED,   /* TCP_BOUND_INACTIVE: bound, neither listening nor connected */
  };
  return linux_state < sizeof map ? map[linux_state] : VQ_TCP_NONE;
}

static const char *linux_sockets_protocol_name(int protocol) {
  return protocol == IPPROTO_UDP ? "UDP" : "TCP";
}

/* ---- sock_diag ---------------------------------------------------------- */

/* Fills one row from an inet_diag_msg; returns 0, or 1 to skip the record. */
static int linux_sockets_diag_row(const struct inet_diag_msg *message, int protocol,
                                  vq_socket *row) {
  if (message->idiag_family != AF_INET && message->idiag_family != AF_INET6) return 1;
  row->family = message->idiag_family == AF_INET ? 4 : 6;
  size_t width = row->family == 4 ? 4 : 16;
  memcpy(row->local_address, message->id.idiag_src, width);
  row->local_port = ntohs(message->id.idiag_sport);
  row->inode = message->idiag_inode;
  row->uid = message->idiag_uid;
  row->flags = VQ_SOCKET_HAS_INODE | VQ_SOCKET_HAS_UID;
  if (protocol == IPPROTO_UDP) {
    row->protocol = VQ_SOCKET_UDP;
    row->state = VQ_TCP_NONE;
    return 0;
  }
  row->protocol = VQ_SOCKET_TCP;
  row->state = (uint8_t)linux_sockets_tcp_state(message->idiag_state);
  memcpy(row->remote_address, message->id.idiag_dst, width);
  row->remote_port = ntohs(message->id.idiag_dport);
  return 0;
}

int linux_sockets_parse_diag(const unsigned char *bytes, size_t length, int protocol,
                             vq_socket_set *set, vq_error *error) {
  const char *name = linux_sockets_protocol_name(protocol);
  int skipped = 0;
  size_t offset = 0;
  while (offset < length) {
    struct nlmsghdr header;
    if (length - offset < sizeof header)
      return vq_fail(error, "sock_diag %s: %zu stray bytes at offset %zu (a header needs %zu)",
                     name, length - offset, offset, sizeof header);
    memcpy(&header, bytes + offset, sizeof header);
    if (header.nlmsg_len < sizeof header || header.nlmsg_len > length - offset)
      return vq_fail(error, "sock_diag %s: message at offset %zu claims %u bytes, %zu remain", name,
                     offset, header.nlmsg_len, length - offset);
    size_t payload = header.nlmsg_len - NLMSG_HDRLEN;
    if (header.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
      struct inet_diag_msg message;
      vq_socket row;
      if (payload < sizeof message) {
        skipped++;
      } else {
        memcpy(&message, bytes + offset + NLMSG_HDRLEN, sizeof message);
        memset(&row, 0, sizeof row);
        if (linux_sockets_diag_row(&message, protocol, &row) != 0) {
          skipped++;
        } else {
          vq_socket *slot = vq_sockets_push(set);
          if (slot == NULL) return vq_fail(error, "sock_diag %s: out of memory", name);
          *slot = row;
        }
      }
    }
    /* The last message of a datagram may lack its alignment padding. */
    size_t step = NLMSG_ALIGN(header.nlmsg_len);
    offset += step < length - offset ? step : length - offset;
  }
  return skipped;
}

/* ---- /proc/net text ------------------------------------------------------ */

typedef struct linux_proc_line {
  const char *at, *end;
} linux_proc_line;

static int linux_hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* The next whitespace-separated field of the line, or 0 when none is left. */
static int linux_proc_field(linux_proc_line *line, const char **start, size_t *size) {
  while (line->at < line->end && (*line->at == ' ' || *line->at == '\t')) line->at++;
  if (line->at == line->end) return 0;
  *start = line->at;
  while (line->at < line->end && *line->at != ' ' && *line->at != '\t') line->at++;
  *size = (size_t)(line->at - *start);
  return 1;
}

/* Exactly `digits` hex digits to a number; -1 when any is not hex. */
static int linux_parse_hex(const char *text, size_t digits, uint32_t *value) {
  uint32_t result = 0;
  for (size_t i = 0; i < digits; i++) {
    int digit = linux_hex_digit(text[i]);
    if (digit < 0) return -1;
    result = result << 4 | (uint32_t)digit;
  }
  *value = result;
  return 0;
}

static int linux_parse_decimal(const char *text, size_t size, uint64_t *value) {
  uint64_t result = 0;
  if (size == 0 || size > 19) return -1;
  for (size_t i = 0; i < size; i++) {
    if (text[i] < '0' || text[i] > '9') return -1;
    result = result * 10 + (uint64_t)(text[i] - '0');
  }
  *value = result;
  return 0;
}

/* "0100007F:0277" (IPv4) or 32 hex digits + ":" + 4 (IPv6): each group of 8
 * digits is one 32-bit word of the address as the kernel holds it. */
static int linux_parse_endpoint(const char *text, size_t size, int family, unsigned char *address,
                                uint16_t *port) {
  size_t digits = family == 4 ? 8 : 32;
  if (size != digits + 5 || text[digits] != ':') return -1;
  for (size_t word = 0; word < digits / 8; word++) {
    uint32_t value;
    if (linux_parse_hex(text + 8 * word, 8, &value) != 0) return -1;
    memcpy(address + 4 * word, &value, 4);
  }
  uint32_t value;
  if (linux_parse_hex(text + digits + 1, 4, &value) != 0) return -1;
  *port = (uint16_t)value;
  return 0;
}

/* One data line: "sl: local remote st tx:rx tr:when retrnsmt uid timeout
 * inode ...". Returns 0, or -1 when the line is malformed. */
static int linux_proc_row(linux_proc_line line, int family, int protocol, vq_socket *row) {
  const char *field[10];
  size_t size[10];
  for (int i = 0; i < 10; i++)
    if (!linux_proc_field(&line, &field[i], &size[i])) return -1;
  if (size[0] < 2 || field[0][size[0] - 1] != ':') return -1;
  row->family = (uint8_t)family;
  row->protocol = protocol == IPPROTO_UDP ? VQ_SOCKET_UDP : VQ_SOCKET_TCP;
  unsigned char remote[16] = {0};
  uint16_t remote_port;
  uint32_t state;
  uint64_t uid, inode;
  if (linux_parse_endpoint(field[1], size[1], family, row->local_address, &row->local_port) != 0 ||
      linux_parse_endpoint(field[2], size[2], family, remote, &remote_port) != 0 || size[3] != 2 ||
      linux_parse_hex(field[3], 2, &state) != 0 ||
      linux_parse_decimal(field[7], size[7], &uid) != 0 ||
      linux_parse_decimal(field[9], size[9], &inode) != 0)
    return -1;
  row->uid = (int64_t)uid;
  row->inode = inode;
  row->flags = VQ_SOCKET_HAS_INODE | VQ_SOCKET_HAS_UID;
  if (row->protocol == VQ_SOCKET_TCP) {
    row->state = (uint8_t)linux_sockets_tcp_state(state);
    memcpy(row->remote_address, remote, sizeof remote);
    row->remote_port = remote_port;
  }
  return 0;
}

int linux_sockets_parse_proc(const char *text, size_t length, int family, int protocol,
                             vq_socket_set *set, vq_error *error) {
  const char *name = linux_sockets_protocol_name(protocol);
  if (family != 4 && family != 6)
    return vq_fail(error, "/proc/net %s: family must be 4 or 6 (got %d)", name, family);
  int skipped = 0;
  const char *at = text, *end = text + length;
  int first = 1;
  while (at < end) {
    const char *newline = memchr(at, '\n', (size_t)(end - at));
    if (newline == NULL) { /* the kernel ends every line: this one was cut */
      skipped++;
      break;
    }
    linux_proc_line line = {at, newline};
    at = newline + 1;
    if (first) { /* the header: "  sl  local_address rem_address   st ..." */
      first = 0;
      if (memmem(line.at, (size_t)(line.end - line.at), "local_address", 13)) continue;
    }
    const char *probe;
    size_t probe_size;
    linux_proc_line copy = line;
    if (!linux_proc_field(&copy, &probe, &probe_size)) continue; /* blank line */
    vq_socket row;
    memset(&row, 0, sizeof row);
    if (linux_proc_row(line, family, protocol, &row) != 0) {
      skipped++;
      continue;
    }
    vq_socket *slot = vq_sockets_push(set);
    if (slot == NULL) return vq_fail(error, "/proc/net %s: out of memory", name);
    *slot = row;
  }
  return skipped;
}

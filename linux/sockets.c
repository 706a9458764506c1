/*
** sockets.c (Linux): vq_sockets_snapshot() for the netstat table (see
** platform_sockets.h and sockets.h).
**
** Sources, for each of TCP IPv4, TCP IPv6, UDP IPv4, UDP IPv6:
**   1. one NETLINK_SOCK_DIAG dump (inet_diag_req_v2, every state bit set, so
**      LISTEN, ESTAB, TIME_WAIT, SYN_RECV request socks ... all come back);
**   2. where netlink is refused (a sandbox without NETLINK_SOCK_DIAG, a
**      kernel without udp_diag), /proc/net/{tcp,tcp6,udp,udp6}; a missing
**      file means the kernel has no such family, which is no rows, not an
**      error. When both fail, the snapshot fails naming both.
** Linux keeps no creation time for a socket: `created` stays unset.
**
** Owning pids, only when asked (options->want_pid): the sockets' inodes go
** into an open-addressing hash, then each process's /proc/<pid>/fd is read
** with readdir + readlinkat ("socket:[12345]"), every process or only the
** pushed-down list. The lowest pid holding a socket wins. A process that
** exits or denies access mid-walk costs only its own sockets' pid.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../tables/platform.h"
#include "netlink.h"
#include "sockets.h"

/* ---- the socket dumps ---------------------------------------------------- */

static const char *linux_sockets_source_name(int family, int protocol) {
  if (protocol == IPPROTO_UDP) return family == AF_INET ? "UDP IPv4" : "UDP IPv6";
  return family == AF_INET ? "TCP IPv4" : "TCP IPv6";
}

int linux_sockets_dump_netlink(int family, int protocol, vq_socket_set *set, vq_error *error) {
  struct {
    struct nlmsghdr header;
    struct inet_diag_req_v2 request;
  } message;
  memset(&message, 0, sizeof message);
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  message.header.nlmsg_seq = 1;
  message.request.sdiag_family = (uint8_t)family;
  message.request.sdiag_protocol = (uint8_t)protocol;
  message.request.idiag_states = ~0u; /* every state */
  const char *what = linux_sockets_source_name(family, protocol);
  char label[32];
  snprintf(label, sizeof label, "sock_diag %s", what);
  linux_netlink_dump dump;
  if (linux_netlink_dump_run(NETLINK_SOCK_DIAG, &message, sizeof message, label, &dump, error) != 0)
    return -1;
  int parsed = linux_sockets_parse_diag(dump.data, dump.length, protocol, set, error);
  linux_netlink_dump_free(&dump);
  if (parsed < 0) {
    errno = EPROTO;
    return -1;
  }
  return 0;
}

/* The whole file, read() in large steps (a /proc file has no useful size). */
static int linux_read_file(const char *path, char **text, size_t *length) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t capacity = 256 * 1024, used = 0;
  char *buffer = malloc(capacity);
  int status = buffer ? 0 : -1, saved = ENOMEM;
  while (status == 0) {
    if (capacity - used < 64 * 1024) {
      char *grown = realloc(buffer, capacity * 2);
      if (grown == NULL) {
        status = -1, saved = ENOMEM;
        break;
      }
      buffer = grown, capacity *= 2;
    }
    ssize_t got = read(fd, buffer + used, capacity - used);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) status = -1, saved = errno;
    if (got <= 0) break;
    used += (size_t)got;
  }
  close(fd);
  if (status != 0) {
    free(buffer);
    errno = saved;
    return -1;
  }
  *text = buffer, *length = used;
  return 0;
}

int linux_sockets_dump_proc(const char *path, int family, int protocol, vq_socket_set *set,
                            vq_error *error) {
  char *text;
  size_t length;
  if (linux_read_file(path, &text, &length) != 0) {
    int saved = errno;
    vq_fail(error, "%s: cannot read: %s (%d)", path, strerror(saved), saved);
    errno = saved;
    return -1;
  }
  int parsed =
      linux_sockets_parse_proc(text, length, family == AF_INET ? 4 : 6, protocol, set, error);
  free(text);
  if (parsed < 0) {
    errno = EPROTO;
    return -1;
  }
  return 0;
}

/* One source: netlink first, /proc/net where netlink fails. */
static int linux_sockets_dump_one(int family, int protocol, const char *proc_path,
                                  vq_socket_set *set, vq_error *error) {
  size_t before = set->count;
  vq_error netlink_error;
  if (linux_sockets_dump_netlink(family, protocol, set, &netlink_error) == 0) return 0;
  set->count = before; /* drop what a failed dump may have left */
  if (linux_sockets_dump_proc(proc_path, family, protocol, set, error) == 0) return 0;
  if (errno == ENOENT) return 0; /* no such family in this kernel */
  char proc_message[sizeof error->message];
  vq_copy_text(proc_message, sizeof proc_message, error->message);
  return vq_fail(error, "%s; and the fallback %s", netlink_error.message, proc_message);
}

/* ---- owning pids ---------------------------------------------------------- */

/* inode -> row, open addressing with linear probing; sized to a power of two
 * at least twice the rows, so probes stay short. Slot value 0 is empty. */
typedef struct linux_inode_index {
  uint64_t *inodes;
  uint32_t *rows; /* row index + 1 */
  size_t mask;
} linux_inode_index;

static size_t linux_inode_hash(uint64_t inode) {
  return (size_t)(inode * 0x9E3779B97F4A7C15ull >> 17);
}

static int linux_inode_index_build(linux_inode_index *index, const vq_socket_set *set) {
  size_t size = 64;
  while (size < set->count * 2) size *= 2;
  index->inodes = calloc(size, sizeof *index->inodes);
  index->rows = calloc(size, sizeof *index->rows);
  index->mask = size - 1;
  if (index->inodes == NULL || index->rows == NULL) return -1;
  for (size_t i = 0; i < set->count; i++) {
    uint64_t inode = set->rows[i].inode;
    if (inode == 0) continue; /* TIME_WAIT and request socks belong to no file */
    size_t slot = linux_inode_hash(inode) & index->mask;
    while (index->rows[slot]) slot = (slot + 1) & index->mask;
    index->inodes[slot] = inode;
    index->rows[slot] = (uint32_t)i + 1;
  }
  return 0;
}

static void linux_inode_index_free(linux_inode_index *index) {
  free(index->inodes);
  free(index->rows);
}

/* Gives pid to every row with this inode unless a lower pid holds it. */
static void linux_inode_claim(const linux_inode_index *index, vq_socket_set *set, uint64_t inode,
                              int64_t pid) {
  for (size_t slot = linux_inode_hash(inode) & index->mask; index->rows[slot];
       slot = (slot + 1) & index->mask) {
    if (index->inodes[slot] != inode) continue;
    vq_socket *row = &set->rows[index->rows[slot] - 1];
    if (!(row->flags & VQ_SOCKET_HAS_PID) || pid < row->pid) {
      row->pid = pid;
      row->flags |= VQ_SOCKET_HAS_PID;
    }
  }
}

/* "socket:[12345]" -> 12345; 0 for any other link. */
static uint64_t linux_socket_link_inode(const char *link, ssize_t length) {
  if (length < 10 || memcmp(link, "socket:[", 8) != 0 || link[length - 1] != ']') return 0;
  uint64_t inode = 0;
  for (ssize_t i = 8; i < length - 1; i++) {
    if (link[i] < '0' || link[i] > '9') return 0;
    inode = inode * 10 + (uint64_t)(link[i] - '0');
  }
  return inode;
}

/* Reads one /proc/<pid>/fd; a process that is gone or closed to us is
 * skipped without a word. */
static void linux_sockets_scan_process(int proc_fd, int64_t pid, const linux_inode_index *index,
                                       vq_socket_set *set) {
  char path[32];
  snprintf(path, sizeof path, "%lld/fd", (long long)pid);
  int fd = openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  vq_counter_add(VQ_COUNTER_PROC_FD_DIRS, 1);
  DIR *dir = fdopendir(fd);
  if (dir == NULL) {
    close(fd);
    return;
  }
  struct dirent *entry;
  char link[64];
  while ((entry = readdir(dir)) != NULL) {
    if (entry->d_name[0] == '.') continue;
    ssize_t length = readlinkat(fd, entry->d_name, link, sizeof link);
    if (length <= 0 || length >= (ssize_t)sizeof link) continue;
    uint64_t inode = linux_socket_link_inode(link, length);
    if (inode) linux_inode_claim(index, set, inode, pid);
  }
  closedir(dir);
}

static int64_t linux_pid_from_name(const char *name) {
  int64_t pid = 0;
  if (*name == 0) return -1;
  for (; *name; name++) {
    if (*name < '0' || *name > '9' || pid > 0x7fffffff) return -1;
    pid = pid * 10 + (*name - '0');
  }
  return pid;
}

static void linux_sockets_scan_all(int proc_fd, const linux_inode_index *index,
                                   vq_socket_set *set) {
  int list_fd = dup(proc_fd);
  DIR *proc = list_fd >= 0 ? fdopendir(list_fd) : NULL;
  if (proc == NULL) {
    if (list_fd >= 0) close(list_fd);
    return;
  }
  struct dirent *entry;
  while ((entry = readdir(proc)) != NULL) {
    int64_t pid = linux_pid_from_name(entry->d_name);
    if (pid > 0) linux_sockets_scan_process(proc_fd, pid, index, set);
  }
  closedir(proc);
}

int linux_sockets_find_pids(vq_socket_set *set, const int64_t *pids, size_t pid_count,
                            vq_error *error) {
  if (set->count == 0 || (pids && pid_count == 0)) return 0;
  linux_inode_index index;
  if (linux_inode_index_build(&index, set) != 0) {
    linux_inode_index_free(&index);
    return vq_fail(error, "netstat: out of memory indexing %zu sockets", set->count);
  }
  int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (proc_fd >= 0) {
    if (pids) {
      for (size_t i = 0; i < pid_count; i++)
        if (pids[i] > 0 && pids[i] <= 0x7fffffff)
          linux_sockets_scan_process(proc_fd, pids[i], &index, set);
    } else {
      linux_sockets_scan_all(proc_fd, &index, set);
    }
    close(proc_fd);
  }
  linux_inode_index_free(&index);
  return 0;
}

/* ---- the snapshot ------------------------------------------------------- */

int vq_sockets_snapshot(const vq_socket_options *options, vq_socket_set *set, vq_error *error) {
  static const struct {
    int family, protocol;
    const char *proc_path;
  } sources[] = {
      {AF_INET, IPPROTO_TCP, "/proc/net/tcp"},
      {AF_INET6, IPPROTO_TCP, "/proc/net/tcp6"},
      {AF_INET, IPPROTO_UDP, "/proc/net/udp"},
      {AF_INET6, IPPROTO_UDP, "/proc/net/udp6"},
  };
  memset(set, 0, sizeof *set);
  for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
    if (linux_sockets_dump_one(sources[i].family, sources[i].protocol, sources[i].proc_path, set,
                               error) != 0) {
      vq_sockets_free(set);
      return -1;
    }
  }
  if (options && options->want_pid &&
      linux_sockets_find_pids(set, options->pids, options->pid_count, error) != 0) {
    vq_sockets_free(set);
    return -1;
  }
  return 0;
}

/*
** processes.c (Linux): the `processes` backend, from /proc.
**
**   pid             the /proc directory entry
**   ppid, name (comm), threads, create_time, working_set
**                   /proc/<pid>/stat (one small file, read when one of these
**                   is asked for, or when the pid came from `pid = N`)
**   username        /proc/<pid>/status Uid: (effective uid), named through
**                   getpwuid_r once per uid per snapshot, the uid as text
**                   when the user database has no name for it
**   cmdline         /proc/<pid>/cmdline, NUL-separated arguments joined by
**                   spaces, read whole (never truncated); '' for kernel threads
**   path            readlink /proc/<pid>/exe (NULL when denied or for
**                   kernel threads)
**
** Only the files that the asked fields need are read; each process whose
** status, cmdline or exe is read counts once in VQ_COUNTER_PROCESS_OPENS.
** A process that exits mid-scan loses its row if its stat is gone, and
** otherwise keeps what was read; nothing about one process fails the scan.
*/
#include "processes.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- pure parsers ------------------------------------------------------------ */

static const char *linux_processes_skip_fields(const char *p, const char *end, int count) {
  for (int i = 0; i < count && p < end; i++) {
    while (p < end && *p == ' ') p++;
    while (p < end && *p != ' ') p++;
  }
  while (p < end && *p == ' ') p++;
  return p;
}

static int linux_processes_read_int(const char **cursor, const char *end, int64_t *value) {
  const char *p = *cursor;
  while (p < end && *p == ' ') p++;
  int negative = 0;
  if (p < end && *p == '-') negative = 1, p++;
  if (p >= end || !isdigit((unsigned char)*p)) return -1;
  uint64_t number = 0;
  while (p < end && isdigit((unsigned char)*p)) number = number * 10 + (uint64_t)(*p++ - '0');
  /* Negated as unsigned: -(int64_t)number overflows for "-9223372036854775808". */
  *value = negative ? (int64_t)(0 - number) : (int64_t)number;
  *cursor = p;
  return 0;
}

int linux_processes_parse_stat(const char *bytes, size_t length, linux_process_stat *stat) {
  memset(stat, 0, sizeof *stat);
  const char *end = bytes + length, *p = bytes;
  if (linux_processes_read_int(&p, end, &stat->pid) != 0) return -1;
  const char *open = memchr(p, '(', (size_t)(end - p));
  const char *close = NULL;
  for (const char *q = end; q > p; q--)
    if (q[-1] == ')') {
      close = q - 1;
      break;
    }
  if (open == NULL || close == NULL || close < open) return -1;
  size_t comm_length = (size_t)(close - open - 1);
  if (comm_length >= sizeof stat->comm) comm_length = sizeof stat->comm - 1;
  memcpy(stat->comm, open + 1, comm_length);
  stat->comm[comm_length] = 0;
  /* After ") ": field 3 is the state, then ppid (4) ... */
  p = linux_processes_skip_fields(close + 1, end, 1);
  int64_t start = 0;
  if (linux_processes_read_int(&p, end, &stat->ppid) != 0) return -1;
  p = linux_processes_skip_fields(p, end, 15); /* fields 5..19 */
  if (linux_processes_read_int(&p, end, &stat->threads) != 0) return -1;
  p = linux_processes_skip_fields(p, end, 1); /* 21: itrealvalue */
  if (linux_processes_read_int(&p, end, &start) != 0) return -1;
  stat->start_ticks = (uint64_t)start;
  p = linux_processes_skip_fields(p, end, 1); /* 23: vsize */
  if (linux_processes_read_int(&p, end, &stat->rss_pages) != 0) return -1;
  return 0;
}

char *linux_processes_join_cmdline(const char *bytes, size_t length) {
  while (length > 0 && bytes[length - 1] == 0) length--;
  char *text = malloc(length + 1);
  if (text == NULL) return NULL;
  for (size_t i = 0; i < length; i++) text[i] = bytes[i] ? bytes[i] : ' ';
  text[length] = 0;
  return text;
}

int linux_processes_parse_uid(const char *bytes, size_t length, uint32_t *uid) {
  const char *end = bytes + length;
  for (const char *line = bytes; line < end;) {
    const char *next = memchr(line, '\n', (size_t)(end - line));
    if (next == NULL) next = end;
    if (next - line > 4 && memcmp(line, "Uid:", 4) == 0) {
      const char *p = line + 4;
      int64_t real = 0, effective = 0;
      while (p < next && (*p == '\t' || *p == ' ')) p++;
      if (linux_processes_read_int(&p, next, &real) != 0) return -1;
      while (p < next && (*p == '\t' || *p == ' ')) p++;
      if (linux_processes_read_int(&p, next, &effective) != 0) return -1;
      *uid = (uint32_t)effective;
      return 0;
    }
    line = next + 1;
  }
  return -1;
}

/* ---- reading /proc ------------------------------------------------------------ */

/* Reads a whole file into a growing malloc'd buffer; NULL when it cannot. */
static char *linux_processes_read_file(const char *path, size_t initial, size_t *length) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  size_t capacity = initial, used = 0;
  char *buffer = malloc(capacity + 1);
  while (buffer) {
    ssize_t got = read(fd, buffer + used, capacity - used);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      free(buffer);
      buffer = NULL;
      break;
    }
    if (got == 0) break;
    used += (size_t)got;
    if (used == capacity) {
      char *grown = realloc(buffer, capacity * 2 + 1);
      if (grown == NULL) free(buffer);
      buffer = grown;
      capacity *= 2;
    }
  }
  close(fd);
  if (buffer) {
    buffer[used] = 0;
    *length = used;
  }
  return buffer;
}

static char *linux_processes_read_link(const char *path) {
  char target[4096];
  ssize_t got = readlink(path, target, sizeof target);
  if (got < 0 || (size_t)got >= sizeof target) return NULL; /* PATH_MAX bounds a link's length */
  return strndup(target, (size_t)got);
}

/* Facts read once per snapshot, and the uid -> name answers of this snapshot. */
typedef struct linux_processes_context {
  unsigned fields;
  int64_t boot_time; /* btime of /proc/stat, -1 if unknown */
  long ticks_per_second;
  long page_size;
  struct {
    uint32_t uid;
    char *name;
  } users[64];
  int user_count;
} linux_processes_context;

static int64_t linux_processes_boot_time(void) {
  size_t length = 0;
  char *text = linux_processes_read_file("/proc/stat", 8192, &length);
  int64_t boot = -1;
  if (text) {
    const char *line = strstr(text, "\nbtime ");
    if (line) boot = strtoll(line + 7, NULL, 10);
    free(text);
  }
  return boot;
}

static char *linux_processes_user_name(linux_processes_context *context, uint32_t uid) {
  for (int i = 0; i < context->user_count; i++)
    if (context->users[i].uid == uid) return strdup(context->users[i].name);
  char buffer[4096], *name = NULL;
  struct passwd entry, *found = NULL;
  if (getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found && found->pw_name)
    name = strdup(found->pw_name);
  else if (asprintf(&name, "%u", uid) < 0)
    name = NULL;
  if (name && context->user_count < (int)(sizeof context->users / sizeof context->users[0])) {
    char *kept = strdup(name);
    if (kept) {
      context->users[context->user_count].uid = uid;
      context->users[context->user_count++].name = kept;
    }
  }
  return name;
}

static void linux_processes_read_details(linux_processes_context *context, vq_process *row) {
  char path[64];
  size_t length = 0;
  if (context->fields & VQ_PROCESS_FIELD_USERNAME) {
    snprintf(path, sizeof path, "/proc/%lld/status", (long long)row->pid);
    char *status = linux_processes_read_file(path, 2048, &length);
    uint32_t uid;
    if (status && linux_processes_parse_uid(status, length, &uid) == 0)
      row->username = linux_processes_user_name(context, uid);
    free(status);
  }
  if (context->fields & VQ_PROCESS_FIELD_CMDLINE) {
    snprintf(path, sizeof path, "/proc/%lld/cmdline", (long long)row->pid);
    char *raw = linux_processes_read_file(path, 512, &length);
    if (raw) row->cmdline = linux_processes_join_cmdline(raw, length);
    free(raw);
  }
  if (context->fields & VQ_PROCESS_FIELD_PATH) {
    snprintf(path, sizeof path, "/proc/%lld/exe", (long long)row->pid);
    row->path = linux_processes_read_link(path);
  }
}

static int linux_processes_append(vq_process_set *set, vq_process **row) {
  if (set->count == set->capacity) {
    size_t grown = set->capacity ? set->capacity * 2 : 256;
    vq_process *rows = realloc(set->rows, grown * sizeof *rows);
    if (rows == NULL) return -1;
    set->rows = rows;
    set->capacity = grown;
  }
  *row = &set->rows[set->count++];
  memset(*row, 0, sizeof **row);
  return 0;
}

/* The fields that /proc/<pid>/stat gives. */
#define LINUX_PROCESSES_STAT_FIELDS                                                  \
  (VQ_PROCESS_FIELD_NAME | VQ_PROCESS_FIELD_THREADS | VQ_PROCESS_FIELD_CREATE_TIME | \
   VQ_PROCESS_FIELD_WORKING_SET)

/* Fills the stat fields of *row; -1 when the stat is gone (the process exited). */
static int linux_processes_read_stat(const linux_processes_context *context, vq_process *row) {
  char path[64], buffer[1024];
  snprintf(path, sizeof path, "/proc/%lld/stat", (long long)row->pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t got = read(fd, buffer, sizeof buffer - 1);
  close(fd);
  linux_process_stat stat;
  if (got <= 0 || linux_processes_parse_stat(buffer, (size_t)got, &stat) != 0) return -1;
  free(row->name);
  row->name = strdup(stat.comm);
  row->ppid = stat.ppid;
  row->threads = stat.threads;
  row->working_set = stat.rss_pages * context->page_size;
  row->create_time =
      context->boot_time >= 0 && context->ticks_per_second > 0
          ? context->boot_time + (int64_t)(stat.start_ticks / (uint64_t)context->ticks_per_second)
          : -1;
  return 0;
}

/*
** One process. Its stat is read when an asked field needs it, or when the pid
** came from the caller (to know that it exists); a process whose stat is gone
** has exited and gets no row. In a full scan that needs no stat field (only
** path, cmdline or username), the /proc entry itself says the process exists.
*/
static int linux_processes_read_one(linux_processes_context *context, vq_process_set *set,
                                    int64_t pid, int must_exist) {
  vq_process *row;
  if (linux_processes_append(set, &row) != 0) return -1;
  row->pid = pid;
  row->ppid = row->threads = row->working_set = row->create_time = -1;
  row->name = strdup("");
  if (row->name == NULL) return -1;
  if ((must_exist || (context->fields & LINUX_PROCESSES_STAT_FIELDS)) &&
      linux_processes_read_stat(context, row) != 0) {
    free(row->name);
    set->count--;
    return 0;
  }
  if (row->name == NULL) return -1;
  if (context->fields &
      (VQ_PROCESS_FIELD_USERNAME | VQ_PROCESS_FIELD_CMDLINE | VQ_PROCESS_FIELD_PATH)) {
    vq_counter_add(VQ_COUNTER_PROCESS_OPENS, 1);
    linux_processes_read_details(context, row);
  }
  return 0;
}

static int linux_processes_is_pid(const char *name, int64_t *pid) {
  if (!isdigit((unsigned char)name[0])) return 0;
  char *end = NULL;
  long long value = strtoll(name, &end, 10);
  if (*end) return 0;
  *pid = value;
  return 1;
}

int vq_processes_snapshot(vq_process_set *set, unsigned fields, const int64_t *pids,
                          size_t pid_count, vq_error *error) {
  memset(set, 0, sizeof *set);
  linux_processes_context context;
  memset(&context, 0, sizeof context);
  context.fields = fields;
  context.boot_time = (fields & VQ_PROCESS_FIELD_CREATE_TIME) ? linux_processes_boot_time() : -1;
  context.ticks_per_second = sysconf(_SC_CLK_TCK);
  context.page_size = sysconf(_SC_PAGESIZE);
  int rc = 0;
  if (pids) {
    for (size_t i = 0; rc == 0 && i < pid_count; i++)
      if (pids[i] > 0 && pids[i] <= INT32_MAX)
        rc = linux_processes_read_one(&context, set, pids[i], 1);
    if (rc != 0) vq_fail(error, "processes: out of memory reading /proc");
  } else {
    DIR *proc = opendir("/proc");
    if (proc == NULL) {
      rc = vq_fail(error, "processes: opendir(/proc) failed: %s (%d)", strerror(errno), errno);
    } else {
      struct dirent *entry;
      int64_t pid;
      while (rc == 0 && (entry = readdir(proc)) != NULL)
        if (linux_processes_is_pid(entry->d_name, &pid))
          rc = linux_processes_read_one(&context, set, pid, 0);
      closedir(proc);
      if (rc != 0) vq_fail(error, "processes: out of memory reading /proc");
    }
  }
  for (int i = 0; i < context.user_count; i++) free(context.users[i].name);
  return rc;
}

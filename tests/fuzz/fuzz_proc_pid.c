/*
** fuzz_proc_pid.c: the parsers of /proc/<pid> files (linux/processes.h), each
** fed the same bytes: linux_processes_parse_stat() (/proc/<pid>/stat, whose
** comm may hold spaces and parentheses), linux_processes_join_cmdline()
** (/proc/<pid>/cmdline, NUL-separated) and linux_processes_parse_uid() (the
** Uid: line of /proc/<pid>/status). Promises checked: comm terminated inside
** its field; the joined command line is as long as the input without its
** trailing NULs and holds no NUL; nothing is read past `size`.
*/
#include "../../linux/processes.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *bytes = (char *)fuzz_copy(data, size);
  if (bytes == NULL) return 0;

  linux_process_stat stat;
  int parsed = linux_processes_parse_stat(bytes, size, &stat);
  FUZZ_CHECK(parsed == 0 || parsed == -1);
  FUZZ_CHECK(fuzz_terminated(stat.comm, sizeof stat.comm));

  char *line = linux_processes_join_cmdline(bytes, size);
  if (line) {
    size_t expected = size;
    while (expected > 0 && bytes[expected - 1] == 0) expected--;
    FUZZ_CHECK(strlen(line) == expected);
    free(line);
  }

  uint32_t uid = 0;
  int found = linux_processes_parse_uid(bytes, size, &uid);
  FUZZ_CHECK(found == 0 || found == -1);
  free(bytes);
  return 0;
}

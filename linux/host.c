/*
** host.c (Linux): facts about the host for vqlite_version() and snapshots:
** the host name (uname), the OS name (/etc/os-release PRETTY_NAME), the
** kernel release and the machine architecture. Never fails: what cannot be
** read stays "".
*/
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "../tables/platform.h"

static void linux_host_os_name(char *out, size_t size) {
  FILE *file = fopen("/etc/os-release", "r");
  if (file == NULL) file = fopen("/usr/lib/os-release", "r");
  if (file == NULL) return;
  char line[512];
  while (fgets(line, sizeof line, file)) {
    if (strncmp(line, "PRETTY_NAME=", 12) != 0) continue;
    char *value = line + 12;
    value[strcspn(value, "\r\n")] = 0;
    size_t length = strlen(value);
    if (length >= 2 && (value[0] == '"' || value[0] == '\'') && value[length - 1] == value[0]) {
      value[length - 1] = 0;
      value++;
    }
    vq_copy_text(out, size, value);
    break;
  }
  fclose(file);
}

void vq_host_info_read(vq_host_info *info) {
  memset(info, 0, sizeof *info);
  vq_copy_text(info->platform, sizeof info->platform, "linux");
  struct utsname names;
  if (uname(&names) == 0) {
    vq_copy_text(info->hostname, sizeof info->hostname, names.nodename);
    vq_copy_text(info->os_version, sizeof info->os_version, names.release);
    vq_copy_text(info->arch, sizeof info->arch, names.machine);
  }
  linux_host_os_name(info->os_name, sizeof info->os_name);
  if (info->os_name[0] == 0) vq_copy_text(info->os_name, sizeof info->os_name, "Linux");
}

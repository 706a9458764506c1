/*
** processes.c (Windows): the `processes` backend.
**
**   pid, ppid, name, threads   a Toolhelp snapshot (no process is opened)
**   path                       QueryFullProcessImageNameW
**   cmdline                    NtQueryInformationProcess(ProcessCommandLineInformation);
**                              where that is missing (older Windows, Wine) the
**                              PEB: ProcessBasicInformation, then
**                              ReadProcessMemory of RTL_USER_PROCESS_PARAMETERS
**                              .CommandLine, its lengths clamped before use
**                              (vq_clamp_utf16_bytes) -- never truncated below
**                              what the process itself holds (64 KiB at most)
**   username                   the token user as DOMAIN\user; each SID is
**                              looked up once per snapshot (the SID string when
**                              the lookup fails)
**   create_time                GetProcessTimes
**   working_set                GetProcessMemoryInfo
**
** A process is opened only when an asked field needs it, with
** PROCESS_QUERY_LIMITED_INFORMATION; the PEB fallback alone asks for
** PROCESS_QUERY_INFORMATION | PROCESS_VM_READ. Each OpenProcess counts in
** VQ_COUNTER_PROCESS_OPENS. A process that exits or denies access keeps its
** row with what the snapshot gave; nothing about one process fails the scan.
*/
#include <windows.h>
#include <psapi.h>
#include <sddl.h>
#include <tlhelp32.h>
#include <winternl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tables/platform.h"

/* Not in every SDK's PROCESSINFOCLASS. */
#define WIN32_PROCESSES_COMMAND_LINE_CLASS 60
#define WIN32_PROCESSES_STATUS_INFO_LENGTH_MISMATCH ((NTSTATUS)0xC0000004L)
#define WIN32_PROCESSES_STATUS_BUFFER_TOO_SMALL ((NTSTATUS)0xC0000023L)
/* A UNICODE_STRING holds at most 65535 bytes. */
#define WIN32_PROCESSES_MAX_COMMAND_LINE_BYTES 65534u
#define WIN32_PROCESSES_EPOCH_DIFFERENCE 116444736000000000LL

/* Offsets in the 64-bit PEB and RTL_USER_PROCESS_PARAMETERS. */
#define WIN32_PROCESSES_PEB_PROCESS_PARAMETERS 0x20
#define WIN32_PROCESSES_PARAMETERS_COMMAND_LINE 0x70

static char *win32_processes_utf8(const wchar_t *wide, int length) {
  if (length == 0) return strdup("");
  int size = WideCharToMultiByte(CP_UTF8, 0, wide, length, NULL, 0, NULL, NULL);
  if (size <= 0) return NULL;
  char *text = malloc((size_t)size + 1);
  if (text == NULL) return NULL;
  WideCharToMultiByte(CP_UTF8, 0, wide, length, text, size, NULL, NULL);
  text[size] = 0;
  return text;
}

/* ---- per snapshot: SIDs already named ------------------------------------------ */

typedef struct win32_processes_user {
  PSID sid;   /* malloc'd copy */
  char *name; /* DOMAIN\user */
} win32_processes_user;

typedef struct win32_processes_context {
  unsigned fields;
  win32_processes_user *users;
  size_t user_count, user_capacity;
} win32_processes_context;

static char *win32_processes_name_sid(PSID sid) {
  wchar_t name[256], domain[256];
  DWORD name_length = 256, domain_length = 256;
  SID_NAME_USE use;
  if (LookupAccountSidW(NULL, sid, name, &name_length, domain, &domain_length, &use)) {
    wchar_t both[520];
    if (domain_length > 0)
      _snwprintf(both, 520, L"%ls\\%ls", domain, name);
    else
      _snwprintf(both, 520, L"%ls", name);
    both[519] = 0;
    return win32_processes_utf8(both, (int)wcslen(both));
  }
  wchar_t *text = NULL;
  if (!ConvertSidToStringSidW(sid, &text)) return NULL;
  char *utf8 = win32_processes_utf8(text, (int)wcslen(text));
  LocalFree(text);
  return utf8;
}

static char *win32_processes_user_name(win32_processes_context *context, PSID sid) {
  for (size_t i = 0; i < context->user_count; i++)
    if (EqualSid(context->users[i].sid, sid))
      return context->users[i].name ? strdup(context->users[i].name) : NULL;
  char *name = win32_processes_name_sid(sid);
  if (context->user_count == context->user_capacity) {
    size_t grown = context->user_capacity ? context->user_capacity * 2 : 16;
    win32_processes_user *users = realloc(context->users, grown * sizeof *users);
    if (users == NULL) return name;
    context->users = users;
    context->user_capacity = grown;
  }
  DWORD sid_length = GetLengthSid(sid);
  PSID copy = malloc(sid_length);
  if (copy == NULL || !CopySid(sid_length, copy, sid)) {
    free(copy);
    return name;
  }
  context->users[context->user_count].sid = copy;
  context->users[context->user_count++].name = name ? strdup(name) : NULL;
  return name;
}

static char *win32_processes_token_user(win32_processes_context *context, HANDLE process) {
  HANDLE token = NULL;
  if (!OpenProcessToken(process, TOKEN_QUERY, &token)) return NULL;
  char *name = NULL;
  DWORD size = 0;
  GetTokenInformation(token, TokenUser, NULL, 0, &size);
  TOKEN_USER *user = size ? malloc(size) : NULL;
  if (user && GetTokenInformation(token, TokenUser, user, size, &size))
    name = win32_processes_user_name(context, user->User.Sid);
  free(user);
  CloseHandle(token);
  return name;
}

/* ---- command line ---------------------------------------------------------------- */

/* Through ProcessCommandLineInformation: a UNICODE_STRING followed by its
 * text, in a buffer we own; the Length is still clamped to that buffer. */
static char *win32_processes_command_line_query(HANDLE process) {
  ULONG size = 4096, returned = 0;
  for (int attempt = 0; attempt < 4; attempt++) {
    unsigned char *buffer = malloc(size);
    if (buffer == NULL) return NULL;
    NTSTATUS status = NtQueryInformationProcess(
        process, (PROCESSINFOCLASS)WIN32_PROCESSES_COMMAND_LINE_CLASS, buffer, size, &returned);
    if (status == WIN32_PROCESSES_STATUS_INFO_LENGTH_MISMATCH ||
        status == WIN32_PROCESSES_STATUS_BUFFER_TOO_SMALL) {
      free(buffer);
      if (returned <= size || returned > (1u << 20)) return NULL;
      size = returned;
      continue;
    }
    char *text = NULL;
    if (status >= 0 && returned >= sizeof(UNICODE_STRING) && returned <= size) {
      const UNICODE_STRING *line = (const UNICODE_STRING *)buffer;
      const unsigned char *start = (const unsigned char *)line->Buffer, *end = buffer + returned;
      if (line->Length == 0) {
        text = strdup("");
      } else if (start >= buffer + sizeof(UNICODE_STRING) && start < end &&
                 ((uintptr_t)start & 1) == 0) {
        size_t bytes =
            vq_clamp_utf16_bytes(line->Length, line->MaximumLength, (uint64_t)(end - start),
                                 WIN32_PROCESSES_MAX_COMMAND_LINE_BYTES);
        text = win32_processes_utf8((const wchar_t *)start, (int)(bytes / 2));
      }
    }
    free(buffer);
    return text;
  }
  return NULL;
}

static int win32_processes_read(HANDLE process, uint64_t address, void *out, size_t size) {
  SIZE_T got = 0;
  return ReadProcessMemory(process, (LPCVOID)(uintptr_t)address, out, size, &got) && got == size
             ? 0
             : -1;
}

/* Through the PEB of the (64-bit view of the) process. */
static char *win32_processes_command_line_peb(DWORD pid) {
  HANDLE process = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, pid);
  vq_counter_add(VQ_COUNTER_PROCESS_OPENS, 1);
  if (process == NULL) return NULL;
  char *text = NULL;
  PROCESS_BASIC_INFORMATION basic;
  ULONG returned = 0;
  uint64_t parameters = 0;
  struct {
    uint16_t length, maximum_length;
    uint32_t padding;
    uint64_t buffer;
  } line;
  if (NtQueryInformationProcess(process, ProcessBasicInformation, &basic, sizeof basic,
                                &returned) >= 0 &&
      basic.PebBaseAddress &&
      win32_processes_read(
          process,
          (uint64_t)(uintptr_t)basic.PebBaseAddress + WIN32_PROCESSES_PEB_PROCESS_PARAMETERS,
          &parameters, sizeof parameters) == 0 &&
      parameters &&
      win32_processes_read(process, parameters + WIN32_PROCESSES_PARAMETERS_COMMAND_LINE, &line,
                           sizeof line) == 0) {
    size_t bytes = vq_clamp_utf16_bytes(line.length, line.maximum_length, UINT64_MAX,
                                        WIN32_PROCESSES_MAX_COMMAND_LINE_BYTES);
    wchar_t *wide = bytes ? malloc(bytes) : NULL;
    if (bytes == 0)
      text = strdup("");
    else if (wide && line.buffer && win32_processes_read(process, line.buffer, wide, bytes) == 0)
      text = win32_processes_utf8(wide, (int)(bytes / 2));
    free(wide);
  }
  CloseHandle(process);
  return text;
}

/* ---- one process -------------------------------------------------------------------- */

static char *win32_processes_image_path(HANDLE process) {
  for (DWORD capacity = 1024; capacity <= 32768; capacity *= 4) {
    wchar_t *path = malloc(capacity * sizeof *path);
    if (path == NULL) return NULL;
    DWORD length = capacity;
    if (QueryFullProcessImageNameW(process, 0, path, &length)) {
      char *text = win32_processes_utf8(path, (int)length);
      free(path);
      return text;
    }
    DWORD code = GetLastError();
    free(path);
    if (code != ERROR_INSUFFICIENT_BUFFER) return NULL;
  }
  return NULL;
}

static int64_t win32_processes_unix_seconds(FILETIME time) {
  int64_t ticks = (int64_t)((uint64_t)time.dwHighDateTime << 32 | time.dwLowDateTime);
  return ticks > WIN32_PROCESSES_EPOCH_DIFFERENCE
             ? (ticks - WIN32_PROCESSES_EPOCH_DIFFERENCE) / 10000000
             : -1;
}

static void win32_processes_read_details(win32_processes_context *context, vq_process *row) {
  DWORD pid = (DWORD)row->pid;
  HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  vq_counter_add(VQ_COUNTER_PROCESS_OPENS, 1);
  unsigned fields = context->fields;
  if (process) {
    if (fields & VQ_PROCESS_FIELD_PATH) row->path = win32_processes_image_path(process);
    if (fields & VQ_PROCESS_FIELD_CMDLINE)
      row->cmdline = win32_processes_command_line_query(process);
    if (fields & VQ_PROCESS_FIELD_USERNAME)
      row->username = win32_processes_token_user(context, process);
    FILETIME created, exited, kernel, user;
    if ((fields & VQ_PROCESS_FIELD_CREATE_TIME) &&
        GetProcessTimes(process, &created, &exited, &kernel, &user))
      row->create_time = win32_processes_unix_seconds(created);
    PROCESS_MEMORY_COUNTERS memory;
    if ((fields & VQ_PROCESS_FIELD_WORKING_SET) &&
        GetProcessMemoryInfo(process, &memory, sizeof memory))
      row->working_set = (int64_t)memory.WorkingSetSize;
    CloseHandle(process);
  }
  if ((fields & VQ_PROCESS_FIELD_CMDLINE) && row->cmdline == NULL && pid != 0)
    row->cmdline = win32_processes_command_line_peb(pid);
}

/* ---- the snapshot ---------------------------------------------------------------------- */

static int win32_processes_wanted(const int64_t *pids, size_t count, int64_t pid) {
  size_t low = 0, high = count;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (pids[middle] == pid) return 1;
    if (pids[middle] < pid)
      low = middle + 1;
    else
      high = middle;
  }
  return 0;
}

static int win32_processes_append(vq_process_set *set, const PROCESSENTRY32W *entry) {
  if (set->count == set->capacity) {
    size_t grown = set->capacity ? set->capacity * 2 : 256;
    vq_process *rows = realloc(set->rows, grown * sizeof *rows);
    if (rows == NULL) return -1;
    set->rows = rows;
    set->capacity = grown;
  }
  vq_process *row = &set->rows[set->count++];
  memset(row, 0, sizeof *row);
  row->pid = entry->th32ProcessID;
  row->ppid = entry->th32ParentProcessID;
  row->threads = entry->cntThreads;
  row->create_time = -1;
  row->working_set = -1;
  row->name = win32_processes_utf8(entry->szExeFile, (int)wcsnlen(entry->szExeFile, MAX_PATH));
  return row->name ? 0 : -1;
}

int vq_processes_snapshot(vq_process_set *set, unsigned fields, const int64_t *pids,
                          size_t pid_count, vq_error *error) {
  memset(set, 0, sizeof *set);
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE)
    return vq_fail(error, "processes: CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS) failed (%lu)",
                   (unsigned long)GetLastError());
  win32_processes_context context = {fields, NULL, 0, 0};
  unsigned need_open =
      fields & (VQ_PROCESS_FIELD_PATH | VQ_PROCESS_FIELD_CMDLINE | VQ_PROCESS_FIELD_USERNAME |
                VQ_PROCESS_FIELD_CREATE_TIME | VQ_PROCESS_FIELD_WORKING_SET);
  PROCESSENTRY32W entry;
  entry.dwSize = sizeof entry;
  int rc = 0;
  for (BOOL more = Process32FirstW(snapshot, &entry); more && rc == 0;
       more = Process32NextW(snapshot, &entry)) {
    if (pids && !win32_processes_wanted(pids, pid_count, entry.th32ProcessID)) continue;
    rc = win32_processes_append(set, &entry);
    if (rc == 0 && need_open) win32_processes_read_details(&context, &set->rows[set->count - 1]);
  }
  CloseHandle(snapshot);
  for (size_t i = 0; i < context.user_count; i++) {
    free(context.users[i].sid);
    free(context.users[i].name);
  }
  free(context.users);
  if (rc != 0) return vq_fail(error, "processes: out of memory reading the process list");
  return 0;
}

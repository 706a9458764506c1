/*
** sockets.c (Win32): vq_sockets_snapshot() for the netstat table (see
** platform_sockets.h), from the IP Helper API.
**
**   TCP  GetExtendedTcpTable(TCP_TABLE_OWNER_MODULE_ALL), AF_INET and AF_INET6
**   UDP  GetExtendedUdpTable(UDP_TABLE_OWNER_MODULE),     AF_INET and AF_INET6
**
** Each row gives the owning pid, the state (MIB_TCP_STATE, which vq_tcp_state
** numbers alike) and liCreateTimestamp, a FILETIME that becomes `created`
** (unset when zero). A table grows between the sizing call and the fetch, so
** ERROR_INSUFFICIENT_BUFFER is retried a bounded number of times; a call that
** still fails fails the snapshot with the call, the family and the error,
** never a silently partial table.
**
** Where a system refuses the OWNER_MODULE classes (ERROR_INVALID_PARAMETER or
** ERROR_NOT_SUPPORTED), the OWNER_PID classes are used instead: the same rows
** and pids, with `created` and the module unknown. Wine 8 answers the
** OWNER_MODULE classes (with pid 0 and no creation time on every row); its
** tests reach this fallback through a shim that refuses them
** (tests/iphlpapi_shim.h).
**
** The owning module (GetOwnerModuleFrom{Tcp,Tcp6,Udp,Udp6}Entry: the service
** inside svchost.exe, or the executable) is asked only when the query selects
** it (options->want_module); a socket whose module cannot be told (it closed,
** the process is protected) keeps NULL there, and the query goes on. Wine
** exports those four calls as stubs that abort the process, so under Wine
** (ntdll exports wine_get_version) they are never called and module is NULL.
*/
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tables/platform.h"
#include "text.h"

enum { WIN32_SOCKETS_ATTEMPTS = 8 };

static const char *win32_family_name(ULONG family) {
  return family == AF_INET ? "AF_INET" : "AF_INET6";
}

/* "The parameter is incorrect (87)" into the error, after `what`. */
static int win32_sockets_fail(vq_error *error, const char *call, ULONG family, DWORD code) {
  char words[256];
  win32_text_error_words(code, words, sizeof words);
  return vq_fail(error, "%s(%s) failed: %s (%lu)", call, win32_family_name(family), words,
                 (unsigned long)code);
}

/* FILETIME (100 ns since 1601) to Unix seconds; 0 when the OS gave none. */
static int64_t win32_filetime_to_unix(LARGE_INTEGER stamp) {
  if (stamp.QuadPart <= 0) return 0;
  return stamp.QuadPart / 10000000 - 11644473600LL;
}

static void win32_set_created(vq_socket *row, LARGE_INTEGER stamp) {
  int64_t seconds = win32_filetime_to_unix(stamp);
  if (seconds > 0) {
    row->created = seconds;
    row->flags |= VQ_SOCKET_HAS_CREATED;
  }
}

/* One GetExtended{Tcp,Udp}Table call, sized and retried while the table
 * grows. Returns the table (malloc'd) or NULL with *code set. */
static void *win32_fetch_table(int tcp, ULONG family, int table_class, DWORD *code) {
  DWORD size = 0;
  void *table = NULL;
  for (int attempt = 0; attempt < WIN32_SOCKETS_ATTEMPTS; attempt++) {
    *code = tcp ? GetExtendedTcpTable(table, &size, FALSE, family, (TCP_TABLE_CLASS)table_class, 0)
                : GetExtendedUdpTable(table, &size, FALSE, family, (UDP_TABLE_CLASS)table_class, 0);
    if (*code == NO_ERROR && table) return table;
    if (*code != NO_ERROR && *code != ERROR_INSUFFICIENT_BUFFER) break;
    free(table);
    size += size / 8 + 4096; /* room for the sockets opened meanwhile */
    table = malloc(size);
    if (table == NULL) {
      *code = ERROR_NOT_ENOUGH_MEMORY;
      return NULL;
    }
  }
  if (*code == NO_ERROR) *code = ERROR_INSUFFICIENT_BUFFER; /* still growing after every attempt */
  free(table);
  return NULL;
}

typedef DWORD(WINAPI *win32_owner_lookup)(void *entry, TCPIP_OWNER_MODULE_INFO_CLASS info_class,
                                          void *buffer, DWORD *size);

/* The module of one socket into its row; leaves NULL when Windows cannot tell. */
static void win32_set_module(vq_socket *row, win32_owner_lookup lookup, void *entry) {
  union {
    TCPIP_OWNER_MODULE_BASIC_INFO info;
    unsigned char bytes[2048];
  } small;
  void *buffer = &small;
  DWORD size = sizeof small;
  DWORD code = lookup(entry, TCPIP_OWNER_MODULE_INFO_BASIC, buffer, &size);
  if (code == ERROR_INSUFFICIENT_BUFFER && (buffer = malloc(size)) != NULL)
    code = lookup(entry, TCPIP_OWNER_MODULE_INFO_BASIC, buffer, &size);
  if (code == NO_ERROR) {
    const TCPIP_OWNER_MODULE_BASIC_INFO *info = buffer;
    row->module = win32_text_utf8(info->pModuleName);
    row->module_path = win32_text_utf8(info->pModulePath);
  }
  if (buffer != &small) free(buffer);
}

/* Wine's iphlpapi exports GetOwnerModuleFrom*Entry as stubs that abort the
 * process when called, so under Wine (known by ntdll's wine_get_version) the
 * module is not asked for and stays NULL. */
static int win32_module_lookup_works(void) {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll == NULL || GetProcAddress(ntdll, "wine_get_version") == NULL;
}

/* The four lookups, typed for win32_set_module. */
static DWORD WINAPI win32_tcp4_owner(void *entry, TCPIP_OWNER_MODULE_INFO_CLASS c, void *b,
                                     DWORD *s) {
  return GetOwnerModuleFromTcpEntry(entry, c, b, s);
}
static DWORD WINAPI win32_tcp6_owner(void *entry, TCPIP_OWNER_MODULE_INFO_CLASS c, void *b,
                                     DWORD *s) {
  return GetOwnerModuleFromTcp6Entry(entry, c, b, s);
}
static DWORD WINAPI win32_udp4_owner(void *entry, TCPIP_OWNER_MODULE_INFO_CLASS c, void *b,
                                     DWORD *s) {
  return GetOwnerModuleFromUdpEntry(entry, c, b, s);
}
static DWORD WINAPI win32_udp6_owner(void *entry, TCPIP_OWNER_MODULE_INFO_CLASS c, void *b,
                                     DWORD *s) {
  return GetOwnerModuleFromUdp6Entry(entry, c, b, s);
}

/* Ports are kept in network order in the low 16 bits of a DWORD. */
static uint16_t win32_port(DWORD value) { return ntohs((u_short)value); }

static void win32_row_common(vq_socket *row, int family, int protocol, DWORD pid) {
  row->family = (uint8_t)family;
  row->protocol = (uint8_t)protocol;
  row->pid = pid;
  row->flags = VQ_SOCKET_HAS_PID;
}

/* ---- the four tables, in either class -------------------------------------- */

/*
** The fields a row shares with its sibling class: OWNER_MODULE and OWNER_PID
** rows name them alike but are different struct types, hence macros. The
** address fields differ by family (dwLocalAddr vs ucLocalAddr) and are given.
*/
#define WIN32_COPY_TCP(row, entry, family, local, remote, size)             \
  do {                                                                      \
    win32_row_common((row), (family), VQ_SOCKET_TCP, (entry)->dwOwningPid); \
    (row)->state = (uint8_t)(entry)->dwState;                               \
    memcpy((row)->local_address, (local), (size));                          \
    memcpy((row)->remote_address, (remote), (size));                        \
    (row)->local_port = win32_port((entry)->dwLocalPort);                   \
    (row)->remote_port = win32_port((entry)->dwRemotePort);                 \
  } while (0)

#define WIN32_COPY_UDP(row, entry, family, local, size)                     \
  do {                                                                      \
    win32_row_common((row), (family), VQ_SOCKET_UDP, (entry)->dwOwningPid); \
    memcpy((row)->local_address, (local), (size));                          \
    (row)->local_port = win32_port((entry)->dwLocalPort);                   \
  } while (0)

static int win32_add_tcp4(const void *table, int module_class, int want_module,
                          vq_socket_set *set) {
  DWORD count = *(const DWORD *)table;
  for (DWORD i = 0; i < count; i++) {
    vq_socket *row = vq_sockets_push(set);
    if (row == NULL) return -1;
    if (module_class) {
      MIB_TCPROW_OWNER_MODULE *entry = &((MIB_TCPTABLE_OWNER_MODULE *)table)->table[i];
      WIN32_COPY_TCP(row, entry, 4, &entry->dwLocalAddr, &entry->dwRemoteAddr, 4);
      win32_set_created(row, entry->liCreateTimestamp);
      if (want_module) win32_set_module(row, win32_tcp4_owner, entry);
    } else {
      const MIB_TCPROW_OWNER_PID *entry = &((const MIB_TCPTABLE_OWNER_PID *)table)->table[i];
      WIN32_COPY_TCP(row, entry, 4, &entry->dwLocalAddr, &entry->dwRemoteAddr, 4);
    }
  }
  return 0;
}

static int win32_add_tcp6(const void *table, int module_class, int want_module,
                          vq_socket_set *set) {
  DWORD count = *(const DWORD *)table;
  for (DWORD i = 0; i < count; i++) {
    vq_socket *row = vq_sockets_push(set);
    if (row == NULL) return -1;
    if (module_class) {
      MIB_TCP6ROW_OWNER_MODULE *entry = &((MIB_TCP6TABLE_OWNER_MODULE *)table)->table[i];
      WIN32_COPY_TCP(row, entry, 6, entry->ucLocalAddr, entry->ucRemoteAddr, 16);
      win32_set_created(row, entry->liCreateTimestamp);
      if (want_module) win32_set_module(row, win32_tcp6_owner, entry);
    } else {
      const MIB_TCP6ROW_OWNER_PID *entry = &((const MIB_TCP6TABLE_OWNER_PID *)table)->table[i];
      WIN32_COPY_TCP(row, entry, 6, entry->ucLocalAddr, entry->ucRemoteAddr, 16);
    }
  }
  return 0;
}

static int win32_add_udp4(const void *table, int module_class, int want_module,
                          vq_socket_set *set) {
  DWORD count = *(const DWORD *)table;
  for (DWORD i = 0; i < count; i++) {
    vq_socket *row = vq_sockets_push(set);
    if (row == NULL) return -1;
    if (module_class) {
      MIB_UDPROW_OWNER_MODULE *entry = &((MIB_UDPTABLE_OWNER_MODULE *)table)->table[i];
      WIN32_COPY_UDP(row, entry, 4, &entry->dwLocalAddr, 4);
      win32_set_created(row, entry->liCreateTimestamp);
      if (want_module) win32_set_module(row, win32_udp4_owner, entry);
    } else {
      const MIB_UDPROW_OWNER_PID *entry = &((const MIB_UDPTABLE_OWNER_PID *)table)->table[i];
      WIN32_COPY_UDP(row, entry, 4, &entry->dwLocalAddr, 4);
    }
  }
  return 0;
}

static int win32_add_udp6(const void *table, int module_class, int want_module,
                          vq_socket_set *set) {
  DWORD count = *(const DWORD *)table;
  for (DWORD i = 0; i < count; i++) {
    vq_socket *row = vq_sockets_push(set);
    if (row == NULL) return -1;
    if (module_class) {
      MIB_UDP6ROW_OWNER_MODULE *entry = &((MIB_UDP6TABLE_OWNER_MODULE *)table)->table[i];
      WIN32_COPY_UDP(row, entry, 6, entry->ucLocalAddr, 16);
      win32_set_created(row, entry->liCreateTimestamp);
      if (want_module) win32_set_module(row, win32_udp6_owner, entry);
    } else {
      const MIB_UDP6ROW_OWNER_PID *entry = &((const MIB_UDP6TABLE_OWNER_PID *)table)->table[i];
      WIN32_COPY_UDP(row, entry, 6, entry->ucLocalAddr, 16);
    }
  }
  return 0;
}

/* ---- the snapshot ------------------------------------------------------- */

typedef int (*win32_add_rows)(const void *table, int module_class, int want_module,
                              vq_socket_set *set);

static int win32_sockets_source(int tcp, ULONG family, win32_add_rows add,
                                const vq_socket_options *options, vq_socket_set *set,
                                vq_error *error) {
  const char *call = tcp ? "GetExtendedTcpTable" : "GetExtendedUdpTable";
  int module_class = 1;
  DWORD code;
  void *table = win32_fetch_table(tcp, family,
                                  tcp ? TCP_TABLE_OWNER_MODULE_ALL : UDP_TABLE_OWNER_MODULE, &code);
  if (table == NULL && (code == ERROR_INVALID_PARAMETER || code == ERROR_NOT_SUPPORTED)) {
    module_class = 0; /* this system has no OWNER_MODULE tables: pids without created/module */
    table =
        win32_fetch_table(tcp, family, tcp ? TCP_TABLE_OWNER_PID_ALL : UDP_TABLE_OWNER_PID, &code);
  }
  if (table == NULL) return win32_sockets_fail(error, call, family, code);
  int want_module = options && options->want_module && win32_module_lookup_works();
  int status = add(table, module_class, want_module, set);
  free(table);
  if (status != 0) return vq_fail(error, "%s(%s): out of memory", call, win32_family_name(family));
  return 0;
}

int vq_sockets_snapshot(const vq_socket_options *options, vq_socket_set *set, vq_error *error) {
  memset(set, 0, sizeof *set);
  int status = win32_sockets_source(1, AF_INET, win32_add_tcp4, options, set, error);
  if (status == 0) status = win32_sockets_source(1, AF_INET6, win32_add_tcp6, options, set, error);
  if (status == 0) status = win32_sockets_source(0, AF_INET, win32_add_udp4, options, set, error);
  if (status == 0) status = win32_sockets_source(0, AF_INET6, win32_add_udp6, options, set, error);
  if (status != 0) vq_sockets_free(set);
  return status;
}
